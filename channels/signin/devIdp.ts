/**
 * A stand-in NY.gov for development: a real OpenID Connect provider (oidc-provider) mounted at
 * `PUBLIC_URL/dev-idp` on our own server, with the demo accounts, so the whole sign-in journey works
 * offline and the relying party is tested against a provider that can actually refuse it. Its
 * login checks the password (devInteractions would accept any), and everything it keeps (keys,
 * sessions, codes) lives in memory: a restart signs everyone out, which is fine for development
 * and is why it must never run in production.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import type { Adapter, AdapterPayload, InteractionRecord, KoaContextWithOIDC, Provider } from 'oidc-provider';
import { AppError } from '../../db/errors.js';
import { DEMO_DATA_FILE, readSeedFile } from '../../db/seed.js';
import { resolveLocale, type Locale } from '../../locales/i18n.js';
import type { Logger } from '../logger.js';
import type { Request, Response, Server } from '../server.js';
import { localeFromAcceptLanguage } from '../web/routes.js';
import { renderDevConsent, renderDevExpired, renderDevLogin, sendPage, signInPagePolicy } from './pages.js';
import { DOCUMENT_CALLBACK_PATH } from '../documents/paths.js';
import { SIGN_IN_CALLBACK_PATH } from './routes.js';

export const DEV_IDP_PATH = '/dev-idp';
export const DEV_CLIENT_ID = 'child-support-assistant-dev';

const INTERACTION_PATH = `${DEV_IDP_PATH}/interaction`;

export interface DevIdentityProviderOptions {
  /** No trailing slash; the issuer is `${publicUrl}/dev-idp`. */
  readonly publicUrl: string;
  /** The client secret and cookie keys derive from it, so they survive a restart without config. */
  readonly sessionSecret: string;
  /** A file in the demo-data format; the shipped demo data by default. */
  readonly accountsFile?: string | URL;
  readonly production: boolean;
  readonly logger?: Logger;
}

export interface DevIdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Adds the provider and its login pages to the server; call before `listen`. */
  mount(server: Server): void;
  /** Settles when a build under way has finished (either way; at once if none began); awaited on shutdown. */
  readonly settled: Promise<void>;
}

/** Refuses the development provider in production, whoever asks. */
export function assertDevIdentityProviderAllowed(production: boolean): void {
  if (production) {
    throw new AppError('config_invalid', 'the development identity provider is refused in production; set OIDC_ISSUER');
  }
}

