/**
 * Direct Line streaming against the real server: the `streamUrl` socket pushes the bot's activities
 * as they are stored, on one instance and across two instances sharing one PostgreSQL database.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { DirectLineStreamHub, CLOSE_TOKEN_EXPIRED } from '../../channels/directline/stream.js';
import { DirectLineTokens } from '../../channels/directline/tokens.js';
import { appendActivity, createConversation } from '../../db/repositories/directline.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createServerDatabase, createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';
import { signInAtDevProvider } from '../helpers/browser.js';
import { DirectLineClient, type BotActivity } from '../helpers/directline.js';

interface Frame {
  activities: BotActivity[];
  watermark: string;
}

/** A socket client that keeps every frame and every empty keep-alive it gets. */
class StreamClient {
  readonly frames: Frame[] = [];
  emptyMessages = 0;
  closeCode: number | null = null;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text === '') this.emptyMessages += 1;
      else this.frames.push(JSON.parse(text) as Frame);
      this.wake();
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static open(url: string): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new StreamClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode ?? 0}`)));
      ws.once('error', reject);
    });
  }

  /** Every activity pushed so far. */
  get activities(): BotActivity[] {
    return this.frames.flatMap((f) => f.activities);
  }

  get watermark(): string {
    return this.frames.at(-1)?.watermark ?? '';
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async until(check: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      const left = end - Date.now();
      if (left <= 0) throw new Error('timed out waiting on the stream');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilText(pattern: RegExp, timeoutMs?: number): Promise<void> {
    return this.until(() => this.activities.some((a) => pattern.test(a.text ?? '')), timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

async function startConversation(base: string): Promise<{ token: string; conversationId: string; streamUrl: string }> {
  const issued = await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { token } = (await issued.json()) as { token: string };
  const started = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(started.status).toBe(201);
  return (await started.json()) as { token: string; conversationId: string; streamUrl: string };
}

async function post(base: string, conversation: { token: string; conversationId: string }, text: string): Promise<number> {
  const res = await fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conversation.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: 'x' } }),
  });
  return res.status;
}

async function reconnect(base: string, conversation: { token: string; conversationId: string }, watermark: string): Promise<string> {
  const res = await fetch(`${base}/v3/directline/conversations/${conversation.conversationId}?watermark=${watermark}`, {
    headers: { authorization: `Bearer ${conversation.token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { streamUrl: string }).streamUrl;
}

const seqOf = (activity: BotActivity): number => Number((activity.id ?? '').split('|').at(-1));
const HELP = /help|ask/i;

describe('Direct Line streaming (one instance)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('pushes the greeting and each reply without polling, and polling still works', async () => {
    const conversation = await startConversation(app.baseUrl);
    expect(conversation.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${app.port}/v3/directline/conversations/[^/]+/stream\\?`));
    const stream = await StreamClient.open(conversation.streamUrl);
    await stream.until(() => stream.activities.some((a) => a.from?.role === 'bot'));
    const greeting = stream.activities.length;

    expect(await post(app.baseUrl, conversation, 'help')).toBe(200);
    await stream.until(() => stream.activities.slice(greeting).some((a) => a.from?.role === 'bot'));
    const pushed = stream.activities;
    // The parent's own message comes back first (Web Chat matches its echo), then the answer.
    expect(pushed[greeting]?.text).toBe('help');
    expect(pushed.map(seqOf)).toEqual(pushed.map((_, i) => i + 1));
    expect(stream.watermark).toBe(String(pushed.length));

    const polled = await fetch(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`, {
      headers: { authorization: `Bearer ${conversation.token}` },
    });
    const body = (await polled.json()) as Frame;
    expect(body.activities.map((a) => a.id)).toEqual(pushed.map((a) => a.id));
    stream.close();
  });

  it('refuses a stream token of another conversation, a conversation token, and no token', async () => {
    const mine = await startConversation(app.baseUrl);
    const theirs = await startConversation(app.baseUrl);
    const theirToken = new URL(theirs.streamUrl).searchParams.get('t') ?? '';
    const url = new URL(mine.streamUrl);
    url.searchParams.set('t', theirToken);
    await expect(StreamClient.open(url.toString())).rejects.toThrow('refused with 403');
    url.searchParams.set('t', mine.token);
    await expect(StreamClient.open(url.toString())).rejects.toThrow('refused with 401');
    url.searchParams.delete('t');
    await expect(StreamClient.open(url.toString())).rejects.toThrow('refused with 401');
  });

  it('reconnect answers a new streamUrl that resumes after the watermark', async () => {
    const conversation = await startConversation(app.baseUrl);
    const first = await StreamClient.open(conversation.streamUrl);
    await first.until(() => first.activities.length > 0);
    expect(await post(app.baseUrl, conversation, 'help')).toBe(200);
    await first.until(() => first.activities.some((a) => a.text === 'help') && first.activities.at(-1)?.from?.role === 'bot');
    const watermark = first.watermark;
    first.close();
    expect(await post(app.baseUrl, conversation, 'thanks')).toBe(200);

    const url = await reconnect(app.baseUrl, conversation, watermark);
    expect(url).not.toBe(conversation.streamUrl);
    expect(new URL(url).searchParams.get('watermark')).toBe(watermark);
    const second = await StreamClient.open(url);
    await second.until(() => second.activities.some((a) => a.from?.role === 'bot'));
    expect(second.activities[0]?.text).toBe('thanks');
    expect(Math.min(...second.activities.map(seqOf))).toBe(Number(watermark) + 1);
    second.close();
  });

  it('the sign-in completion reaches the open socket by itself', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    const stream = await StreamClient.open(await reconnect(app.baseUrl, chat, ''));
    await chat.send('balance');
    const link = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;
    await stream.until(() => stream.activities.some((a) => link.test(a.text ?? '')));
    const before = stream.activities.length;
    await signInAtDevProvider(link.exec(stream.activities.find((a) => link.test(a.text ?? ''))?.text ?? '')?.[0] ?? '', 'maria.lopez@example.com', 'demo-maria-1', chat.ownBrowser());
    // Nothing was posted or polled since: the bot's continuation is pushed.
    await stream.until(() => stream.activities.slice(before).some((a) => a.from?.role === 'bot'), 10_000);
    expect(stream.activities.slice(before).map((a) => a.text ?? '').join(' ')).toMatch(/SSN|Social Security|balance/i);
    stream.close();
  });

  it('max five sockets per conversation: the oldest gives way', async () => {
    const conversation = await startConversation(app.baseUrl);
    const sockets: StreamClient[] = [];
    for (let i = 0; i < 6; i++) sockets.push(await StreamClient.open(conversation.streamUrl));
    await sockets[0]?.until(() => sockets[0]?.closeCode !== null);
    expect(sockets[0]?.closeCode).toBe(4002);
    expect(sockets.slice(1).every((s) => s.closeCode === null)).toBe(true);
    for (const s of sockets) s.close();
  });

  it('stopping the server closes its sockets cleanly', async () => {
    const other = await startTestApp();
    const conversation = await startConversation(other.baseUrl);
    const stream = await StreamClient.open(conversation.streamUrl);
    await other.stop();
    await stream.until(() => stream.closeCode !== null);
    expect(stream.closeCode).toBe(1001);
  });
});

