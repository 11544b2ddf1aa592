import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { createLogger, maskSensitiveNumbers, redactText, scrub } from '../../channels/logger.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { loadConfig } from '../../config.js';
import { startApp, type RunningApp } from '../../index.js';
import { freePort } from '../helpers/app.js';
import { DirectLineClient } from '../helpers/directline.js';
import { acceptedSecrets, embedded, pinSpelling, ssnSpelling } from '../helpers/secrets.js';

function sink(): { lines: string[]; entries: () => Record<string, unknown>[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { lines, destination, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...stringsIn(item)]);
}

describe('maskSensitiveNumbers', () => {
  it.each([
    ['my ssn is 900-11-1001', 'my ssn is •••-••-••••'],
    ['900111001', '•••••••••'],
    ['900 11 1001 ok', '••• •• •••• ok'],
    ['pin 24680', 'pin •••••'],
  ])('masks %s', (input, expected) => {
    expect(maskSensitiveNumbers(input)).toBe(expected);
  });

  it('keeps amounts, dates and short numbers', () => {
    const text = 'I paid $1,125.00 on 2026-11-06, case 0101, 3 kids';
    expect(maskSensitiveNumbers(text)).toBe(text);
  });
});

describe('logger', () => {
  it('never writes an SSN or PIN, whether in fields or in the message', () => {
    const { lines, destination } = sink();
    const logger = createLogger({ destination });
    logger.info({ ssn: '900-11-1001', pin: '24680', activity: { text: 'my pin is 24680' } }, 'user typed 900111001 and 24680');
    logger.warn('ssn 900-11-1001');
    logger.warn('interpolated %s and %j', '9 0 0 1 1 1 0 0 1', { token: 'abc', note: '900  11  1001' });
    const out = lines.join('');
    expect(out).not.toMatch(/900-?11-?1001|900111001|24680|abc/);
    expect(acceptedSecrets(out)).not.toContain('900111001');
    expect(out).toContain('[redacted');
  });

  it('redacts by field and by pattern at any depth (regression: nested fields leaked)', () => {
    const { entries, destination } = sink();
    const logger = createLogger({ destination });
    logger.info({ a: { b: { c: { ssn: '900-11-1001', note: 'my ssn is 9 0 0 1 1 1 0 0 1' } } } }, 'nested');
    logger.info({ list: [{ deep: [{ Authorization: 'Bearer abc.def.ghi', 'Set-Cookie': 'sid=1', 'X-Twilio-Signature': 'sig' }] }], n: 900111001 }, 'headers');
    const [nested, headers] = entries();
    expect(JSON.stringify(nested?.a)).not.toMatch(/\d/);
    expect(nested).toMatchObject({ a: { b: { c: { ssn: '[redacted]', note: 'my ssn is [redacted-ssn]' } } } });
    expect(JSON.stringify(headers)).not.toMatch(/abc|sid=1|"sig"|900111001/);
  });

  it('writes no SSN or PIN in any accepted spelling, under any field name at any depth', () => {
    const { lines, destination } = sink();
    const logger = createLogger({ destination });
    const key = fc.constantFrom('note', 'detail', 'reason', 'x', 'input', 'ssnText', 'args');
    fc.assert(
      fc.property(fc.oneof(embedded(ssnSpelling), embedded(pinSpelling)), fc.array(key, { minLength: 1, maxLength: 6 }), ({ digits, text }, path) => {
        const fields = path.reduceRight<unknown>((inner, name) => ({ [name]: inner }), [text, { text, [text]: 1 }]) as object;
        lines.splice(0);
        logger.info(fields, text);
        // Every string as written, unescaped: a "\n" inside JSON must not hide a spelling from the check.
        const written = lines.flatMap((line) => stringsIn(JSON.parse(line)));
        expect(written.length).toBeGreaterThan(0);
        for (const value of [...written, lines.join('\n')]) expect(acceptedSecrets(value)).not.toContain(digits);
      }),
      { numRuns: 200 },
    );
  });

  it('survives cycles, errors with causes and very deep objects', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const error = new Error('bad pin 24680', { cause: Object.assign(new Error('ssn 900 11 1001'), { code: 'E1' }) });
    const scrubbed = JSON.stringify(scrub({ loop, error }));
    expect(scrubbed).toContain('[circular]');
    expect(scrubbed).not.toMatch(/24680|900 11 1001/);
    expect(scrubbed).toContain('"code":"E1"');
    let deep: Record<string, unknown> = { ssn: '900-11-1001' };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(scrub(deep))).not.toContain('900');
  });

  it('redactText keeps dates and dollar amounts readable', () => {
    expect(redactText('due 2026-11-27: $1,125.00')).toBe('due 2026-11-27: $1,125.00');
  });
});

