import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ActivityHandler, type CloudAdapter } from 'botbuilder';
import restify from 'restify';
import { createCloudAdapter, isLoopbackAddress, registerBotFrameworkRoutes } from '../../channels/botframework.js';
import { createLogger } from '../../channels/logger.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';

class EchoBot extends ActivityHandler {
  readonly seen: string[] = [];
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      this.seen.push(context.activity.text ?? '');
      await context.sendActivity(`echo:${context.activity.text ?? ''}`);
      await next();
    });
  }
}

interface Received {
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/** A real HTTP server standing in for the Emulator's connector, recording what the bot sends. */
async function startConnector(): Promise<{ server: restify.Server; base: string; received: Received[] }> {
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  const received: Received[] = [];
  const record = async (req: restify.Request, res: restify.Response): Promise<void> => {
    received.push({ path: req.path(), body: req.body as Record<string, unknown>, authorization: req.headers.authorization });
    res.send(200, { id: `reply-${received.length}` });
  };
  server.post('/v3/conversations/:conversationId/activities/:activityId', record);
  server.post('/v3/conversations/:conversationId/activities', record);
  const port = await listen(server, 0, '127.0.0.1');
  return { server, base: `http://127.0.0.1:${port}`, received };
}

async function startBot(adapter: CloudAdapter, bot: EchoBot, loopbackOnly: boolean, host: string): Promise<{ server: Server; port: number }> {
  const logger = createLogger({ level: 'silent' });
  const server = createHttpServer({ logger });
  registerBotFrameworkRoutes(server, { adapter, bot, loopbackOnly });
  return { server, port: await listen(server, 0, host) };
}

function message(serviceUrl: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: 'incoming-1',
    text,
    channelId: 'emulator',
    serviceUrl,
    timestamp: new Date().toISOString(),
    conversation: { id: 'conv-42' },
    from: { id: 'user-1', name: 'User', role: 'user' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    locale: 'en-US',
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

function externalIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

describe('isLoopbackAddress', () => {
  it('accepts 127.0.0.0/8, ::1 and IPv4-mapped loopback only', () => {
    for (const yes of ['127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2', '0:0:0:0:0:0:0:1']) {
      expect([yes, isLoopbackAddress(yes)]).toEqual([yes, true]);
    }
    for (const no of [undefined, '', '10.0.0.1', '128.0.0.1', '1.127.0.0', '::ffff:10.0.0.1', '::2', '127.0.0.256', '127.0.0', 'localhost', '::ffff:127.0.0.1.evil']) {
      expect([no, isLoopbackAddress(no)]).toEqual([no, false]);
    }
  });
});

describe('/api/messages without an app id (Emulator mode, loopback only)', () => {
  let connector: Awaited<ReturnType<typeof startConnector>>;
  let bot: EchoBot;
  let app: { server: Server; port: number };

  beforeAll(async () => {
    connector = await startConnector();
    bot = new EchoBot();
    app = await startBot(createCloudAdapter({ appId: null, password: null, tenantId: null, type: 'MultiTenant' }), bot, true, '0.0.0.0');
  });
  afterAll(async () => {
    await closeServer(app.server);
    await closeServer(connector.server);
  });

  it('runs the bot and posts its reply to the serviceUrl', async () => {
    const status = await post(`http://127.0.0.1:${app.port}/api/messages`, message(connector.base, 'hello'));
    expect(status).toBe(200);
    expect(bot.seen).toEqual(['hello']);
    expect(connector.received).toHaveLength(1);
    expect(connector.received[0]).toMatchObject({
      path: '/v3/conversations/conv-42/activities/incoming-1',
      body: { type: 'message', text: 'echo:hello', replyToId: 'incoming-1', recipient: { id: 'user-1' }, from: { id: 'bot-1' } },
    });
  });

  it('reuses one connector client per service URL, and each reply still goes to its own service URL', async () => {
    const other = await startConnector();
    const clients: unknown[] = [];
    const adapter = createCloudAdapter({ appId: null, password: null, tenantId: null, type: 'MultiTenant' });
    const recording = new EchoBot();
    recording.onTurn(async (context, next) => {
      clients.push(context.turnState.get(adapter.ConnectorClientKey));
      await next();
    });
    const second = await startBot(adapter, recording, true, '127.0.0.1');
    try {
      const before = connector.received.length;
      for (const [base, text] of [[connector.base, 'a1'], [other.base, 'b1'], [connector.base, 'a2']] as const) {
        expect(await post(`http://127.0.0.1:${second.port}/api/messages`, message(base, text))).toBe(200);
      }
      expect(connector.received.slice(before).map((r) => r.body.text)).toEqual(['echo:a1', 'echo:a2']);
      expect(other.received.map((r) => r.body.text)).toEqual(['echo:b1']);
      expect(clients).toHaveLength(3);
      expect(clients[2]).toBe(clients[0]);
      expect(clients[1]).not.toBe(clients[0]);
    } finally {
      await closeServer(second.server);
      await closeServer(other.server);
    }
  });

  const external = externalIPv4();
  (external === undefined ? it.skip : it)('refuses a request that arrives on a non-loopback address with 403', async () => {
    const before = bot.seen.length;
    const status = await post(`http://${external ?? ''}:${app.port}/api/messages`, message(connector.base, 'from afar'));
    expect(status).toBe(403);
    expect(bot.seen).toHaveLength(before);
  });
});

describe('/api/messages with an app id', () => {
  let bot: EchoBot;
  let app: { server: Server; port: number };
  // CloudAdapter reports every refused request on console.error; keep the test output readable.
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);

  beforeAll(async () => {
    bot = new EchoBot();
    const adapter = createCloudAdapter({
      appId: '00000000-0000-0000-0000-000000000001',
      password: 'not-a-real-password',
      tenantId: null,
      type: 'MultiTenant',
    });
    app = await startBot(adapter, bot, false, '127.0.0.1');
  });
  afterAll(async () => {
    consoleError.mockRestore();
    await closeServer(app.server);
  });

  it('answers 401 to a request without a JWT and never runs the bot', async () => {
    const status = await post(`http://127.0.0.1:${app.port}/api/messages`, message('http://127.0.0.1:9', 'hello'));
    expect(status).toBe(401);
    expect(bot.seen).toEqual([]);
  });

  it('answers 401 to a malformed JWT', async () => {
    const status = await post(`http://127.0.0.1:${app.port}/api/messages`, message('http://127.0.0.1:9', 'hello'), {
      authorization: 'Bearer not.a.jwt',
    });
    expect(status).toBe(401);
    expect(bot.seen).toEqual([]);
  });
});