describe('socket opens count as conversation starts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_STARTS: '3,1000', RATE_LIMIT_WINDOW_SECONDS: '86400' });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('a client over its start limit is refused a socket with 429', async () => {
    // One start so far; two socket opens reach the limit of three.
    const conversation = await startConversation(app.baseUrl);
    const open = [await StreamClient.open(conversation.streamUrl), await StreamClient.open(conversation.streamUrl)];
    await expect(StreamClient.open(conversation.streamUrl)).rejects.toThrow('refused with 429');
    for (const s of open) s.close();
  });
});

describe.each(databaseKinds())('stream hub on %s', (kind) => {
  let database: TestDatabase;
  let http: HttpServer;
  let hub: DirectLineStreamHub;
  let base: string;
  const tokens = new DirectLineTokens('x'.repeat(40), { ttlSeconds: 1 });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    http = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    hub = new DirectLineStreamHub({ db: database.db, tokens, logger: pino({ level: 'silent' }), publicUrl: base, keepAliveMs: 100 });
    hub.attach(http);
  });
  afterAll(async () => {
    await hub.close();
    await new Promise((resolve) => http.close(resolve));
    await database.close();
  });

  it('sends an empty keep-alive, pushes on notice, and closes with a code when the token expires', async () => {
    const conversation = await createConversation(database.db, { id: `c-${kind}`, userId: 'u1', locale: 'en-US' });
    const issued = await tokens.issue({ conversationId: conversation.id, userId: conversation.userId });
    const claims = await tokens.verify(issued.token);
    const stream = await StreamClient.open(await hub.streamUrl(claims, null));
    await stream.until(() => stream.emptyMessages > 0);
    const stored = await appendActivity(database.db, conversation.id, (seq) => ({ type: 'message', id: `${conversation.id}|${seq}`, text: 'hi' }));
    hub.notify(conversation.id, stored?.seq ?? 0);
    await stream.until(() => stream.activities.length === 1);
    expect(stream.frames[0]).toEqual({ activities: [{ type: 'message', id: `${conversation.id}|1`, text: 'hi' }], watermark: '1' });
    // A doubled notice (in process and by NOTIFY) sends nothing twice.
    hub.notify(conversation.id, 1);
    await stream.until(() => stream.closeCode !== null, 3000);
    expect(stream.closeCode).toBe(CLOSE_TOKEN_EXPIRED);
    expect(stream.activities).toHaveLength(1);
  });
});

describe('two instances on one PostgreSQL database', () => {
  const enabled = databaseKinds().includes('postgres');
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  let drop: (() => Promise<void>) | undefined;
  let name = '';

  beforeAll(async () => {
    if (!enabled) return;
    const database = await createServerDatabase();
    drop = database.drop;
    name = database.name;
    a = await startTestApp({ DATABASE_URL: database.url });
    b = await startTestApp({ DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  it('a post on instance A is pushed to a socket held by instance B', async () => {
    if (a === undefined || b === undefined) {
      // Without a PostgreSQL server there is no second instance to share with.
      expect(enabled).toBe(false);
      return;
    }
    const conversation = await startConversation(a.baseUrl);
    const onB = await reconnect(b.baseUrl, conversation, '');
    expect(onB.startsWith(`ws://127.0.0.1:${b.port}/`)).toBe(true);
    const stream = await StreamClient.open(onB);
    await stream.until(() => stream.activities.length > 0);
    const before = stream.activities.length;
    const started = performance.now();
    expect(await post(a.baseUrl, conversation, 'help')).toBe(200);
    await stream.until(() => stream.activities.slice(before).some((x) => x.from?.role === 'bot' && HELP.test(x.text ?? '')));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(stream.activities[before]?.text).toBe('help');

    // Every instance's listening connection is cut (a failover, an idle kill): they reconnect and
    // the next reply still crosses over.
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const killed = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query ilike 'LISTEN%'`, [name]);
      expect(killed.rowCount).toBe(2);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = stream.activities.length;
    expect(await post(a.baseUrl, conversation, 'thanks')).toBe(200);
    await stream.until(() => stream.activities.slice(again).some((x) => x.from?.role === 'bot'));
    expect(stream.activities[again]?.text).toBe('thanks');
    stream.close();
  });
});
