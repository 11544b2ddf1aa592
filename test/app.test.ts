/**
 * The walking skeleton as a newcomer meets it: the whole app, its page, a Direct Line conversation in
 * each language, token isolation and the ops routes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { translator } from '../locales/i18n.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DirectLineClient } from './helpers/directline.js';

describe('the running assistant', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(() => app.stop());

  it('serves the Web Chat page with the quick exit', async () => {
    const res = await fetch(`${app.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toContain('/static/vendor/webchat.js');
    expect(html).toMatch(/quick-exit/i);
  });

  it('greets a new conversation and answers "help" naming balance and payments', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    const welcome = await chat.replies();
    expect(welcome.length).toBeGreaterThan(0);
    await chat.send('help');
    const help = await chat.replies((t) => /balance/i.test(t));
    expect(help).toMatch(/balance/i);
    expect(help).toMatch(/payment/i);
  });

  it('answers a zh-CN conversation in Chinese and an es-US one in Spanish', async () => {
    const zh = await DirectLineClient.start(app.baseUrl, 'zh-CN');
    expect(await zh.replies()).toMatch(/[\u4e00-\u9fff]/);
    await zh.send('help', { locale: 'zh-CN' });
    const zhHelp = await zh.replies((t) => t.includes('余额'));
    expect(zhHelp).toContain('余额');

    const es = await DirectLineClient.start(app.baseUrl, 'es-US');
    const esWelcome = await es.replies();
    expect(esWelcome).toContain(translator('es')('welcome.intro').slice(0, 12));
    await es.send('ayuda', { locale: 'es-US' });
    expect(await es.replies((t) => /saldo/i.test(t))).toMatch(/saldo/i);
  });

  it('refuses a token on another conversation with 403', async () => {
    const a = await DirectLineClient.start(app.baseUrl);
    const b = await DirectLineClient.start(app.baseUrl);
    const read = await fetch(`${app.baseUrl}/v3/directline/conversations/${b.conversationId}/activities`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(read.status).toBe(403);
    const write = await fetch(`${app.baseUrl}/v3/directline/conversations/${b.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hi' }),
    });
    expect(write.status).toBe(403);
  });

  it('stores the echo of an SSN or PIN masked, never in clear', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    await chat.send('my ssn is 900-11-1001 and pin 24680', { channelData: { clientActivityID: 'c-1' } });
    await chat.replies();
    const echo = chat.seen.find((a) => a.channelData?.clientActivityID === 'c-1');
    expect(echo?.text).toBe('my ssn is •••-••-•••• and pin •••••');
    expect(JSON.stringify(chat.seen)).not.toMatch(/900-11-1001|24680/);
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/assistant_turns_total\{channel="directline"\} \d+/);
  });
});
