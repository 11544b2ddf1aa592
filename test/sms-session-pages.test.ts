/**
 * Regression for "SMS MORE after the session expired returns the next page of payments": pages of
 * an account answer live only as long as the verified session they were produced under, on MORE
 * and at rest. Against the real server, with the application's clock moved past the idle limit.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deleteStalePages } from '../db/repositories/sms.js';
import { SESSION_IDLE_MS } from '../db/repositories/sessions.js';
import { sayIn } from '../dialogs/messages.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createSmsHashes } from '../channels/sms/routes.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

const OUR_NUMBER = '+12125550100';
/** The secret the SMS hashes are keyed with, so the test can find the conversation row. */
const SESSION_SECRET = 'test-session-secret-for-sms-pages-000000';

describe('SMS pages die with the verified session', () => {
  let app: TestApp;
  let offsetMs = 0;
  const hashes = createSmsHashes(SESSION_SECRET);
  const text = (from: string, body: string) => sendSms(app.baseUrl, { from, to: OUR_NUMBER, body });
  const rowOf = (from: string) =>
    app.db.selectFrom('smsConversations').selectAll().where('id', '=', hashes.conversationId(from, OUR_NUMBER)).executeTakeFirstOrThrow();

  beforeAll(async () => {
    app = await startTestApp(
      { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: OUR_NUMBER, SESSION_SECRET },
      { now: () => new Date(Date.now() + offsetMs) },
    );
  }, 60_000);
  afterAll(() => app.stop());

  /** James verifies by SSN and PIN and asks for his payments: more than one page. */
  async function paymentsWithPages(from: string): Promise<string> {
    await text(from, 'balance');
    await text(from, '900-11-1002');
    expect((await text(from, '13579')).messages.join('\n')).toContain('$1,125.00');
    const first = (await text(from, 'payments')).messages.join('\n');
    expect(first).toMatch(/Reply MORE for the rest\.$/);
    expect((await rowOf(from)).pages.length).toBeGreaterThan(0);
    return first;
  }

  it('MORE while the session is live gives the next page', async () => {
    const james = '+12125550182';
    await paymentsWithPages(james);
    const next = await text(james, 'MORE');
    expect(next.messages).toHaveLength(1);
    expect(next.messages[0]).toMatch(/\$\d/);
  }, 60_000);

  it('MORE after the 15-minute idle limit shows no account data, says how to verify again, and the pages are deleted', async () => {
    const james = '+12125550183';
    await paymentsWithPages(james);
    offsetMs += SESSION_IDLE_MS + 60_000;
    const more = await text(james, 'MORE');
    expect(more.messages).toEqual([sayIn('en')('account.session_ended')]);
    expect(more.messages.join('')).not.toMatch(/\$\d/);
    const row = await rowOf(james);
    expect(row.pages).toEqual([]);
    expect(row.replySessionId).toBeNull();
    // And again: the waiting payment history does not turn its page without the session either.
    expect((await text(james, 'MORE')).messages).toEqual([sayIn('en')('account.session_ended')]);
  }, 60_000);

  it('the sweep deletes pages at rest once their session is over, without a MORE', async () => {
    const james = '+12125550184';
    await paymentsWithPages(james);
    expect(await deleteStalePages(app.db, new Date(Date.now() + offsetMs))).toBe(0);
    expect((await rowOf(james)).pages.length).toBeGreaterThan(0);
    offsetMs += SESSION_IDLE_MS + 60_000;
    // Any text from anyone runs the opportunistic sweep (at most once a minute per instance).
    await text('+12125550185', 'hello');
    const row = await rowOf(james);
    expect(row.pages).toEqual([]);
    expect(row.choices).toEqual([]);
  }, 60_000);

  it('sign out deletes the pending pages at once', async () => {
    const james = '+12125550186';
    await paymentsWithPages(james);
    await text(james, 'sign out');
    expect((await rowOf(james)).pages).toEqual([]);
  }, 60_000);
});
