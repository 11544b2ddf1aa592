import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityHandler, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { DirectLineAdapter } from '../../channels/directline/DirectLineAdapter.js';
import { registerDirectLineRoutes } from '../../channels/directline/routes.js';
import { DirectLineTokens } from '../../channels/directline/tokens.js';
import { createLogger } from '../../channels/logger.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { appendActivity } from '../../db/repositories/directline.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

const SECRET = 'test-session-secret-that-is-long-enough-0000';
const OTHER_SECRET = 'another-session-secret-that-is-long-enough-11';

/** Greets on conversationUpdate with the locale it was given, echoes text, fails on "explode". */
class TestBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await context.sendActivity(`greeting:${context.activity.locale ?? ''}`);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      if (context.activity.text === 'explode') throw new Error('boom');
      await context.sendActivity(`echo:${context.activity.text ?? ''}`);
      await next();
    });
  }
}

interface Instance {
  server: Server;
  adapter: DirectLineAdapter;
  base: string;
  turns: string[];
}

interface Json {
  [key: string]: unknown;
}

async function startInstance(t: TestDatabase, withTurnErrorHandler: boolean): Promise<Instance> {
  const logger = createLogger({ level: 'silent' });
  const server = createHttpServer({ logger });
  const adapter = new DirectLineAdapter({ db: t.db, serviceUrl: 'http://localhost:3978' });
  const turns: string[] = [];
  adapter.use(async (context, next) => {
    turns.push(context.activity.type);
    await next();
  });
  if (withTurnErrorHandler) {
    adapter.onTurnError = async (context) => {
      await context.sendActivity('turn-error');
    };
  }
  const bot = new TestBot();
  registerDirectLineRoutes(server, { db: t.db, adapter, bot, tokens: new DirectLineTokens(SECRET) });
  const port = await listen(server, 0, '127.0.0.1');
  return { server, adapter, base: `http://127.0.0.1:${port}`, turns };
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

function activitiesOf(body: Json): Json[] {
  return body.activities as Json[];
}

describe.each(databaseKinds())('Direct Line on %s', (kind) => {
  let t: TestDatabase;
  let a: Instance;
  let b: Instance;
  const tokens = new DirectLineTokens(SECRET);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    a = await startInstance(t, true);
    b = await startInstance(t, false);
  });
  afterAll(async () => {
    await closeServer(a.server);
    await closeServer(b.server);
    await t.close();
  });

  /** A new conversation, started; returns its token and id. */
  async function started(locale?: string): Promise<{ token: string; conversationId: string; userId: string }> {
    const created = await call(a.base, 'POST', '/api/directline/token', locale === undefined ? {} : { body: { locale } });
    expect(created.status).toBe(200);
    const token = created.body.token as string;
    const start = await call(a.base, 'POST', '/v3/directline/conversations', { token });
    expect(start.status).toBe(201);
    const claims = await tokens.verify(token);
    return { token, conversationId: created.body.conversationId as string, userId: claims.userId };
  }

  describe('token endpoint', () => {
    it('creates a conversation in the requested locale and a token bound to it', async () => {
      const res = await call(a.base, 'POST', '/api/directline/token', { body: { locale: 'zh-CN' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ token: expect.any(String), conversationId: expect.any(String), expires_in: 1800 });
      expect(res.body.conversationId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      const claims = await tokens.verify(res.body.token as string);
      expect(claims.conversationId).toBe(res.body.conversationId);
      expect(claims.userId).toMatch(/^dl_[A-Za-z0-9_-]+$/);
      const row = await t.db.selectFrom('dlConversations').selectAll().where('id', '=', claims.conversationId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ locale: 'zh-CN', userId: claims.userId, started: false, lastSeq: 0 });
    });

    it('defaults to en-US without a body, with an empty body and with a malformed tag', async () => {
      for (const options of [{}, { body: {} }, { body: { locale: 'not a locale!' } }, { body: { locale: 42 } }, { body: { locale: 'x'.repeat(100) } }]) {
        const res = await call(a.base, 'POST', '/api/directline/token', options);
        expect(res.status).toBe(200);
        const row = await t.db.selectFrom('dlConversations').select('locale').where('id', '=', res.body.conversationId as string).executeTakeFirstOrThrow();
        expect(row.locale).toBe('en-US');
      }
    });

    it('hands out a different conversation and user every time', async () => {
      const one = await call(a.base, 'POST', '/api/directline/token');
      const two = await call(a.base, 'POST', '/api/directline/token');
      expect(one.body.conversationId).not.toBe(two.body.conversationId);
      const [c1, c2] = await Promise.all([tokens.verify(one.body.token as string), tokens.verify(two.body.token as string)]);
      expect(c1.userId).not.toBe(c2.userId);
    });
  });

  describe('starting a conversation', () => {
    it('greets exactly once in the conversation locale even when started twice at once on two instances', async () => {
      const created = await call(a.base, 'POST', '/api/directline/token', { body: { locale: 'es-US' } });
      const token = created.body.token as string;
      const [one, two] = await Promise.all([
        call(a.base, 'POST', '/v3/directline/conversations', { token }),
        call(b.base, 'POST', '/v3/directline/conversations', { token }),
      ]);
      expect([one.status, two.status].sort()).toEqual([200, 201]);
      for (const res of [one, two]) {
        expect(res.body).toEqual({ conversationId: created.body.conversationId, token, expires_in: expect.any(Number) });
        expect(res.body).not.toHaveProperty('streamUrl');
      }
      const again = await call(b.base, 'POST', '/v3/directline/conversations', { token });
      expect(again.status).toBe(200);
      const reconnect = await call(a.base, 'GET', `/v3/directline/conversations/${String(created.body.conversationId)}`, { token });
      expect(reconnect.status).toBe(200);
      expect(reconnect.body.conversationId).toBe(created.body.conversationId);

      const list = await call(b.base, 'GET', `/v3/directline/conversations/${String(created.body.conversationId)}/activities`, { token });
      expect(list.status).toBe(200);
      const activities = activitiesOf(list.body);
      expect(activities.map((x) => x.text)).toEqual(['greeting:es-US']);
      const userId = (await tokens.verify(token)).userId;
      expect(activities[0]).toMatchObject({
        type: 'message',
        id: `${String(created.body.conversationId)}|1`,
        channelId: 'directline',
        from: { role: 'bot' },
        recipient: { id: userId, role: 'user' },
        conversation: { id: created.body.conversationId },
        locale: 'es-US',
      });
      expect(Date.parse(activities[0]?.timestamp as string)).not.toBeNaN();
      expect(list.body.watermark).toBe('1');
    });
  });

  describe('posting activities', () => {
    it('stores the user activity with the token user, keeps clientActivityID, and the echo follows it', async () => {
      const { token, conversationId, userId } = await started();
      const posted = await call(a.base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
        token,
        body: {
          type: 'message',
          text: 'hi',
          from: { id: 'someone-else', name: 'Mallory', role: 'bot' },
          id: 'client-chosen',
          conversation: { id: 'another' },
          channelData: { clientActivityID: 'abc123', clientTimestamp: '2026-01-01T00:00:00.000Z' },
          locale: 'en-US',
          textFormat: 'plain',
          attachments: null,
        },
      });
      expect(posted.status).toBe(200);
      expect(posted.body).toEqual({ id: `${conversationId}|2` });

      const list = await call(b.base, 'GET', `/v3/directline/conversations/${conversationId}/activities?watermark=1`, { token });
      const [user, echo] = activitiesOf(list.body);
      expect(user).toMatchObject({
        id: `${conversationId}|2`,
        type: 'message',
        text: 'hi',
        from: { id: userId, role: 'user' },
        conversation: { id: conversationId },
        channelId: 'directline',
        channelData: { clientActivityID: 'abc123' },
        serviceUrl: 'http://localhost:3978',
      });
      expect(JSON.stringify(user)).not.toContain('someone-else');
      expect(echo).toMatchObject({ text: 'echo:hi', replyToId: `${conversationId}|2`, from: { role: 'bot' }, recipient: { id: userId } });
      expect(list.body.watermark).toBe('3');
    });

    it('passes the conversation locale to the bot when the activity has none, and its own otherwise', async () => {
      const { token, conversationId } = await started('zh-CN');
      await call(a.base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, { token, body: { type: 'message', text: 'x' } });
      await call(a.base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
        token,
        body: { type: 'message', text: 'y', locale: 'es-MX' },
      });
      const list = await call(a.base, 'GET', `/v3/directline/conversations/${conversationId}/activities`, { token });
      const users = activitiesOf(list.body).filter((x) => (x.from as Json).role === 'user');
      expect(users.map((x) => x.locale)).toEqual(['zh-CN', 'es-MX']);
    });

    it('accepts an empty text and an event, and leaves typing out of the log', async () => {
      const { token, conversationId } = await started();
      const path = `/v3/directline/conversations/${conversationId}/activities`;
      expect((await call(a.base, 'POST', path, { token, body: { type: 'message', text: '' } })).status).toBe(200);
      expect((await call(a.base, 'POST', path, { token, body: { type: 'event', name: 'webchat/join', value: { x: 1 } } })).status).toBe(200);
      const typing = await call(a.base, 'POST', path, { token, body: { type: 'typing' } });
      expect(typing.status).toBe(200);
      expect(typing.body.id).toEqual(expect.any(String));
      const list = await call(a.base, 'GET', `${path}?watermark=1`, { token });
      expect(activitiesOf(list.body).map((x) => [x.type, x.text ?? x.name])).toEqual([
        ['message', ''],
        ['message', 'echo:'],
        ['event', 'webchat/join'],
      ]);
    });

    it('answers 400 with a JSON error for malformed activities and stores nothing', async () => {
      const { token, conversationId } = await started();
      const path = `/v3/directline/conversations/${conversationId}/activities`;
      const bad: { body?: unknown; rawBody?: string }[] = [
        { body: { type: 'invoke', name: 'x' } },
        { body: { text: 'no type' } },
        { body: { type: 'message', text: 42 } },
        { body: { type: 'message', channelData: 'string' } },
        { body: { type: 'message', attachments: [{}] } },
        { body: [{ type: 'message' }] },
        {},
      ];
      for (const options of bad) {
        const res = await call(a.base, 'POST', path, { token, ...options });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: { code: 'bad_request' } });
      }
      // Broken JSON never reaches the route: the server's body parser answers it, in restify's shape.
      const broken = await call(a.base, 'POST', path, { token, rawBody: '{"type": "message", ' });
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ code: expect.any(String) });
      const list = await call(a.base, 'GET', path, { token });
      expect(activitiesOf(list.body)).toHaveLength(1);
    });

    it('does not answer 500 when the bot fails: onTurnError speaks, and without it the post still succeeds', async () => {
      const { token, conversationId } = await started();
      const path = `/v3/directline/conversations/${conversationId}/activities`;
      const onA = await call(a.base, 'POST', path, { token, body: { type: 'message', text: 'explode' } });
      expect(onA.status).toBe(200);
      const onB = await call(b.base, 'POST', path, { token, body: { type: 'message', text: 'explode' } });
      expect(onB.status).toBe(200);
      const list = await call(a.base, 'GET', `${path}?watermark=1`, { token });
      expect(activitiesOf(list.body).map((x) => x.text)).toEqual(['explode', 'turn-error', 'explode']);
    });

    it('numbers activities without gaps or duplicates when two instances take posts at once', async () => {
      const { token, conversationId } = await started();
      const path = `/v3/directline/conversations/${conversationId}/activities`;
      const posts = await Promise.all(
        Array.from({ length: 10 }, (_, i) => call(i % 2 === 0 ? a.base : b.base, 'POST', path, { token, body: { type: 'message', text: `p${i}` } })),
      );
      expect(posts.map((p) => p.status)).toEqual(Array(10).fill(200));
      const list = await call(a.base, 'GET', path, { token });
      const ids = activitiesOf(list.body).map((x) => x.id);
      expect(ids).toEqual(Array.from({ length: 21 }, (_, i) => `${conversationId}|${i + 1}`));
      const texts = activitiesOf(list.body).map((x) => x.text as string);
      for (let i = 0; i < 10; i += 1) expect(texts.indexOf(`echo:p${i}`)).toBeGreaterThan(texts.indexOf(`p${i}`));
    });

    it('runs every turn through the adapter middleware', async () => {
      const before = a.turns.length;
      const { token, conversationId } = await started();
      await call(a.base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, { token, body: { type: 'message', text: 'm' } });
      expect(a.turns.slice(before)).toEqual(['conversationUpdate', 'message']);
    });
  });

  describe('reading activities', () => {
    it('pages by watermark, 100 at a time, in order', async () => {
      const { token, conversationId } = await started();
      for (let i = 0; i < 149; i += 1) {
        await appendActivity(t.db, conversationId, (seq) => ({ type: 'message', id: `${conversationId}|${seq}`, text: `n${seq}` }));
      }
      const path = `/v3/directline/conversations/${conversationId}/activities`;
      const first = await call(a.base, 'GET', path, { token });
      expect(activitiesOf(first.body)).toHaveLength(100);
      expect(activitiesOf(first.body)[99]?.id).toBe(`${conversationId}|100`);
      expect(first.body.watermark).toBe('100');
      const second = await call(b.base, 'GET', `${path}?watermark=100`, { token });
      expect(activitiesOf(second.body).map((x) => x.text)).toEqual(Array.from({ length: 50 }, (_, i) => `n${101 + i}`));
      expect(second.body.watermark).toBe('150');
      const third = await call(a.base, 'GET', `${path}?watermark=150`, { token });
      expect(third.body).toEqual({ activities: [], watermark: '150' });
      const mid = await call(a.base, 'GET', `${path}?watermark=147`, { token });
      expect(activitiesOf(mid.body).map((x) => x.text)).toEqual(['n148', 'n149', 'n150']);
      expect((await call(a.base, 'GET', `${path}?watermark=abc`, { token })).status).toBe(400);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a token, with a bad one, with one from another key and with an expired one', async () => {
      const { conversationId } = await started();
      const path = `/v3/directline/conversations/${conversationId}/activities`;
      const expired = await new DirectLineTokens(SECRET, { now: () => new Date(Date.now() - 3600_000) }).issue({
        conversationId,
        userId: 'dl_x',
      });
      const forged = await new DirectLineTokens(OTHER_SECRET).issue({ conversationId, userId: 'dl_x' });
      for (const token of [undefined, 'garbage', forged.token, expired.token]) {
        for (const [method, route] of [
          ['GET', path],
          ['POST', path],
          ['POST', '/v3/directline/conversations'],
          ['GET', `/v3/directline/conversations/${conversationId}`],
          ['POST', '/v3/directline/tokens/refresh'],
        ] as const) {
          const res = await call(a.base, method, route, { token, body: method === 'POST' ? { type: 'message', text: 'hi' } : undefined });
          expect([token === undefined ? 'none' : token.slice(0, 8), method, route, res.status]).toEqual([
            token === undefined ? 'none' : token.slice(0, 8),
            method,
            route,
            401,
          ]);
          expect(res.body).toMatchObject({ error: { code: expect.stringMatching(/^token_/) } });
        }
      }
    });

    it("answers 403 to a token for another conversation, on GET and POST, and stores nothing", async () => {
      const mine = await started();
      const theirs = await started();
      const path = `/v3/directline/conversations/${theirs.conversationId}/activities`;
      expect((await call(a.base, 'GET', path, { token: mine.token })).status).toBe(403);
      expect((await call(b.base, 'POST', path, { token: mine.token, body: { type: 'message', text: 'hi' } })).status).toBe(403);
      expect((await call(a.base, 'GET', `/v3/directline/conversations/${theirs.conversationId}`, { token: mine.token })).status).toBe(403);
      const list = await call(a.base, 'GET', path, { token: theirs.token });
      expect(activitiesOf(list.body)).toHaveLength(1);
    });

    it('refresh returns a new working token for the same conversation', async () => {
      const { token, conversationId, userId } = await started();
      const refreshed = await call(b.base, 'POST', '/v3/directline/tokens/refresh', { token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toEqual({ conversationId, token: expect.any(String), expires_in: 1800 });
      const claims = await tokens.verify(refreshed.body.token as string);
      expect(claims).toMatchObject({ conversationId, userId });
      const posted = await call(a.base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
        token: refreshed.body.token as string,
        body: { type: 'message', text: 'after refresh' },
      });
      expect(posted.status).toBe(200);
    });
  });

  describe('the adapter', () => {
    it('delivers a proactive continueConversationAsync into the conversation, seen from the other instance', async () => {
      const { token, conversationId, userId } = await started('zh-CN');
      const list = await call(a.base, 'GET', `/v3/directline/conversations/${conversationId}/activities`, { token });
      const greeting = activitiesOf(list.body)[0] as Partial<Activity>;
      // What a dialog would have saved: the reference of an incoming user activity.
      const reference = TurnContext.getConversationReference({
        ...greeting,
        from: greeting.recipient,
        recipient: greeting.from,
      }) as ConversationReference;
      const seen: Partial<Activity>[] = [];
      await b.adapter.continueConversationAsync('ignored-app-id', reference, async (context) => {
        seen.push(context.activity);
        await context.sendActivity('proactive');
      });
      expect(seen[0]).toMatchObject({ type: 'event', name: 'ContinueConversation', from: { id: userId }, locale: 'zh-CN' });
      const after = await call(a.base, 'GET', `/v3/directline/conversations/${conversationId}/activities?watermark=1`, { token });
      expect(activitiesOf(after.body)).toEqual([
        expect.objectContaining({ text: 'proactive', from: expect.objectContaining({ role: 'bot' }), recipient: expect.objectContaining({ id: userId }) }),
      ]);
      await a.adapter.continueConversation(reference, async (context) => {
        await context.sendActivity('second');
      });
      const last = await call(b.base, 'GET', `/v3/directline/conversations/${conversationId}/activities?watermark=2`, { token });
      expect(activitiesOf(last.body).map((x) => [x.id, x.text])).toEqual([[`${conversationId}|3`, 'second']]);
    });

    it('refuses a proactive turn for an unknown conversation, and updates and deletes', async () => {
      await expect(
        a.adapter.continueConversation({ conversation: { id: 'nope', isGroup: false, conversationType: 'personal', name: '' } }, async () => undefined),
      ).rejects.toMatchObject({ code: 'not_found' });
      const context = new TurnContext(a.adapter, { type: 'message', conversation: { id: 'nope', isGroup: false, conversationType: '', name: '' } });
      await expect(a.adapter.updateActivity(context, { id: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(a.adapter.deleteActivity(context, { activityId: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(context.sendActivity('to nowhere')).rejects.toMatchObject({ code: 'not_found' });
    });
  });
});