describe('restify logs through our logger', () => {
  const { entries, destination } = sink();
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createHttpServer({ logger: createLogger({ destination }) });
    server.get('/plain', (_req, res, next) => {
      res.send(200, 'hello');
      next();
    });
    server.get('/returns', (async (_req: unknown, res: { send(code: number, body: unknown): void }) => {
      res.send(200, { ok: true });
      return { ssn: '900-11-1001', nested: { note: 'pin 2 4 6 8 0 or 24680' } };
    }) as unknown as Parameters<Server['get']>[1]);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await closeServer(server);
  });

  it("redacts restify's own error lines and tags them with the request id", async () => {
    const res = await fetch(`${base}/plain?ssn=900-11-1001`, {
      headers: { accept: 'application/x-nothing', authorization: 'Bearer secret-token', cookie: 'sid=secret-cookie', 'x-request-id': 'proxy-id-abc.def' },
    });
    expect(res.headers.get('x-request-id')).toBe('proxy-id-abc.def');
    await fetch(`${base}/returns`);
    const restifyLines = entries().filter((e) => e.requestId !== undefined);
    expect(restifyLines.length).toBeGreaterThanOrEqual(2);
    expect(restifyLines.map((e) => e.requestId)).toContain('proxy-id-abc.def');
    const out = JSON.stringify(restifyLines);
    expect(out).not.toMatch(/secret-token|secret-cookie|900-11-1001|24680|2 4 6 8 0/);
    expect(out).toContain('[redacted]');
  });

  it('answers with a fresh X-Request-Id when the caller sent none or an unusable one', async () => {
    for (const sent of [undefined, 'has spaces in it', '900-11-1001-abc', 'x'.repeat(200)]) {
      const res = await fetch(`${base}/plain`, { headers: sent === undefined ? {} : { 'x-request-id': sent } });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('a request through the whole app', () => {
  const { entries, destination } = sink();
  let app: RunningApp;
  let base = '';
  beforeAll(async () => {
    const port = await freePort();
    const config = loadConfig({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PGLITE_DIR: 'memory://' });
    app = await startApp(config, { logger: createLogger({ level: 'debug', destination }), host: '127.0.0.1' });
    base = `http://127.0.0.1:${app.port}`;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('carries the X-Request-Id it answered with on every line the request produced', async () => {
    const chat = await DirectLineClient.start(base);
    const before = entries().length;
    const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'what is my balance' }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const produced = entries().slice(before);
    // The turn logs at least how it routed the message.
    expect(produced.map((e) => e.msg)).toContain('message routed');
    for (const entry of produced) expect(entry.requestId).toBe(requestId);
  });

  it('carries it on the lines of a turn on /api/messages too, and two requests at once keep their own', async () => {
    const before = entries().length;
    const post = (id: string, conversation: string): Promise<Response> =>
      fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({
          type: 'message',
          id: `m-${id}`,
          text: 'help',
          channelId: 'emulator',
          serviceUrl: 'http://127.0.0.1:9',
          deliveryMode: 'expectReplies',
          conversation: { id: conversation },
          from: { id: `user-${conversation}`, role: 'user' },
          recipient: { id: 'bot', role: 'bot' },
          locale: 'en-US',
        }),
      });
    const [one, two] = await Promise.all([post('request-one-1234', 'log-conv-1'), post('request-two-5678', 'log-conv-2')]);
    expect([one.status, two.status]).toEqual([200, 200]);
    const produced = entries().slice(before);
    const routed = produced.filter((e) => e.msg === 'message routed');
    expect(routed.map((e) => e.requestId).sort()).toEqual(['request-one-1234', 'request-two-5678']);
    for (const entry of produced) expect(['request-one-1234', 'request-two-5678']).toContain(entry.requestId);
  });
});
