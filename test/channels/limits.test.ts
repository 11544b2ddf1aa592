/**
 * Rate limits and the activity size limit, against the whole application: a flood of token
 * creations, posts, sign-in link hits and texts meets 429 with Retry-After (texts: an empty answer)
 * after the configured limit, while a normal conversation on the default limits never does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { RateLimiter, clientKey, jsonShapeProblem } from '../../channels/limits.js';
import { createLogger } from '../../channels/logger.js';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from '../../config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';
import { DirectLineClient } from '../helpers/directline.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, sendSms } from './smsHelpers.js';

async function createToken(base: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
  await res.arrayBuffer();
  return res;
}

/** Statuses of `n` token requests, one after the other. */
async function tokenBurst(base: string, n: number, headers: Record<string, string> = {}): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < n; i += 1) answers.push(await createToken(base, headers));
  return answers;
}

function expectRetryAfter(res: Response, windowSeconds: number): void {
  const value = res.headers.get('retry-after');
  expect(value).toMatch(/^\d+$/);
  expect(Number(value)).toBeGreaterThanOrEqual(1);
  expect(Number(value)).toBeLessThanOrEqual(windowSeconds);
}

describe('rate limits on the real server', () => {
  let app: TestApp;
  let chat: DirectLineClient;
  const OUR_NUMBER = '+12125550100';

  beforeAll(async () => {
    app = await startTestApp({
      RATE_LIMIT_TOKENS: '6,0',
      RATE_LIMIT_POSTS: '4,0',
      RATE_LIMIT_SIGNIN: '3,0',
      RATE_LIMIT_SMS: '2,0',
      RATE_LIMIT_WINDOW_SECONDS: '600',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: OUR_NUMBER,
    });
    // Takes the first of the 6 tokens, before the burst below uses up the rest.
    chat = await DirectLineClient.start(app.baseUrl);
  }, 60_000);
  afterAll(() => app.stop());

  it('a burst of token creations gets 429 with Retry-After after the limit; X-Forwarded-For does not get round it', async () => {
    const answers = await tokenBurst(app.baseUrl, 5);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const over = await createToken(app.baseUrl);
    expect(over.status).toBe(429);
    expectRetryAfter(over, 600);
    // TRUST_PROXY is off: a made-up forwarded address is the client's word and changes nothing.
    const spoofed = await createToken(app.baseUrl, { 'x-forwarded-for': '203.0.113.9' });
    expect(spoofed.status).toBe(429);
  });

  it('posts get 429 with Retry-After after the limit', async () => {
    const post = (): Promise<Response> =>
      fetch(`${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'hello' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await post()).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const over = await post();
    expect(over.status).toBe(429);
    expectRetryAfter(over, 600);
    expect(await over.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  }, 30_000);

  it('sign-in link hits get 429 after the limit, GET and POST alike', async () => {
    const statuses: number[] = [];
    for (const method of ['GET', 'POST', 'GET']) {
      const res = await fetch(`${app.baseUrl}/signin/not-a-real-link-token`, { method, redirect: 'manual' });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).not.toContain(429);
    const over = await fetch(`${app.baseUrl}/signin/not-a-real-link-token`, { method: 'POST', redirect: 'manual' });
    expect(over.status).toBe(429);
    expectRetryAfter(over, 600);
  });

  it('answers a number over its limit with empty TwiML (200, no message), other numbers as usual; forgeries never count', async () => {
    const flooder = '+12125550177';
    for (let i = 0; i < 3; i += 1) {
      const forged = await sendSms(app.baseUrl, { from: flooder, to: OUR_NUMBER, body: 'hi' }, { signWith: 'not-the-auth-token-at-all-000000' });
      expect(forged.status).toBe(403);
    }
    const first = await sendSms(app.baseUrl, { from: flooder, to: OUR_NUMBER, body: 'hello' });
    const second = await sendSms(app.baseUrl, { from: flooder, to: OUR_NUMBER, body: 'hello' });
    expect(first.messages.length).toBeGreaterThan(0);
    expect(second.messages.length).toBeGreaterThan(0);
    const third = await sendSms(app.baseUrl, { from: flooder, to: OUR_NUMBER, body: 'hello' });
    expect(third.status).toBe(200);
    expect(third.body).toContain('<Response');
    expect(third.messages).toEqual([]);
    const someoneElse = await sendSms(app.baseUrl, { from: '+12125550178', to: OUR_NUMBER, body: 'hello' });
    expect(someoneElse.messages.length).toBeGreaterThan(0);
  });
});

describe('TRUST_PROXY', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_TOKENS: '2,6', RATE_LIMIT_WINDOW_SECONDS: '600', SEED_DEMO: 'false' });
  }, 60_000);
  afterAll(() => app.stop());

  it('counts each forwarded client on its own, and everyone together against the overall limit', async () => {
    // The proxy appends the address it saw: the rightmost entry counts, not what the client wrote before it.
    const a = await tokenBurst(app.baseUrl, 3, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' });
    expect(a.map((r) => r.status)).toEqual([200, 200, 429]);
    expect((await createToken(app.baseUrl, { 'x-forwarded-for': '198.51.100.2, 203.0.113.7' })).status).toBe(429);
    const b = await tokenBurst(app.baseUrl, 2, { 'x-forwarded-for': '203.0.113.8' });
    expect(b.map((r) => r.status)).toEqual([200, 200]);
    // IPv6 clients count by /64: other addresses in the same /64 are the same client.
    const c = [];
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '2001:db8:1:2::abcd']) {
      c.push((await createToken(app.baseUrl, { 'x-forwarded-for': address })).status);
    }
    expect(c).toEqual([200, 200, 429]);
    // Overall: 6 allowed so far (refused hits are not counted against everyone), so a new client is refused.
    const d = await createToken(app.baseUrl, { 'x-forwarded-for': '203.0.113.99' });
    expect(d.status).toBe(429);
    expectRetryAfter(d, 600);
  });
});

describe('the default limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(() => app.stop());

  it('never meets a limit, even typing faster than any parent', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    // 40 messages as fast as the bot answers, each followed by polls: DirectLineClient throws on any 429.
    for (let i = 0; i < 40; i += 1) {
      await chat.send(i % 2 === 0 ? 'help' : 'hello');
      await chat.replies();
    }
    const refreshed = await fetch(`${app.baseUrl}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${chat.token}` } });
    expect(refreshed.status).toBe(200);
  }, 60_000);

  it('refuses a post over 32 KB with 413, with or without Content-Length, and stores nothing', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    const url = `${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`;
    const big = JSON.stringify({ type: 'message', text: 'hi', value: { blob: 'x'.repeat(500 * 1024) } });
    const sized = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' }, body: big });
    expect(sized.status).toBe(413);
    const encoder = new TextEncoder();
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i += 1) controller.enqueue(encoder.encode(i === 0 ? '{"type":"message","text":"hi","value":"' : 'y'.repeat(5000)));
        controller.enqueue(encoder.encode('"}'));
        controller.close();
      },
    });
    const streamed = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(streamed.status).toBe(413);
    const seen = await fetch(url, { headers: { authorization: `Bearer ${chat.token}` } });
    const { activities } = (await seen.json()) as { activities: { from?: { role?: string } }[] };
    expect(activities.filter((a) => a.from?.role === 'user')).toEqual([]);
  });

  it('stores text up to the 2,000-character input cap and drops large free-form parts, keeping Web Chat’s clientActivityID', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    const url = `${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`;
    const body = {
      type: 'message',
      text: 'a'.repeat(5000),
      value: { blob: 'v'.repeat(8000) },
      channelData: { clientActivityID: 'client-1', blob: 'c'.repeat(8000) },
      attachments: [{ contentType: 'application/json', content: { blob: 'd'.repeat(8000) } }],
    };
    const posted = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(posted.status).toBe(200);
    const seen = await fetch(url, { headers: { authorization: `Bearer ${chat.token}` } });
    const { activities } = (await seen.json()) as { activities: Record<string, unknown>[] };
    const echo = activities.find((a) => (a.from as { role?: string } | undefined)?.role === 'user');
    expect(echo).toBeDefined();
    expect(echo?.text).toBe('a'.repeat(2000));
    expect(echo?.value).toBeUndefined();
    expect(echo?.channelData).toEqual({ clientActivityID: 'client-1' });
    expect(echo?.attachments).toEqual([{ contentType: 'application/json' }]);
    expect(JSON.stringify(echo).length).toBeLessThan(4000);
  });
});

describe.each(databaseKinds())('RateLimiter on %s', (kind) => {
  let t: TestDatabase;
  const config: RateLimitConfig = { windowSeconds: 60, buckets: { ...DEFAULT_RATE_LIMITS.buckets, token: { perClient: 2, total: 3 } } };
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.close());

  it('counts per client and overall in one window, says when the window ends, and starts again after it', async () => {
    let now = new Date('2026-11-29T12:00:10Z');
    const limiter = new RateLimiter({ db: t.db, config, secret: 'k'.repeat(32), logger, now: () => now });
    expect((await limiter.check('token', 'a')).allowed).toBe(true);
    expect((await limiter.check('token', 'a')).allowed).toBe(true);
    expect(await limiter.check('token', 'a')).toEqual({ allowed: false, retryAfterSeconds: 50 });
    // a's refused hit is not counted against everyone: 2 so far.
    expect((await limiter.check('token', 'b')).allowed).toBe(true);
    expect((await limiter.check('token', 'c')).allowed).toBe(false);
    now = new Date('2026-11-29T12:01:00Z');
    expect((await limiter.check('token', 'a')).allowed).toBe(true);
    // No client address or number in clear in the table.
    const keys = await t.db.selectFrom('rateLimits').select('key').execute();
    expect(keys.length).toBeGreaterThan(0);
    for (const { key } of keys) expect(key).not.toMatch(/\|[abc]\|/);
  });

  it('applies an overall-only or a client-only limit on its own', async () => {
    const now = new Date('2026-11-29T14:00:00Z');
    const only: RateLimitConfig = {
      windowSeconds: 60,
      buckets: { ...DEFAULT_RATE_LIMITS.buckets, post: { perClient: 0, total: 2 }, signin: { perClient: 1, total: 0 } },
    };
    const limiter = new RateLimiter({ db: t.db, config: only, secret: 'k'.repeat(32), logger, now: () => now });
    const posts = [await limiter.check('post', 'a'), await limiter.check('post', 'b'), await limiter.check('post', 'c')];
    expect(posts.map((v) => v.allowed)).toEqual([true, true, false]);
    const signIns = [await limiter.check('signin', 'a'), await limiter.check('signin', 'b'), await limiter.check('signin', 'a')];
    expect(signIns.map((v) => v.allowed)).toEqual([true, true, false]);
  });

  it('holds across instances: two limiters on one database share the counters', async () => {
    const now = new Date('2026-11-29T13:00:00Z');
    const one = new RateLimiter({ db: t.db, config, secret: 'k'.repeat(32), logger, now: () => now });
    const two = new RateLimiter({ db: t.db, config, secret: 'k'.repeat(32), logger, now: () => now });
    const verdicts = await Promise.all([one.check('token', 'x'), two.check('token', 'x'), one.check('token', 'x'), two.check('token', 'x')]);
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(2);
  });
});

// Two servers can share only a PostgreSQL server (an embedded database belongs to one process).
if (databaseKinds().includes('postgres')) describe('limits across two server instances on one PostgreSQL database', () => {
  it('the token limit counts both instances together', async () => {
    const t = await createTestDatabase('postgres');
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.db);
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = `/${rows[0]?.name ?? ''}`;
    const env = { DATABASE_URL: url.toString(), SEED_DEMO: 'false', RATE_LIMIT_TOKENS: '4,0', RATE_LIMIT_WINDOW_SECONDS: '600', RETENTION_INTERVAL_SECONDS: '0' };
    const a = await startTestApp(env);
    const b = await startTestApp(env);
    try {
      const statuses = [
        ...(await tokenBurst(a.baseUrl, 2)).map((r) => r.status),
        ...(await tokenBurst(b.baseUrl, 2)).map((r) => r.status),
        (await createToken(a.baseUrl)).status,
        (await createToken(b.baseUrl)).status,
      ];
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await a.stop();
      await b.stop();
      await t.close();
    }
  }, 60_000);
});

describe('clientKey and jsonShapeProblem', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by /64', () => {
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });

  it('finds NUL characters in values and keys, and nesting deeper than the limit', () => {
    expect(jsonShapeProblem({ a: [{ b: 'ok' }] })).toBeNull();
    expect(jsonShapeProblem({ text: 'a\u0000b' })).toBe('nul_character');
    expect(jsonShapeProblem({ ['k\u0000']: 1 })).toBe('nul_character');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(jsonShapeProblem({ value: deep })).toBe('too_deep');
  });
});
