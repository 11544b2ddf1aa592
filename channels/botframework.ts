/**
 * The Bot Framework channel endpoint `/api/messages`, for Azure Bot Service and the Emulator.
 * Without an app id nothing is authenticated (the Emulator's mode), so it is then served to this
 * machine only.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { AppType } from '../config.js';
import { SMS_CHANNEL_ID } from '../dialogs/text/mode.js';
import { DIRECT_LINE_CHANNEL_ID } from './directline/DirectLineAdapter.js';
import { jsonShapeProblem } from './limits.js';
import { requestLog, type Server } from './server.js';
import { withTurnLog } from '../dialogs/log.js';

export interface MicrosoftAppSettings {
  readonly appId: string | null;
  readonly password: string | null;
  readonly tenantId: string | null;
  readonly type: AppType;
}

export interface BotFrameworkDeps {
  readonly adapter: CloudAdapter;
  readonly bot: { run(context: TurnContext): Promise<void> };
  /** True when no app id is configured: unauthenticated requests must come from this machine. */
  readonly loopbackOnly: boolean;
  /** True for a conversation id of our own Direct Line endpoint; none when absent. */
  readonly isDirectLineConversation?: (conversationId: string) => Promise<boolean>;
}

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ClaimsIdentity = AuthenticateRequestResult['claimsIdentity'];
type ConnectorFactory = NonNullable<AuthenticateRequestResult['connectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/** Distinct clients kept; past this (service URLs are the caller's word) the cache starts over. */
const MAX_CACHED_CLIENTS = 64;

/** The bot's app id in the claims, as botframework-connector reads it: `aud` from a channel, `appid` from the Emulator. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue('aud') ?? claimsIdentity.getClaimValue('appid') ?? '';
}

function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (cache.size >= MAX_CACHED_CLIENTS) cache.clear();
  const made = make();
  cache.set(key, made);
  // A failed creation is not kept: the next request tries again.
  made.catch(() => {
    if (cache.get(key) === made) cache.delete(key);
  });
  return made;
}

/**
 * botbuilder builds a new ConnectorClient and UserTokenClient (each an HTTP pipeline of a dozen
 * policies) for every inbound activity, though they depend only on the bot's app id, the audience
 * and the service URL: a tenth of a turn's CPU. This keeps one per such key. Authentication itself
 * is untouched: every request is still validated by `super.authenticateRequest`, and the clients
 * get their tokens per outbound call as before.
 */
class ClientReusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  override async authenticateRequest(activity: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>[0], authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    const factory = result.connectorFactory;
    if (factory === undefined) return result;
    const appId = appIdOf(result.claimsIdentity);
    const connectorFactory: ConnectorFactory = {
      create: (serviceUrl, audience) => remember(this.connectors, JSON.stringify([appId, audience ?? null, serviceUrl]), () => factory.create(serviceUrl, audience)),
    };
    return { ...result, connectorFactory };
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.tokenClients, appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }
}

/** Empty credentials make CloudAdapter skip JWT validation, which is what the Emulator expects. */
export function createCloudAdapter(app: MicrosoftAppSettings): CloudAdapter {
  const settings = {
    MicrosoftAppId: app.appId ?? undefined,
    MicrosoftAppPassword: app.password ?? undefined,
    MicrosoftAppTenantId: app.tenantId ?? undefined,
    MicrosoftAppType: app.type,
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  const auth = new ClientReusingAuthentication(settings, credentials);
  return new CloudAdapter(auth);
}

/**
 * True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x. The socket address is used, never
 * X-Forwarded-For: a header is the client's word. Behind a reverse proxy on the same host every
 * request looks local, which is one reason production refuses to run without an app id.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const value = address.toLowerCase();
  if (value === '::1' || value === '0:0:0:0:0:0:0:1') return true;
  const v4 = value.startsWith('::ffff:') ? value.slice('::ffff:'.length) : value;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return octets !== null && octets[1] === '127' && octets.slice(2).every((o) => Number(o) <= 255);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Conversation state and verified sessions are keyed by channel id + conversation id, both taken
 * from the posted activity. An activity here claiming our SMS channel, or one of our own Direct
 * Line conversations, would share that conversation's state and signed-in session, so it is refused.
 * Our SMS channel never comes through here; Azure's own Direct Line conversations (other ids) do.
 */
async function aliasesOwnConversation(body: unknown, deps: BotFrameworkDeps): Promise<boolean> {
  if (!isRecord(body)) return false;
  const channelId = typeof body.channelId === 'string' ? body.channelId.trim().toLowerCase() : '';
  if (channelId === SMS_CHANNEL_ID) return true;
  if (channelId !== DIRECT_LINE_CHANNEL_ID || deps.isDirectLineConversation === undefined) return false;
  const conversationId = isRecord(body.conversation) ? body.conversation.id : undefined;
  return typeof conversationId === 'string' && (await deps.isDirectLineConversation(conversationId));
}

export function registerBotFrameworkRoutes(server: Server, deps: BotFrameworkDeps): void {
  server.post('/api/messages', async (req, res) => {
    const log = requestLog(req);
    if (deps.loopbackOnly && !isLoopbackAddress(req.socket.remoteAddress)) {
      log.warn({ route: '/api/messages' }, 'refused a non-local request to the unauthenticated endpoint');
      res.send(403, { error: { code: 'forbidden', message: 'this endpoint only serves local requests' } });
      return;
    }
    const body: unknown = req.body;
    if (jsonShapeProblem(body) !== null) {
      res.send(400, { error: { code: 'bad_request', message: 'the activity is nested too deeply or contains a NUL character' } });
      return;
    }
    if (await aliasesOwnConversation(body, deps)) {
      log.warn({ code: 'channel_alias_refused', route: '/api/messages' }, 'refused an activity naming one of our own channels');
      res.send(403, { error: { code: 'forbidden', message: 'this channel and conversation are not served here' } });
      return;
    }
    await deps.adapter.process(req, res, withTurnLog(log, (context) => deps.bot.run(context)));
  });
}
