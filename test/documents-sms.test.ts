/**
 * Documents by text, as Twilio drives them. SMS: James asks for his coupon, must sign in with NY.gov
 * (SSN and PIN alone do not open a PDF), and gets the link by text; opened on his phone (no chat
 * cookie) it asks for the NY.gov sign-in again. TTY: Keisha verifies with SSN and PIN and gets the
 * statement's figures as Baudot-safe text (no link), then a paper copy by mail with a reference.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedirectingRequestClient } from '../channels/sms/twilio.js';
import { BAUDOT_SAFE } from '../channels/text/tty.js';
import { sendSms, startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { signInAtDevProvider } from './helpers/browser.js';

const OUR_NUMBER = '+12125550100';
const TTY_NUMBER = '+18668759975';
const KEISHA = '+16465550107';
const JAMES = '+12125550102';
const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]{43}/;
const DOCUMENT_LINK = /https?:\/\/[^\s)"\]]+\/documents\/[A-Za-z0-9_-]{43}/;

describe('documents by SMS and TTY over Twilio', () => {
  let app: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;

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

  it('James texts "coupon": a NY.gov sign-in first, then the link by text, which asks a phone for NY.gov again', async () => {
    const text = async (body: string): Promise<string> => (await sendSms(app.baseUrl, { from: JAMES, to: OUR_NUMBER, body })).messages.join('\n');
    const asked = await text('coupon');
    const link = SIGN_IN_LINK.exec(asked)?.[0];
    expect(link).toBeDefined();
    // A phone's browser is not a chat's: the page shows a code, which James texts back.
    const page = await signInAtDevProvider(link as string, 'james.carter@example.com', 'demo-james-1');
    const code = /data-signin-code="(\d{6})"/.exec(page)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(await text(code as string)).toMatch(/Social Security/);
    await text('900-11-1002');
    const answer = `${await text('13579')}\n${fake.sent.filter((m) => m.to === JAMES).map((m) => m.body).join('\n')}`;
    const document = DOCUMENT_LINK.exec(answer)?.[0];
    expect(document).toBeDefined();
    expect(answer).toMatch(/Your payment coupon \(As of November 20, 2026\) is ready:\s+http/);
    const opened = await fetch(document as string, { redirect: 'manual' });
    expect(opened.status).toBe(403);
    expect(opened.headers.get('content-type')).toMatch(/text\/html/);
    expect(await opened.text()).toContain('Sign in with NY.gov');
  }, 90_000);

  it("Keisha's October statement as text: $1,950.00, $450.00, $300.00, $2,100.00, and a mailed copy's reference", async () => {
    const text = async (body: string): Promise<string> => (await sendSms(app.baseUrl, { from: KEISHA, to: TTY_NUMBER, body })).messages.join('\n');
    expect(await text('STATEMENT GA')).toMatch(/SOCIAL SECURITY/);
    await text('900-11-1007 GA');
    const answer = await text('77889 GA');
    expect(answer).toContain('STATEMENT FOR OCTOBER 2026, CASE CS22000404: OPENING BALANCE $1,950.00, SUPPORT CHARGED $450.00, PAYMENTS $300.00, CLOSING BALANCE $2,100.00.');
    expect(answer).not.toMatch(/HTTP|DOCUMENTS\//);
    expect(answer).toMatch(/PAPER COPY/);
    const mailed = await text('YES GA');
    expect(mailed).toMatch(/YOUR REFERENCE NUMBER IS DOC-\d+/);
    for (const message of [answer, mailed]) expect(message).toMatch(BAUDOT_SAFE);
  }, 60_000);
});
