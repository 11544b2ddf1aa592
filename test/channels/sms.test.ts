/**
 * The SMS channel on its own: the webhook's guards, keywords and TwiML, and the REST path for
 * replies without a webhook, proven against a local fake Twilio through Twilio's own client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { pino } from 'pino';
import twilio from 'twilio';
import { SmsAdapter } from '../../channels/sms/SmsAdapter.js';
import { createSmsHashes, keywordOf, registerSmsRoutes } from '../../channels/sms/routes.js';
import { RedirectingRequestClient, createTwilioSender } from '../../channels/sms/twilio.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort } from '../helpers/app.js';
import { messageSid, sendSms, startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './smsHelpers.js';

const OURS = '+12125550100';
const logger = pino({ level: 'silent' });

describe('SMS channel', () => {
  let database: TestDatabase;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  let server: Server;
  let unconfigured: Server;
  let base: string;
  let unconfiguredBase: string;
  let adapter: SmsAdapter;
  const hashes = createSmsHashes('test-secret-test-secret-test-secret-00');
  const seen: string[] = [];
  const bot = {
    async run(context: TurnContext): Promise<void> {
      if (context.activity.type !== ActivityTypes.Message) {
        await context.sendActivity('You are signed in.');
        return;
      }
      seen.push(context.activity.text ?? '');
      await context.sendActivity(`heard: ${context.activity.text ?? ''}`);
      await context.sendActivity({ type: ActivityTypes.Typing });
      await context.sendActivity('**second** message');
    },
    forgotten: 0,
    async forget(): Promise<void> {
      this.forgotten += 1;
    },
  };

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    fake = await startFakeTwilio();
    adapter = new SmsAdapter({
      db: database.db,
      sender: createTwilioSender({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, httpClient: new RedirectingRequestClient(fake.url) }),
      phoneHash: hashes.phone,
      serviceUrl: 'http://127.0.0.1',
      logger,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = createHttpServer({ logger });
    registerSmsRoutes(server, { db: database.db, adapter, bot, authToken: TEST_AUTH_TOKEN, publicUrl: base, ttyNumbers: [], hashes });
    await listen(server, port, '127.0.0.1');
    const otherPort = await freePort();
    unconfiguredBase = `http://127.0.0.1:${otherPort}`;
    unconfigured = createHttpServer({ logger });
    registerSmsRoutes(unconfigured, { db: database.db, adapter, bot, authToken: null, publicUrl: unconfiguredBase, ttyNumbers: [], hashes });
    await listen(unconfigured, otherPort, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    await closeServer(server);
    await closeServer(unconfigured);
    await fake.close();
    await database.close();
  });

  it('answers 503 when no TWILIO_AUTH_TOKEN is configured', async () => {
    const answer = await sendSms(unconfiguredBase, { from: '+12125550111', to: OURS, body: 'hi' });
    expect(answer.status).toBe(503);
  });

  it('checks the signature over every posted field: a changed Body is refused before any turn', async () => {
    const params = { MessageSid: messageSid(), From: '+12125550111', To: OURS, Body: 'hello' };
    const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${base}/api/sms`, params);
    const before = seen.length;
    const res = await fetch(`${base}/api/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams({ ...params, Body: 'STOP' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(seen.length).toBe(before);
    const signedOk = await fetch(`${base}/api/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    expect(signedOk.status).toBe(200);
    expect(signedOk.headers.get('content-type')).toMatch(/text\/xml/);
  });

  it('answers a turn in one TwiML message, plain text, without typing indicators', async () => {
    const answer = await sendSms(base, { from: '+12125550112', to: OURS, body: 'where is my payment' });
    expect(answer.messages).toEqual(['heard: where is my payment\n\nsecond message']);
  });

  it('counts a keyword only when it is the whole message', async () => {
    const answer = await sendSms(base, { from: '+12125550113', to: OURS, body: 'please stop the payments' });
    expect(answer.messages[0]).toContain('heard: please stop the payments');
    const info = await sendSms(base, { from: '+12125550113', to: OURS, body: 'info' });
    expect(info.messages[0]).toContain('888-208-4485');
    expect(info.messages[1]).toContain('heard: help');
    expect((await sendSms(base, { from: '+12125550113', to: OURS, body: 'Yes' })).messages[0]).toContain('heard: Yes');
  });

  it('sends a reply without a webhook through the Twilio REST client, and nothing to an opted-out number', async () => {
    const parent = '+12125550114';
    await sendSms(base, { from: parent, to: OURS, body: 'hello' });
    const conversation = { id: hashes.conversationId(parent, OURS) };
    await adapter.continueConversation({ conversation: { ...conversation, isGroup: false, conversationType: 'personal', name: '' } }, (context) => bot.run(context));
    expect(fake.sent).toEqual([{ to: parent, from: OURS, body: 'You are signed in.', authorized: true }]);

    await sendSms(base, { from: parent, to: OURS, body: 'STOP' });
    await adapter.continueConversation({ conversation: { ...conversation, isGroup: false, conversationType: 'personal', name: '' } }, (context) => bot.run(context));
    expect(fake.sent).toHaveLength(1);
  });

  it('reads carrier keywords as Twilio does, and its OptOutType for keywords configured there', () => {
    expect(keywordOf('stop')).toBe('opt_out');
    expect(keywordOf('Revoke.')).toBe('opt_out');
    expect(keywordOf('CANCEL')).toBe('opt_out');
    expect(keywordOf('please stop the payments')).toBeNull();
    expect(keywordOf('unstop')).toBe('opt_in');
    expect(keywordOf('help')).toBe('help');
    expect(keywordOf('PARAR', 'STOP')).toBe('opt_out');
    expect(keywordOf('AYUDA', 'HELP')).toBe('help');
    // YES opts in only a number that opted out: the route decides, whatever Twilio marked.
    expect(keywordOf('yes', 'START')).toBe('yes');
    expect(keywordOf('menu')).toBeNull();
  });

  it('honours an opt-out Twilio marked with OptOutType, then sends nothing', async () => {
    const parent = '+12125550116';
    const stop = await sendSms(base, { from: parent, to: OURS, body: 'PARAR' }, { extra: { OptOutType: 'STOP' } });
    expect(stop.messages).toEqual([]);
    expect((await sendSms(base, { from: parent, to: OURS, body: 'hello' })).messages).toEqual([]);
  });

  it('never stores the message body', async () => {
    await sendSms(base, { from: '+12125550115', to: OURS, body: '900-11-1002' });
    const rows = await database.db.selectFrom('smsMessages').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('1002');
    const conversations = await database.db.selectFrom('smsConversations').selectAll().execute();
    expect(JSON.stringify(conversations)).not.toContain('900-11');
  });
});
