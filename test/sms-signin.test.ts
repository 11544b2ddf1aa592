/**
 * "Sign in" by SMS: the NY.gov link comes by text, the parent signs in in the phone's browser, which
 * is never the chat's own browser: the page shows a 6-digit code, the parent texts it back, and the
 * bot carries on. Nothing is sent by itself (a local fake Twilio records any REST message), so a
 * forwarded link opens nothing. On a TTY no link is sent: the parent is told what works.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedirectingRequestClient } from '../channels/sms/twilio.js';
import { foldToGsm7 } from '../channels/text/render.js';
import { BAUDOT_SAFE } from '../channels/text/tty.js';
import { sayIn } from '../dialogs/messages.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { signInAtDevProvider } from './helpers/browser.js';
import { sendSms, startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

const OUR_NUMBER = '+12125550100';
const TTY_NUMBER = '+18668759975';
const MARIA = '+12125550101';
const JAMES = '+12125550102';
const KEISHA = '+16465550107';
const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]{43}/;

const en = sayIn('en');
/** Spanish as SMS sends it: accents outside GSM-7 folded (see foldToGsm7). */
const es = (key: string, vars?: Record<string, string | number>) => foldToGsm7(sayIn('es')(key, vars));

describe('sign-in from SMS: the code from the sign-in page, texted back, continues the conversation', () => {
  let app: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  const text = (from: string, body: string, to = OUR_NUMBER) => sendSms(app.baseUrl, { from, to, body });

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp(
      { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: OUR_NUMBER, TTY_NUMBERS: TTY_NUMBER },
      { twilioHttpClient: new RedirectingRequestClient(fake.url) },
    );
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  const countTo = (to: string): number => fake.sent.filter((m) => m.to === to).length;

  /** Signs in at the provider and returns the 6-digit code the page showed. */
  async function signInForCode(link: string, login: string, password: string): Promise<string> {
    const html = await signInAtDevProvider(link, login, password);
    const code = /data-signin-code="(\d{6})"/.exec(html)?.[1];
    if (code === undefined) throw new Error('the sign-in page showed no code');
    return code;
  }

  async function linkFrom(from: string, body: string): Promise<string> {
    const answer = await text(from, body);
    expect(answer.status).toBe(200);
    const link = SIGN_IN_LINK.exec(answer.messages.join('\n'))?.[0];
    if (link === undefined) throw new Error(`no sign-in link in ${JSON.stringify(answer.messages)}`);
    // The link must reach the parent whole: a page cut never splits it.
    return link;
  }

  it('Maria texts "sign in", gets the NY.gov link, signs in, and the SMS conversation continues to linking, then her balance', async () => {
    const link = await linkFrom(MARIA, 'sign in');
    expect(link).toBeDefined();
    const code = await signInForCode(link, 'maria.lopez@example.com', 'demo-maria-1');
    // The phone's browser is not the chat: nothing is sent until the code comes back by text.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(countTo(MARIA)).toBe(0);

    // Spaces in the code are fine, as a parent may copy it.
    const continued = await text(MARIA, `${code.slice(0, 3)} ${code.slice(3)}`);
    const body = continued.messages.join('\n');
    expect(body).not.toContain(code);
    // First time with this NY.gov ID: linking, by SSN and PIN, as on the web.
    expect(body).toContain(en('linking.intro'));
    expect(body).toContain(en('linking.ask_ssn'));

    const pinAsked = await text(MARIA, '900-11-1001');
    expect(pinAsked.messages.join('\n')).toContain(en('linking.ask_pin'));
    const linked = await text(MARIA, '24680');
    expect(linked.messages.join('\n')).toContain(en('linking.success'));
    const balance = await text(MARIA, 'balance');
    expect(balance.messages.join('\n')).toContain('$1,125.00');
    expect(balance.messages.join('\n')).not.toMatch(SIGN_IN_LINK);
    expect(JSON.stringify(fake.sent)).not.toMatch(/900-?11-?1001|24680/);
  }, 60_000);

  it('Maria signs in again by SMS after signing out: the continuation says she is signed in', async () => {
    expect((await text(MARIA, 'sign out')).messages.join('\n')).toContain(en('sign_out.done'));
    const link = await linkFrom(MARIA, 'sign in');
    const code = await signInForCode(link, 'maria.lopez@example.com', 'demo-maria-1');
    const body = (await text(MARIA, code)).messages.join('\n');
    expect(body).toContain(en('auth.signed_in'));
    expect(body).not.toContain(en('linking.ask_ssn'));
    expect((await text(MARIA, 'balance')).messages.join('\n')).toContain('$1,125.00');
  }, 60_000);

  it('an SMS session verified by SSN and PIN still gets the NY.gov link on "sign in" (documents need NY.gov)', async () => {
    await text(JAMES, 'balance');
    await text(JAMES, '900-11-1002');
    expect((await text(JAMES, '13579')).messages.join('\n')).toContain('$1,125.00');
    const answer = await text(JAMES, 'sign in');
    expect(answer.messages.join('\n')).toMatch(SIGN_IN_LINK);
    expect(answer.messages.join('\n')).not.toContain(en('auth.already_signed_in'));
  }, 30_000);

  it('in Spanish, James is continued in Spanish after signing in', async () => {
    const parent = '+12125550193';
    await text(parent, 'español');
    const link = await linkFrom(parent, 'iniciar sesión');
    const code = await signInForCode(link, 'james.carter@example.com', 'demo-james-1');
    // A wrong code first: the parent is told, and may type it again.
    const wrong = (await text(parent, code === '111111' ? '222222' : '111111')).messages.join('\n');
    expect(wrong.startsWith(es('auth.code_wrong').slice(0, 40))).toBe(true);
    // A long continuation may be paged: the rest on MORE.
    const pages = [...(await text(parent, code)).messages];
    for (let i = 0; i < 5 && (pages.at(-1) ?? '').endsWith(es('sms.more')); i += 1) pages.push(...(await text(parent, 'MORE')).messages);
    const body = pages.map((page) => page.replace(`\n${es('sms.more')}`, '')).join(' ').replace(/\s+/g, ' ');
    expect(body).toContain(es('linking.intro'));
    expect(body).toContain(es('linking.ask_ssn'));
    await text(parent, '900-11-1002');
    const linked = (await text(parent, '13579')).messages.join('\n');
    expect(linked.startsWith(es('linking.success').slice(0, 40))).toBe(true);
    expect((await text(parent, 'saldo')).messages.join('\n')).toContain('$1,125.00');
  }, 60_000);

  it('on a TTY number "sign in" sends no link: it says what works instead, ending GA, and asks for the SSN', async () => {
    const answer = await text(KEISHA, 'SIGN IN GA', TTY_NUMBER);
    expect(answer.messages).toHaveLength(1);
    const pages = [answer.messages[0] ?? ''];
    for (let i = 0; i < 5 && / MORE FOR THE REST\. GA$/.test(pages.at(-1) ?? ''); i += 1) {
      pages.push((await text(KEISHA, 'MORE GA', TTY_NUMBER)).messages[0] ?? '');
    }
    for (const page of pages) {
      expect(page).toMatch(BAUDOT_SAFE);
      expect(page).toMatch(/ GA$/);
    }
    const message = pages.join('\n');
    expect(message).not.toMatch(/https?:|\/SIGNIN\/|LINK NOT SHOWN/i);
    expect(message).toContain('CANNOT SEND A SIGN-IN LINK');
    expect(message).toMatch(/MAIL YOU A COPY/);
    expect(message).toMatch(/SOCIAL SECURITY NUMBER/);
    await text(KEISHA, '900-11-1007 GA', TTY_NUMBER);
    const done = (await text(KEISHA, '77889 GA', TTY_NUMBER)).messages.join('\n');
    expect(done).toMatch(BAUDOT_SAFE);
    expect(done).toContain(en('textVerify.verified').toUpperCase());
    expect(countTo(KEISHA)).toBe(0);
  }, 30_000);
});
