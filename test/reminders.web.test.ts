/**
 * Reminders turned on in web chat, against the real server: the parent signs in with NY.gov, types
 * the mobile number, and only the one-time code texted to it (through a local fake of Twilio's REST
 * API) proves the number is theirs before the terms are shown and agreed to.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { signInAtDevProvider } from './helpers/browser.js';
import { DirectLineClient } from './helpers/directline.js';
import { startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';
import { sayIn } from '../dialogs/messages.js';

const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;
const en = sayIn('en');

describe('text reminders from web chat', () => {
  let app: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp(
      { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: '+12125550100', TWILIO_API_URL: fake.url, REMINDERS_INTERVAL_SECONDS: '0' },
      { now: () => new Date('2026-11-20T15:00:00Z') },
    );
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  async function signedIn(): Promise<DirectLineClient> {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    await chat.send('remind me');
    const link = SIGN_IN_LINK.exec(await chat.replies((t) => SIGN_IN_LINK.test(t)))?.[0] as string;
    await signInAtDevProvider(link, 'james.carter@example.com', 'demo-james-1', chat.ownBrowser());
    const next = await chat.replies((t) => /Social Security|mobile number/.test(t), 10_000);
    if (/Social Security/.test(next)) {
      await chat.send('900-11-1002');
      await chat.replies((t) => /PIN/.test(t));
      await chat.send('13579');
      await chat.replies((t) => /mobile number/.test(t), 10_000);
    }
    return chat;
  }

  it('James types his number, gets a code by text, types it, reads the terms and agrees', async () => {
    const chat = await signedIn();
    await chat.send('(212) 555-0102');
    expect(await chat.replies((t) => /6-digit code/.test(t))).toContain(en('reminders.code_sent', { last4: '0102' }));
    const codeText = fake.sent.at(-1);
    expect(codeText?.to).toBe('+12125550102');
    const code = /\b(\d{6})\b/.exec(codeText?.body ?? '')?.[1] as string;
    expect(code).toMatch(/^\d{6}$/);
    await chat.send(code);
    const terms = await chat.replies((t) => /AGREE/.test(t));
    expect(terms).toContain('Msg & data rates may apply');
    expect(terms).toContain('Reply STOP at any time');
    await chat.send('agree');
    expect(await chat.replies((t) => /Done/.test(t))).toContain(en('reminders.on', { last4: '0102' }));
    const consent = await app.db.selectFrom('reminderConsents').selectAll().where('personId', '=', 'P-1002').executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ phone: '+12125550102', channel: 'directline', kind: 'due', agreedWith: 'agree' });
    expect(terms).toContain(consent.wordsShown);
    // The code is never kept at rest.
    expect(JSON.stringify(await app.db.selectFrom('botState').selectAll().execute())).not.toContain(code);
    expect(JSON.stringify(await app.db.selectFrom('dlActivities').selectAll().execute())).not.toContain(code);

    await chat.send('reminders off');
    expect(await chat.replies((t) => /off/.test(t))).toContain(en('reminders.off'));
  }, 60_000);

  it('a wrong code turns nothing on', async () => {
    const count = async () => (await app.db.selectFrom('reminderConsents').select('id').where('personId', '=', 'P-1002').execute()).length;
    const before = await count();
    const chat = await signedIn();
    await chat.send('212-555-0102');
    await chat.replies((t) => /6-digit code/.test(t));
    const code = /\b(\d{6})\b/.exec(fake.sent.at(-1)?.body ?? '')?.[1] as string;
    await chat.send(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    expect(await chat.replies((t) => /code/.test(t))).toContain(en('reminders.code_failed'));
    expect(await count()).toBe(before);
  }, 60_000);
});
