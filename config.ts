/**
 * The one place that reads the environment. It is validated once and frozen; everything else gets
 * the resulting `Config` handed in, so tests can build their own without touching `process.env`.
 */

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface Config {
  readonly production: boolean;
  readonly port: number;
  /** Base of every link the bot sends and of the Twilio signature URL; no trailing slash. */
  readonly publicUrl: string;
  /** `postgres://…` or null for the embedded PGlite database. */
  readonly databaseUrl: string | null;
  /** Folder of the embedded database, or `memory://`. */
  readonly pgliteDir: string;
  /** `PGLITE_SHARED_BUFFERS_MB`: the embedded database's page cache, resident once used (4 by default). */
  readonly pgliteSharedBuffersMb: number;
  /**
   * PostgreSQL: longest a statement may run, lock waits included. Direct Line and Twilio give up
   * on a request at 15 s, so a turn's answer must come well before that even on a hung database.
   */
  readonly databaseStatementTimeoutMs: number;
  /** PostgreSQL: longest a query waits for a connection before the turn fails calmly. */
  readonly databaseConnectTimeoutMs: number;
  readonly seedDemo: boolean;
  /** Null when the development identity provider is mounted at `publicUrl/dev-idp`. */
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string } | null;
  readonly microsoftApp: {
    readonly appId: string | null;
    readonly password: string | null;
    readonly tenantId: string | null;
    readonly type: AppType;
  };
  readonly twilio: {
    readonly accountSid: string | null;
    readonly authToken: string | null;
    readonly from: string | null;
    /** `TWILIO_API_URL`: base of Twilio's REST API for texts sent outside a webhook reply; null is Twilio's own. */
    readonly apiUrl: string | null;
  };
  readonly reminders: ReminderConfig;
  readonly ttyNumbers: readonly string[];
  readonly mail: { readonly smtpUrl: string | null; readonly from: string; readonly dir: string };
  readonly ssnHmacKey: string;
  readonly sessionSecret: string;
  /** Names of the development defaults in force (empty in a proper production setup). */
  readonly developmentDefaults: readonly string[];
  /**
   * `METRICS_TOKEN`: `/metrics` then needs `Authorization: Bearer <token>`. Null: open outside
   * production, absent (404) in production.
   */
  readonly metricsToken: string | null;
  // --- Limits and retention (TRUST_PROXY, RATE_LIMIT_*, RETENTION_*) ---
  /**
   * How many reverse proxies in front of the server append to X-Forwarded-For; 0 (the default)
   * ignores the header, since without a proxy it is the client's own word.
   */
  readonly trustProxy: number;
  readonly rateLimits: RateLimitConfig;
  readonly retention: RetentionConfig;
  /**
   * `HEAP_GROWTH_PERCENT`: after each full garbage collection V8 lets the heap grow to the live data
   * plus this share before collecting again ({@link DEFAULT_HEAP_GROWTH_PERCENT} by default; 0 leaves
   * it to V8, which under steady load lets it reach several times the live data).
   */
  readonly heapGrowthPercent: number;
}

export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

// --- SMS reminders (REMINDERS_*) ---
export interface ReminderConfig {
  /** How often each instance runs a reminders pass (jittered); 0 leaves it to `npm run reminders`. */
  readonly intervalSeconds: number;
  /** Texts in flight at once during a pass. */
  readonly concurrency: number;
}

export const DEFAULT_REMINDERS: ReminderConfig = Object.freeze({ intervalSeconds: 300, concurrency: 8 });

/** Requests per window: per client (IP address, or phone number for SMS) and for everyone at once; 0 is no limit. */
export interface RateLimit {
  readonly perClient: number;
  readonly total: number;
}

export type RateLimitBucket = 'token' | 'start' | 'post' | 'signin' | 'sms';

export interface RateLimitConfig {
  readonly windowSeconds: number;
  readonly buckets: Readonly<Record<RateLimitBucket, RateLimit>>;
}

