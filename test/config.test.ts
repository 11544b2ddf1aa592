import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_HEAP_GROWTH_PERCENT, DEFAULT_PGLITE_SHARED_BUFFERS_MB, DEFAULT_RATE_LIMITS, DEFAULT_RETENTION, DEV_SESSION_SECRET, loadConfig } from '../config.js';

const SECRET_A = 'a'.repeat(40);
const SECRET_B = 'b'.repeat(40);

const productionEnv = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://assistant.example.gov',
  DATABASE_URL: 'postgres://db.internal:5432/cs',
  SEED_DEMO: 'false',
  OIDC_ISSUER: 'https://login.example.gov',
  OIDC_CLIENT_ID: 'client',
  OIDC_CLIENT_SECRET: 'secret',
  MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
  MICROSOFT_APP_PASSWORD: 'pw',
  SSN_HMAC_KEY: SECRET_A,
  SESSION_SECRET: SECRET_B,
};

describe('loadConfig', () => {
  it('runs with no configuration at all on development defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.publicUrl).toBe('http://localhost:3978');
    expect(config.databaseUrl).toBeNull();
    expect(config.pgliteDir).toBe('.data/pglite');
    expect(config.seedDemo).toBe(true);
    expect(config.oidc).toBeNull();
    expect(config.microsoftApp.appId).toBeNull();
    expect(config.twilio.authToken).toBeNull();
    expect(config.mail.dir).toBe('.data/mail');
    expect(config.sessionSecret).toBe(DEV_SESSION_SECRET);
  });

  it('bounds database statements and connects by default, and takes other timeouts in milliseconds', () => {
    expect(loadConfig({})).toMatchObject({ databaseStatementTimeoutMs: 5000, databaseConnectTimeoutMs: 3000 });
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '1500', DATABASE_CONNECT_TIMEOUT_MS: '800' })).toMatchObject({
      databaseStatementTimeoutMs: 1500,
      databaseConnectTimeoutMs: 800,
    });
    for (const bad of ['0', '-5', '5s', '999999']) {
      expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: bad })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    }
  });

  it('sizes the embedded database page cache small by default, configurable within bounds', () => {
    expect(loadConfig({}).pgliteSharedBuffersMb).toBe(DEFAULT_PGLITE_SHARED_BUFFERS_MB);
    expect(loadConfig({ PGLITE_SHARED_BUFFERS_MB: '64' }).pgliteSharedBuffersMb).toBe(64);
    for (const bad of ['0', '8MB', '-1', '2048']) {
      expect(() => loadConfig({ PGLITE_SHARED_BUFFERS_MB: bad })).toThrow(/PGLITE_SHARED_BUFFERS_MB/);
    }
  });

  it('bounds heap growth by default (0 hands it back to V8), and refuses what is not a percentage', () => {
    expect(loadConfig({}).heapGrowthPercent).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
    expect(DEFAULT_HEAP_GROWTH_PERCENT).toBeGreaterThan(0);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '100' }).heapGrowthPercent).toBe(100);
    for (const bad of ['-5', '30%', '1.5', '5000', 'lots']) {
      expect(() => loadConfig({ HEAP_GROWTH_PERCENT: bad })).toThrow(/HEAP_GROWTH_PERCENT/);
    }
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.microsoftApp)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from a given one', () => {
    expect(loadConfig({ PORT: '4000' }).publicUrl).toBe('http://localhost:4000');
    expect(loadConfig({ PUBLIC_URL: 'https://x.example.gov/' }).publicUrl).toBe('https://x.example.gov');
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO/],
    [{ OIDC_ISSUER: 'https://login.example.gov' }, /OIDC_CLIENT_ID/],
    [{ TTY_NUMBERS: '+12125550100,5551234' }, /TTY_NUMBERS/],
    [{ SSN_HMAC_KEY: 'short' }, /SSN_HMAC_KEY/],
    [{ MICROSOFT_APP_TYPE: 'Other' }, /MICROSOFT_APP_TYPE/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
    [{ RATE_LIMIT_TOKENS: '60' }, /RATE_LIMIT_TOKENS/],
    [{ RATE_LIMIT_POSTS: '-1,5' }, /RATE_LIMIT_POSTS/],
    [{ RATE_LIMIT_WINDOW_SECONDS: '0' }, /RATE_LIMIT_WINDOW_SECONDS/],
    [{ RETENTION_DAYS: '0' }, /RETENTION_DAYS/],
    [{ RETENTION_SIGNIN_HOURS: 'a day' }, /RETENTION_SIGNIN_HOURS/],
  ])('refuses %j naming the variable', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });

  it('limits and retention: defaults a parent never meets, and each configurable', () => {
    const defaults = loadConfig({});
    expect(defaults.trustProxy).toBe(0);
    expect(defaults.rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(defaults.retention).toEqual(DEFAULT_RETENTION);
    // A parent types at most one message every few seconds: far below the per-client post limit.
    expect(DEFAULT_RATE_LIMITS.buckets.post.perClient / DEFAULT_RATE_LIMITS.windowSeconds).toBeGreaterThanOrEqual(1);
    const custom = loadConfig({
      TRUST_PROXY: 'true',
      RATE_LIMIT_WINDOW_SECONDS: '30',
      RATE_LIMIT_TOKENS: '5, 50',
      RATE_LIMIT_SMS: '0,0',
      RETENTION_DAYS: '7',
      RETENTION_SIGNIN_HOURS: '2',
      RETENTION_SMS_PAGES_MINUTES: '15',
      RETENTION_INTERVAL_SECONDS: '0',
    });
    expect(custom.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(custom.rateLimits.windowSeconds).toBe(30);
    expect(custom.rateLimits.buckets.token).toEqual({ perClient: 5, total: 50 });
    expect(custom.rateLimits.buckets.sms).toEqual({ perClient: 0, total: 0 });
    expect(custom.rateLimits.buckets.post).toEqual(DEFAULT_RATE_LIMITS.buckets.post);
    expect(custom.retention).toEqual({ days: 7, signInHours: 2, smsPagesMinutes: 15, intervalSeconds: 0 });
  });

  it.each(['Production', 'PRODUCTION', ' production '])('treats NODE_ENV=%j as production: it refuses development defaults', (value) => {
    expect(() => loadConfig({ NODE_ENV: value })).toThrow(/production refuses development defaults/);
    expect(loadConfig({ ...productionEnv, NODE_ENV: value }).production).toBe(true);
  });

  it('parses TTY numbers', () => {
    expect(loadConfig({ TTY_NUMBERS: ' +12125550100 , +16465550199' }).ttyNumbers).toEqual(['+12125550100', '+16465550199']);
  });

  it('starts in production when nothing is a development default', () => {
    const config = loadConfig(productionEnv);
    expect(config.production).toBe(true);
    expect(config.seedDemo).toBe(false);
    expect(config.developmentDefaults).toEqual([]);
  });

  it.each([
    ['SSN_HMAC_KEY', { SSN_HMAC_KEY: undefined }],
    ['SESSION_SECRET', { SESSION_SECRET: undefined }],
    ['OIDC_ISSUER', { OIDC_ISSUER: undefined }],
    ['MICROSOFT_APP_ID', { MICROSOFT_APP_ID: undefined }],
    ['SEED_DEMO', { SEED_DEMO: 'true' }],
    ['DATABASE_URL', { DATABASE_URL: undefined }],
    ['PUBLIC_URL', { PUBLIC_URL: undefined }],
    ['SESSION_SECRET', { SESSION_SECRET: DEV_SESSION_SECRET }],
  ])('in production refuses the development default %s and says which', (name, change) => {
    const env = { ...productionEnv, ...change };
    expect(() => loadConfig(env)).toThrow(new RegExp(`production.*${name}`));
  });
});

describe('METRICS_TOKEN', () => {
  it('is optional, also in production (where /metrics then does not exist)', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig(productionEnv).metricsToken).toBeNull();
    expect(loadConfig({ ...productionEnv, METRICS_TOKEN: 'c'.repeat(32) }).metricsToken).toBe('c'.repeat(32));
  });

  it('refuses a short token or one with spaces', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'a token with spaces in it' })).toThrow(/METRICS_TOKEN/);
  });
});
