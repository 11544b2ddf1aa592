/**
 * Issue 8, item 9: the edges of the Direct Line token and of the two channel endpoints, each
 * attacked against the running application (the refresh lifetime against the real routes with a
 * clock the test controls, since nobody waits 24 hours).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import { DirectLineAdapter } from '../../channels/directline/DirectLineAdapter.js';
import { registerDirectLineRoutes } from '../../channels/directline/routes.js';
import { DirectLineTokens, MAX_CONVERSATION_LIFETIME_SECONDS } from '../../channels/directline/tokens.js';
import { createLogger } from '../../channels/logger.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { ConfigError, loadConfig } from '../../config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';
import { DirectLineClient } from '../helpers/directline.js';

const SECRET = 'edge-test-session-secret-long-enough-000000';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, init: { method?: string; token?: string; body?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe('Direct Line edges on the real server', () => {
  let app: TestApp;
  const tokens = new DirectLineTokens(SECRET);

  beforeAll(async () => {
    app = await startTestApp({ SESSION_SECRET: SECRET, SEED_DEMO: 'false' });
  }, 60_000);
  afterAll(() => app.stop());

  it('a token for the conversation but another user can neither post, read nor refresh (posting never checked the user)', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    const forged = (await tokens.issue({ conversationId: chat.conversationId, userId: 'dl_someone_else' })).token;
    const url = `${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`;
    const posted = await call(url, { method: 'POST', token: forged, body: JSON.stringify({ type: 'message', text: 'balance' }) });
    expect(posted.status).toBe(404);
    expect((await call(url, { token: forged })).status).toBe(404);
    expect((await call(`${app.baseUrl}/v3/directline/tokens/refresh`, { method: 'POST', token: forged })).status).toBe(404);
    // Nothing was stored in the parent's transcript under the other user.
    const seen = await call(url, { token: chat.token });
    const fromOthers = (seen.body.activities as { from: { id: string } }[]).filter((a) => a.from.id === 'dl_someone_else');
    expect(fromOthers).toEqual([]);
  });

  it('answers 400, not 500, to a NUL character or 10,000 levels of nesting, and the conversation goes on', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    const url = `${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`;
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    const bodies = [
      JSON.stringify({ type: 'message', text: 'bal\u0000ance' }),
      JSON.stringify({ type: 'event', name: 'x', value: { ['k\u0000']: 1 } }),
      `{"type":"event","name":"x","value":${deep}}`,
      `{"type":"message","text":"hi","channelData":{"a":${deep}}}`,
    ];
    for (const body of bodies) {
      const answer = await call(url, { method: 'POST', token: chat.token, body });
      expect([answer.status, answer.body.error]).toEqual([400, { code: 'bad_request', message: expect.any(String) }]);
    }
    await chat.send('help');
    expect(await chat.replies()).not.toBe('');
  });
});

describe('NODE_ENV=Production, any case', () => {
  it.each(['Production', 'PRODUCTION', ' production '])('"%s" refuses to start the real server on development defaults', async (value) => {
    expect(() => loadConfig({ NODE_ENV: value })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: value })).toThrow(/production refuses development defaults/);
    await expect(startTestApp({ NODE_ENV: value })).rejects.toThrow(/production refuses development defaults/);
  });
});

/** A stand-in for the Emulator's connector: records what the bot sends back. */
async function startConnector(): Promise<{ server: restify.Server; base: string; received: string[] }> {
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  const received: string[] = [];
  server.post('/v3/conversations/:conversationId/activities/:activityId', async (req, res) => {
    received.push(req.params.conversationId as string);
    res.send(200, { id: `reply-${received.length}` });
  });
  server.post('/v3/conversations/:conversationId/activities', async (req, res) => {
    received.push(req.params.conversationId as string);
    res.send(200, { id: `reply-${received.length}` });
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { server, base: `http://127.0.0.1:${port}`, received };
}

describe('/api/messages cannot alias our own conversations (Emulator mode, loopback)', () => {
  let app: TestApp;
  let connector: Awaited<ReturnType<typeof startConnector>>;

  beforeAll(async () => {
    app = await startTestApp({ SEED_DEMO: 'false' });
    connector = await startConnector();
  }, 60_000);
  afterAll(async () => {
    await closeServer(connector.server);
    await app.stop();
  });

  const activity = (channelId: string, conversationId: string): Record<string, unknown> => ({
    type: 'message',
    id: 'incoming-1',
    text: 'balance',
    channelId,
    serviceUrl: connector.base,
    timestamp: new Date().toISOString(),
    conversation: { id: conversationId },
    from: { id: 'user-1', name: 'User', role: 'user' },
    recipient: { id: 'bot', name: 'Bot', role: 'bot' },
    locale: 'en-US',
  });
  const post = (body: unknown): Promise<Answer> => call(`${app.baseUrl}/api/messages`, { method: 'POST', body: JSON.stringify(body) });

  it('refuses channel "sms" in any case, and "directline" with one of our Direct Line conversation ids, with 403', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    for (const body of [activity('sms', 'a1b2c3'), activity('SMS', 'a1b2c3'), activity('directline', chat.conversationId), activity(' DirectLine ', chat.conversationId)]) {
      expect((await post(body)).status).toBe(403);
    }
    expect(connector.received).toEqual([]);
    // The Direct Line conversation heard nothing of it.
    expect(await chat.replies(() => true, 300)).toBe('');
  });

  it('still serves the Emulator, and Direct Line conversations that are not ours', async () => {
    expect((await post(activity('emulator', 'emulator-conversation'))).status).toBe(200);
    expect((await post(activity('directline', 'azure-direct-line-conversation'))).status).toBe(200);
    expect([...new Set(connector.received)].sort()).toEqual(['azure-direct-line-conversation', 'emulator-conversation']);
  });

  it('answers 400 to deeply nested JSON', async () => {
    const body = `{"type":"message","channelId":"emulator","conversation":{"id":"x"},"value":${'['.repeat(10_000)}1${']'.repeat(10_000)}}`;
    const res = await fetch(`${app.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
  });
});

class GreetingBot extends ActivityHandler {}

describe.each(databaseKinds())('Direct Line token chain lifetime on %s', (kind) => {
  let t: TestDatabase;
  let server: Server;
  let base: string;
  let clock = new Date();
  const tokens = new DirectLineTokens(SECRET, { now: () => clock });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const logger = createLogger({ level: 'silent' });
    server = createHttpServer({ logger });
    const adapter = new DirectLineAdapter({ db: t.db, serviceUrl: 'http://localhost:3978' });
    registerDirectLineRoutes(server, { db: t.db, adapter, bot: new GreetingBot(), tokens });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await closeServer(server);
    await t.close();
  });

  it('refreshes up to 24 hours after the conversation began and never past it', async () => {
    clock = new Date();
    const created = await call(`${base}/api/directline/token`, { method: 'POST', body: '{}' });
    const row = await t.db.selectFrom('dlConversations').select('createdAt').where('id', '=', created.body.conversationId as string).executeTakeFirstOrThrow();
    const end = row.createdAt.getTime() + MAX_CONVERSATION_LIFETIME_SECONDS * 1000;

    // Refreshing every 20 minutes keeps the chain alive, until the last token only reaches the end.
    let token = created.body.token as string;
    for (clock = new Date(row.createdAt.getTime() + 20 * 60 * 1000); clock.getTime() < end - 10 * 60 * 1000; clock = new Date(clock.getTime() + 20 * 60 * 1000)) {
      const refreshed = await call(`${base}/v3/directline/tokens/refresh`, { method: 'POST', token });
      expect(refreshed.status).toBe(200);
      token = refreshed.body.token as string;
    }
    clock = new Date(end - 5 * 60 * 1000);
    const last = await call(`${base}/v3/directline/tokens/refresh`, { method: 'POST', token });
    expect(last.status).toBe(200);
    expect(last.body.expires_in).toBe(300);
    expect(last.body.expires_in).toBe(Math.floor(end / 1000) - Math.floor(clock.getTime() / 1000));
    const claims = await tokens.verify(last.body.token as string);
    expect(claims.expiresAt).toBeLessThanOrEqual(Math.floor(end / 1000));

    clock = new Date(end + 1000);
    const after = await call(`${base}/v3/directline/tokens/refresh`, { method: 'POST', token: last.body.token as string });
    expect([after.status, (after.body.error as { code: string }).code]).toEqual([401, 'token_expired']);
  });
});