export interface RetentionConfig {
  /** Transcripts, Direct Line conversations, bot state, SMS conversations and message ids. */
  readonly days: number;
  /** Sign-in requests after their link expired, verified sessions after they ended. */
  readonly signInHours: number;
  /** Unsent SMS reply pages (account data) after the conversation went quiet. */
  readonly smsPagesMinutes: number;
  /** How often each instance tries the purge (jittered); 0 turns the job off. */
  readonly intervalSeconds: number;
}

/**
 * Defaults far above what a parent does (one message every few seconds, a handful of chats a day)
 * and what a shared address (an office, a carrier's NAT) adds up to, yet far below a flood: the
 * 300/s conversation burst of the attack meets the per-address limit after a fraction of a second.
 */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = Object.freeze({
  windowSeconds: 60,
  buckets: Object.freeze({
    token: Object.freeze({ perClient: 60, total: 600 }),
    start: Object.freeze({ perClient: 120, total: 1200 }),
    post: Object.freeze({ perClient: 240, total: 6000 }),
    signin: Object.freeze({ perClient: 60, total: 600 }),
    sms: Object.freeze({ perClient: 30, total: 3000 }),
  }),
});

export const DEFAULT_RETENTION: RetentionConfig = Object.freeze({ days: 30, signInHours: 24, smsPagesMinutes: 30, intervalSeconds: 300 });

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Development-only secrets: long enough to work, useless to anyone, refused in production. */
export const DEV_SSN_HMAC_KEY = 'dev-only-ssn-hmac-key-do-not-use-in-production-0000';
export const DEV_SESSION_SECRET = 'dev-only-session-secret-do-not-use-in-production-000';

/**
 * PostgreSQL's own default, 128 MB of shared buffers, is sized for a server; inside PGlite they
 * live in this process's WebAssembly memory and, once touched, stay resident (about 130 MB more
 * right after start). The demo data (tens of MB on disk, a few MB hot) is served as fast from 4 MB:
 * pages PGlite does not cache are one read away in the operating system's file cache. 16 MB
 * measured about 12 MB more resident and no less CPU per turn over 10,000 turns.
 */
export const DEFAULT_PGLITE_SHARED_BUFFERS_MB = 4;

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | null {
  const value = env[name];
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === null) return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}"`);
}

