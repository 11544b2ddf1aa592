/**
 * A statement on a TTY, as Twilio drives it: Keisha texts the TTY number, verifies with SSN and PIN,
 * and gets the statement's figures as Baudot-safe text (no link), then a paper copy by mail with a
 * reference number.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BAUDOT_SAFE } from '../channels/text/tty.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';
import { startTestApp, type TestApp } from './helpers/app.js';

const OUR_NUMBER = '+12125550100';
const TTY_NUMBER = '+18668759975';
const KEISHA = '+16465550107';

describe('documents on a TTY over Twilio', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: OUR_NUMBER, TTY_NUMBERS: TTY_NUMBER });
  }, 60_000);
  afterAll(() => app.stop());

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
