/**
 * Regressions for "Carrier keywords" on SMS, against the real server with a fake Twilio REST API:
 * STOP is honoured as Twilio documents it (no answer, nothing sent later), START clears the dialog a
 * parent left waiting (a balance question after START used to become an office email), "help" in
 * any case gives the bot's help with the carrier facts, and the SMS wording asks for "menu" and
 * "send" where other channels say "cancel" and "yes".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSmsHashes } from '../channels/sms/routes.js';
import { RedirectingRequestClient } from '../channels/sms/twilio.js';
import { conversationKey } from '../dialogs/auth/conversation.js';
import { helpText, sayIn } from '../dialogs/messages.js';
import { translator } from '../locales/i18n.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { signInAtDevProvider } from './helpers/browser.js';
import { sendSms, startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

const OUR_NUMBER = '+12125550100';
const SESSION_SECRET = 'test-session-secret-for-sms-keywords-0000';
const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]{43}/;
const sms = sayIn('en', 'sms');

describe('carrier keywords on SMS', () => {
  let app: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  let mailDir: string;
  const hashes = createSmsHashes(SESSION_SECRET);
  const text = async (from: string, body: string): Promise<string[]> => {
    const answer = await sendSms(app.baseUrl, { from, to: OUR_NUMBER, body });
    expect(answer.status).toBe(200);
    return answer.messages;
  };
  const joined = async (from: string, body: string): Promise<string> => (await text(from, body)).join('\n');
  const liveSessions = async (from: string) =>
    app.db
      .selectFrom('verifiedSessions')
      .select('id')
      .where('conversationKey', '=', conversationKey('sms', hashes.conversationId(from, OUR_NUMBER)))
      .where('endedAt', 'is', null)
      .execute();
  const botState = async (from: string) =>
    app.db.selectFrom('botState').select('key').where('key', 'like', `sms/conversations/${hashes.conversationId(from, OUR_NUMBER)}%`).execute();

  beforeAll(async () => {
    mailDir = await mkdtemp(join(tmpdir(), 'sms-keywords-'));
    fake = await startFakeTwilio();
    app = await startTestApp(
      {
        TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
        TWILIO_FROM: OUR_NUMBER,
        SESSION_SECRET,
        MAIL_DIR: join(mailDir, 'mail'),
      },
      { twilioHttpClient: new RedirectingRequestClient(fake.url) },
    );
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await rm(mailDir, { recursive: true, force: true });
  });

  async function verifyJames(from: string): Promise<void> {
    await text(from, 'balance');
    await text(from, '900-11-1002');
    expect(await joined(from, '13579')).toContain('$1,125.00');
  }

  it('STOP gets no answer, forgets the conversation, and nothing is sent later (not even a finished sign-in)', async () => {
    const maria = '+12125550131';
    const link = SIGN_IN_LINK.exec(await joined(maria, 'sign in'))?.[0];
    expect(link).toBeDefined();
    expect(await botState(maria)).toHaveLength(1);
    expect(await text(maria, 'STOP')).toEqual([]);
    expect(await botState(maria)).toEqual([]);
    await signInAtDevProvider(link ?? '', 'maria.lopez@example.com', 'demo-maria-1');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(fake.sent.filter((m) => m.to === maria)).toEqual([]);
    expect(await text(maria, 'balance')).toEqual([]);
    expect(await text(maria, 'help')).toEqual([]);
  }, 60_000);

  it('START (also UNSTOP) clears the waiting office email and ends the session: "balance" then asks for the SSN', async () => {
    const james = '+12125550132';
    await verifyJames(james);
    expect(await joined(james, 'email my office')).toContain('Bronx Child Support Office');
    expect(await liveSessions(james)).toHaveLength(1);
    const started = await text(james, 'START');
    expect(started).toEqual([translator('en')('sms.opted_in')]);
    expect(await liveSessions(james)).toEqual([]);
    const balance = await joined(james, 'balance');
    expect(balance).toMatch(/Social Security number/);
    expect(balance).not.toMatch(/office|\(\d+ characters\)/i);

    await verifyJames(james);
    await joined(james, 'email my office');
    await text(james, 'UNSTOP');
    expect(await joined(james, 'balance')).toMatch(/Social Security number/);
  }, 60_000);

  it('STOP then START: the parent starts again from nothing', async () => {
    const james = '+12125550133';
    await verifyJames(james);
    await joined(james, 'email my office');
    expect(await text(james, 'stop')).toEqual([]);
    expect(await liveSessions(james)).toEqual([]);
    // YES opts back in a number that had opted out.
    expect(await text(james, 'YES')).toEqual([translator('en')('sms.opted_in')]);
    expect(await joined(james, 'balance')).toMatch(/Social Security number/);
  }, 60_000);

  it('lowercase "help" in a Spanish conversation: the carrier facts and the bot\'s help, both in Spanish', async () => {
    const parent = '+12125550134';
    await text(parent, 'español');
    const [facts, menu] = await text(parent, 'help');
    expect(facts).toBe(translator('es')('sms.help'));
    expect(menu).toContain(translator('es')('help.intro'));
    expect(facts).toMatch(/STOP/);
    expect(facts).toMatch(/888-208-4485/);
  }, 30_000);

  it('the office email on SMS: "menu" stops it (not "cancel"), the confirmation asks for "send" (not "yes"), and "send" sends', async () => {
    const james = '+12125550135';
    await verifyJames(james);
    const ask = await joined(james, 'email my office');
    expect(ask).toContain('"menu"');
    expect(ask).not.toMatch(/"cancel"/i);
    const stopped = await joined(james, 'menu');
    expect(stopped).toContain(translator('en')('help.menu_intro'));
    expect(await joined(james, 'balance')).toContain('$1,125.00');

    await joined(james, 'email my office');
    const confirm = await joined(james, 'Please call me about my new job.');
    expect(confirm).toContain(sms('office.confirm_sms', { count: 32, office: 'Bronx Child Support Office' }));
    expect(confirm).not.toMatch(/"yes"/i);
    const done = await joined(james, 'SEND');
    expect(done).toMatch(/is on its way to the Bronx Child Support Office\. Your reference is OCS-[2-9A-HJ-NP-Z]{5}/);
  }, 60_000);

  it('the PIN re-mail question on SMS asks for "send", which the prompt accepts', async () => {
    const james = '+12125550136';
    await verifyJames(james);
    const offer = [await joined(james, 'PIN'), await joined(james, 'MORE')].join('\n');
    expect(offer).toContain(sms('pin.offer_mail'));
    expect(offer).not.toMatch(/"yes"/i);
    expect(await joined(james, 'send')).toContain(sms('pin.ask_ssn'));
    expect(await joined(james, '900-11-1002')).toContain(sms('pin.mail_requested'));
  }, 60_000);

  it('the SMS help names "menu" as the way to stop', async () => {
    const [, menu] = await text('+12125550137', 'help');
    expect(helpText('en', 'help', 'sms')).toContain(sms('help.cancel'));
    expect(menu).toContain(helpText('en', 'help', 'sms').slice(0, 40));
  }, 30_000);
});