function url(name: string, value: string, protocols: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}`);
  }
  return value;
}

const E164 = /^\+[1-9]\d{6,14}$/;

function count(env: Env, name: string, fallback: number, min = 0): number {
  const value = text(env, name);
  if (value === null) return fallback;
  const n = Number(value);
  if (!/^\d{1,9}$/.test(value) || n < min) throw new ConfigError(`${name} must be a whole number of at least ${min}, not "${value}"`);
  return n;
}

/** `TRUST_PROXY`: false (default), true (one proxy) or the number of proxies. */
function trustProxy(env: Env): number {
  const value = text(env, 'TRUST_PROXY');
  if (value === null || /^(false|no)$/i.test(value)) return 0;
  if (/^(true|yes)$/i.test(value)) return 1;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  throw new ConfigError(`TRUST_PROXY must be true, false or a number of proxies, not "${value}"`);
}

/** `RATE_LIMIT_TOKENS=60,600`: per client, then for everyone, per window. */
function rateLimit(env: Env, name: string, fallback: RateLimit): RateLimit {
  const value = text(env, name);
  if (value === null) return fallback;
  const match = /^(\d{1,9})\s*,\s*(\d{1,9})$/.exec(value);
  if (match === null) throw new ConfigError(`${name} must be "per-client,total" (whole numbers, 0 for no limit), not "${value}"`);
  return Object.freeze({ perClient: Number(match[1]), total: Number(match[2]) });
}

function limitsAndRetention(env: Env): Pick<Config, 'trustProxy' | 'rateLimits' | 'retention'> {
  const d = DEFAULT_RATE_LIMITS.buckets;
  return {
    trustProxy: trustProxy(env),
    rateLimits: Object.freeze({
      windowSeconds: count(env, 'RATE_LIMIT_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.windowSeconds, 1),
      buckets: Object.freeze({
        token: rateLimit(env, 'RATE_LIMIT_TOKENS', d.token),
        start: rateLimit(env, 'RATE_LIMIT_STARTS', d.start),
        post: rateLimit(env, 'RATE_LIMIT_POSTS', d.post),
        signin: rateLimit(env, 'RATE_LIMIT_SIGNIN', d.signin),
        sms: rateLimit(env, 'RATE_LIMIT_SMS', d.sms),
      }),
    }),
    retention: Object.freeze({
      days: count(env, 'RETENTION_DAYS', DEFAULT_RETENTION.days, 1),
      signInHours: count(env, 'RETENTION_SIGNIN_HOURS', DEFAULT_RETENTION.signInHours, 1),
      smsPagesMinutes: count(env, 'RETENTION_SMS_PAGES_MINUTES', DEFAULT_RETENTION.smsPagesMinutes, 1),
      intervalSeconds: count(env, 'RETENTION_INTERVAL_SECONDS', DEFAULT_RETENTION.intervalSeconds),
    }),
  };
}

function milliseconds(env: Env, name: string, fallback: number, max: number): number {
  const value = text(env, name);
  if (value === null) return fallback;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 100 || ms > max) {
    throw new ConfigError(`${name} must be a number of milliseconds from 100 to ${max}, not "${value}"`);
  }
  return ms;
}

/** Reads and validates the configuration; throws `ConfigError` naming the offending variable. */
export function loadConfig(env: Env = process.env): Config {
  // "Production", " PRODUCTION " and "production" are one intent; none may run on development defaults.
  const production = /^production$/i.test(env.NODE_ENV?.trim() ?? '');
  const developmentDefaults: string[] = [];

  const portText = text(env, 'PORT') ?? '3978';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a port number, not "${portText}"`);
  }

  const publicUrlText = text(env, 'PUBLIC_URL');
  if (publicUrlText === null) developmentDefaults.push('PUBLIC_URL');
  const publicUrl = url('PUBLIC_URL', publicUrlText ?? `http://localhost:${port}`, ['http:', 'https:']).replace(/\/+$/, '');

  const databaseUrlText = text(env, 'DATABASE_URL');
  const databaseUrl = databaseUrlText === null ? null : url('DATABASE_URL', databaseUrlText, ['postgres:', 'postgresql:']);
  if (databaseUrl === null) developmentDefaults.push('DATABASE_URL (embedded PGlite)');
  const pgliteDir = text(env, 'PGLITE_DIR') ?? '.data/pglite';
  const pgliteSharedBuffersMb = count(env, 'PGLITE_SHARED_BUFFERS_MB', DEFAULT_PGLITE_SHARED_BUFFERS_MB, 1);
  // PGlite's WebAssembly memory tops out at 2 GB, which the buffers share with everything else.
  if (pgliteSharedBuffersMb > 1024) throw new ConfigError(`PGLITE_SHARED_BUFFERS_MB must be at most 1024, not "${pgliteSharedBuffersMb}"`);
  const databaseStatementTimeoutMs = milliseconds(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 60_000);
  const databaseConnectTimeoutMs = milliseconds(env, 'DATABASE_CONNECT_TIMEOUT_MS', 3000, 60_000);

  const seedDemo = bool(env, 'SEED_DEMO', !production);
  if (seedDemo) developmentDefaults.push('SEED_DEMO (demo data)');

  const issuer = text(env, 'OIDC_ISSUER');
  let oidc: Config['oidc'] = null;
  if (issuer === null) {
    developmentDefaults.push('OIDC_ISSUER (development identity provider)');
  } else {
    const clientId = text(env, 'OIDC_CLIENT_ID');
    const clientSecret = text(env, 'OIDC_CLIENT_SECRET');
    if (clientId === null || clientSecret === null) {
      throw new ConfigError('OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
    }
    oidc = { issuer: url('OIDC_ISSUER', issuer, ['https:', 'http:']), clientId, clientSecret };
  }

  const appId = text(env, 'MICROSOFT_APP_ID');
  const appTypeText = text(env, 'MICROSOFT_APP_TYPE') ?? 'MultiTenant';
  if (!['MultiTenant', 'SingleTenant', 'UserAssignedMSI'].includes(appTypeText)) {
    throw new ConfigError('MICROSOFT_APP_TYPE must be MultiTenant, SingleTenant or UserAssignedMSI');
  }
  if (appId === null) developmentDefaults.push('MICROSOFT_APP_ID (unauthenticated /api/messages)');

  const ttyNumbers = (text(env, 'TTY_NUMBERS') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const n of ttyNumbers) {
    if (!E164.test(n)) throw new ConfigError(`TTY_NUMBERS holds "${n}", which is not an E.164 number`);
  }
  const twilioFrom = text(env, 'TWILIO_FROM');
  if (twilioFrom !== null && !E164.test(twilioFrom)) throw new ConfigError('TWILIO_FROM must be an E.164 number');

  const twilioApiUrlText = text(env, 'TWILIO_API_URL');
  const twilioApiUrl = twilioApiUrlText === null ? null : url('TWILIO_API_URL', twilioApiUrlText, ['https:', 'http:']).replace(/\/+$/, '');

  const smtpUrl = text(env, 'SMTP_URL');
  if (smtpUrl !== null) url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']);

  const secret = (name: string, fallback: string): string => {
    const value = text(env, name);
    if (value === null) {
      developmentDefaults.push(name);
      return fallback;
    }
    if (value.length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
    if (value === fallback) developmentDefaults.push(name);
    return value;
  };
  const ssnHmacKey = secret('SSN_HMAC_KEY', DEV_SSN_HMAC_KEY);
  const sessionSecret = secret('SESSION_SECRET', DEV_SESSION_SECRET);
  const metricsToken = text(env, 'METRICS_TOKEN');
  if (metricsToken !== null && (metricsToken.length < 16 || /\s/.test(metricsToken))) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters, without spaces');
  }

  const heapGrowthPercent = count(env, 'HEAP_GROWTH_PERCENT', DEFAULT_HEAP_GROWTH_PERCENT);
  if (heapGrowthPercent > 1000) throw new ConfigError(`HEAP_GROWTH_PERCENT must be at most 1000, not "${heapGrowthPercent}"`);

  if (production) {
    // A production start on a development default would expose parents; name every one at once.
    if (developmentDefaults.length > 0) {
      throw new ConfigError(`NODE_ENV=production refuses development defaults: ${developmentDefaults.join(', ')}`);
    }
  }

  return Object.freeze({
    production,
    port,
    publicUrl,
    databaseUrl,
    pgliteDir,
    pgliteSharedBuffersMb,
    databaseStatementTimeoutMs,
    databaseConnectTimeoutMs,
    seedDemo,
    heapGrowthPercent,
    oidc: oidc === null ? null : Object.freeze(oidc),
    microsoftApp: Object.freeze({
      appId,
      password: text(env, 'MICROSOFT_APP_PASSWORD'),
      tenantId: text(env, 'MICROSOFT_APP_TENANT_ID'),
      type: appTypeText as AppType,
    }),
    twilio: Object.freeze({
      accountSid: text(env, 'TWILIO_ACCOUNT_SID'),
      authToken: text(env, 'TWILIO_AUTH_TOKEN'),
      from: twilioFrom,
      apiUrl: twilioApiUrl,
    }),
    reminders: Object.freeze({
      intervalSeconds: count(env, 'REMINDERS_INTERVAL_SECONDS', DEFAULT_REMINDERS.intervalSeconds),
      concurrency: count(env, 'REMINDERS_CONCURRENCY', DEFAULT_REMINDERS.concurrency, 1),
    }),
    ttyNumbers: Object.freeze(ttyNumbers),
    mail: Object.freeze({
      smtpUrl,
      from: text(env, 'OFFICE_MAIL_FROM') ?? 'assistant@childsupport.example.gov',
      dir: text(env, 'MAIL_DIR') ?? '.data/mail',
    }),
    ssnHmacKey,
    sessionSecret,
    developmentDefaults: Object.freeze([...developmentDefaults]),
    metricsToken,
    ...limitsAndRetention(env),
  });
}