function derive(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`dev-idp/${purpose}`).digest('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

interface DevAccount {
  readonly sub: string;
  readonly passwordDigest: Buffer;
}

/** Demo accounts by lower-cased username; only those with a username and password can log in. */
async function loadAccounts(file: string | URL): Promise<Map<string, DevAccount>> {
  const data = await readSeedFile(file);
  const accounts = new Map<string, DevAccount>();
  const all = [...data.people.map((p) => p.nygov), ...(data.unlinkedSignInAccounts ?? [])];
  for (const account of all) {
    if (account?.username === undefined || account.password === undefined) continue;
    accounts.set(account.username.toLowerCase(), { sub: account.sub, passwordDigest: digest(account.password) });
  }
  return accounts;
}

/**
 * oidc-provider's own MemoryAdapter, reduced to what an authorization-code login needs; ours so the
 * library does not warn on every start about using its quick-start adapter.
 */
function memoryAdapter(): new (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const index = new Map<string, string>();
  const grants = new Map<string, string[]>();

  const live = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return class DevMemoryAdapter implements Adapter {
    constructor(private readonly name: string) {}

    private key(id: string): string {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      store.set(key, { payload, expiresAt: Date.now() + expiresIn * 1000 });
      if (payload.grantId !== undefined) grants.set(payload.grantId, [...(grants.get(payload.grantId) ?? []), key]);
      if (payload.uid !== undefined && this.name === 'Session') index.set(`uid:${payload.uid}`, id);
      if (payload.userCode !== undefined) index.set(`userCode:${payload.userCode}`, id);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = index.get(`uid:${uid}`);
      return id === undefined ? undefined : live(this.key(id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = index.get(`userCode:${userCode}`);
      return id === undefined ? undefined : live(this.key(id));
    }

    async consume(id: string): Promise<void> {
      const payload = live(this.key(id));
      if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) store.delete(key);
      grants.delete(grantId);
    }
  };
}

function isUnder(url: string, prefix: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`);
}

function formField(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** The parent's language: what the relying party asked for (`ui_locales`), else the browser's. */
function interactionLocale(req: Request, interaction: InteractionRecord | null): Locale {
  const requested = interaction?.params['ui_locales'];
  if (typeof requested === 'string' && requested.trim() !== '') return resolveLocale(requested.trim().split(/\s+/)[0]);
  return localeFromAcceptLanguage(req.header('accept-language'));
}

export async function createDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  assertDevIdentityProviderAllowed(options.production);
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const issuer = `${publicUrl}${DEV_IDP_PATH}`;
  const clientSecret = derive(options.sessionSecret, 'client-secret');
  const logger = options.logger;

  // Built on first use (the first request under /dev-idp, which a sign-in's discovery makes): the
  // assistant starts without the library, its key pair and its accounts (about half a second of
  // CPU and 10 MB resident), which a chat that never signs in does not need.
  type Built = { provider: Provider; accounts: Map<string, DevAccount>; nobody: Buffer };
  let building: Promise<Built> | null = null;
  const built = (): Promise<Built> => {
    if (building === null) {
      building = build();
      building.catch((error: unknown) => {
        logger?.error({ code: 'dev_idp_build_failed', err: { name: error instanceof Error ? error.name : 'unknown' } }, 'development identity provider failed to start');
      });
    }
    return building;
  };

  async function build(): Promise<Built> {
    const accounts = await loadAccounts(options.accountsFile ?? DEMO_DATA_FILE);
    const knownSubjects = new Set([...accounts.values()].map((a) => a.sub));
    // A stand-in digest, so an unknown username costs the same comparison as a wrong password.
    const nobody = digest(randomBytes(32).toString('base64url'));

    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomUUID() };

    // Loaded here, not at the top: production never loads the library at all.
    const { Provider: ProviderClass } = await import('oidc-provider');
    const provider: Provider = new ProviderClass(issuer, {
      adapter: memoryAdapter(),
      clients: [
        {
          client_id: DEV_CLIENT_ID,
          client_secret: clientSecret,
          // Document links opened outside the chat's browser sign in too (channels/documents).
          redirect_uris: [`${publicUrl}${SIGN_IN_CALLBACK_PATH}`, `${publicUrl}${DOCUMENT_CALLBACK_PATH}`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'RS256',
        },
      ],
      async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
        if (!knownSubjects.has(sub)) return undefined;
        return { accountId: sub, claims: () => ({ sub }) };
      },
      claims: { openid: ['sub'] },
      scopes: ['openid'],
      cookies: { keys: [derive(options.sessionSecret, 'cookies')] },
      jwks: { keys: [signingKey] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: KoaContextWithOIDC, interaction: InteractionRecord) => `${INTERACTION_PATH}/${interaction.uid}` },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
      renderError(ctx: KoaContextWithOIDC, out: Record<string, unknown>) {
        logger?.info({ code: 'dev_idp_error', oauthError: typeof out.error === 'string' ? out.error : 'unknown' }, 'development identity provider refused a request');
        const locale = localeFromAcceptLanguage(ctx.get('accept-language'));
        const nonce = randomBytes(18).toString('base64');
        ctx.set('Content-Security-Policy', signInPagePolicy(nonce));
        ctx.type = 'html';
        ctx.body = renderDevExpired(locale, nonce);
      },
    });
    // Behind a TLS-terminating tunnel the request says http; X-Forwarded-Proto tells the truth.
    provider.proxy = true;
    provider.on('server_error', (_ctx: unknown, error: unknown) => {
      logger?.error({ code: 'dev_idp_server_error', err: { name: error instanceof Error ? error.name : 'unknown' } }, 'development identity provider failed');
    });
    return { provider, accounts, nobody };
  }

  async function verify(login: string, password: string): Promise<string | null> {
    const { accounts, nobody } = await built();
    const account = accounts.get(login.trim().toLowerCase());
    const matches = timingSafeEqual(digest(password), account?.passwordDigest ?? nobody);
    return account !== undefined && matches ? account.sub : null;
  }

  /** The interaction this browser is in (by its cookie) and that the URL names, or null. */
  async function interaction(req: Request, res: Response): Promise<InteractionRecord | null> {
    try {
      const { provider } = await built();
      const details = await provider.interactionDetails(req as IncomingMessage, res as ServerResponse);
      return details.uid === req.params.uid ? details : null;
    } catch {
      return null;
    }
  }

  function expired(req: Request, res: Response): void {
    const locale = interactionLocale(req, null);
    sendPage(res, 400, locale, (nonce) => renderDevExpired(locale, nonce));
  }

  function mount(server: Server): void {
    let handle: Promise<ReturnType<Provider['callback']>> | null = null;
    // Before routing and body parsing: the provider reads its own request bodies.
    server.pre((req: Request, res: Response, next: () => void) => {
      const url = req.url ?? '';
      if (!isUnder(url, DEV_IDP_PATH) || isUnder(url, INTERACTION_PATH)) {
        next();
        return;
      }
      // As Express mounts it: the provider sees its own paths and finds its mount in originalUrl.
      Object.assign(req, { originalUrl: url, url: url.slice(DEV_IDP_PATH.length) || '/' });
      // A failed build is logged once; each request then answers 503.
      handle ??= built().then(({ provider }) => provider.callback());
      handle.then(
        (callback) => callback(req, res),
        () => {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end();
        },
      );
    });

    server.get(`${INTERACTION_PATH}/:uid`, async (req: Request, res: Response) => {
      const details = await interaction(req, res);
      if (details === null) return expired(req, res);
      const locale = interactionLocale(req, details);
      const action = `${INTERACTION_PATH}/${encodeURIComponent(details.uid)}`;
      if (details.prompt.name === 'login') {
        return sendPage(res, 200, locale, (nonce) => renderDevLogin({ locale, nonce, action: `${action}/login` }));
      }
      if (details.prompt.name === 'consent') {
        return sendPage(res, 200, locale, (nonce) => renderDevConsent({ locale, nonce, action: `${action}/confirm` }));
      }
      return expired(req, res);
    });

    server.post(`${INTERACTION_PATH}/:uid/login`, async (req: Request, res: Response) => {
      const details = await interaction(req, res);
      if (details === null || details.prompt.name !== 'login') return expired(req, res);
      const login = formField(req, 'login');
      const sub = await verify(login, formField(req, 'password'));
      if (sub === null) {
        const locale = interactionLocale(req, details);
        const action = `${INTERACTION_PATH}/${encodeURIComponent(details.uid)}/login`;
        return sendPage(res, 401, locale, (nonce) => renderDevLogin({ locale, nonce, action, login, failed: true }));
      }
      const { provider } = await built();
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      return undefined;
    });

    server.post(`${INTERACTION_PATH}/:uid/confirm`, async (req: Request, res: Response) => {
      const details = await interaction(req, res);
      const accountId = details?.session?.accountId;
      const clientId = details?.params['client_id'];
      if (details === null || details.prompt.name !== 'consent' || accountId === undefined || typeof clientId !== 'string') {
        return expired(req, res);
      }
      const { provider } = await built();
      const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
      const grant = existing ?? new provider.Grant({ accountId, clientId });
      const missingScope = details.prompt.details['missingOIDCScope'];
      if (Array.isArray(missingScope)) grant.addOIDCScope(missingScope.filter((s) => typeof s === 'string').join(' '));
      const missingClaims = details.prompt.details['missingOIDCClaims'];
      if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.filter((c): c is string => typeof c === 'string'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return undefined;
    });
  }

  return {
    issuer,
    clientId: DEV_CLIENT_ID,
    clientSecret,
    mount,
    get settled(): Promise<void> {
      return (building ?? Promise.resolve()).then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
