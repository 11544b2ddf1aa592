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
import type { Logger } from './logger.js';
import type { Server } from './server.js';

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
  readonly logger: Logger;
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
  const auth = new ConfigurationBotFrameworkAuthentication(settings, credentials);
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

export function registerBotFrameworkRoutes(server: Server, deps: BotFrameworkDeps): void {
  server.post('/api/messages', async (req, res) => {
    if (deps.loopbackOnly && !isLoopbackAddress(req.socket.remoteAddress)) {
      deps.logger.warn({ route: '/api/messages' }, 'refused a non-local request to the unauthenticated endpoint');
      res.send(403, { error: { code: 'forbidden', message: 'this endpoint only serves local requests' } });
      return;
    }
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });
}
