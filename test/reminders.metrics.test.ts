/**
 * The app runs the reminders by itself (no command needed) and counts them in /metrics: sent by
 * kind, skipped by reason.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordConsent } from '../db/repositories/reminders.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

describe('the reminder scheduler and /metrics', () => {
  let app: TestApp;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  // 8:00 in New York, 3 days before James's 2026-11-27.
  let clock = new Date('2026-11-24T13:00:00Z');

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp(
      { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: '+12125550100', TWILIO_API_URL: fake.url, REMINDERS_INTERVAL_SECONDS: '1' },
      { now: () => clock },
    );
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  const metric = async (line: RegExp): Promise<number> => {
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    const found = text.split('\n').find((l) => line.test(l));
    return found === undefined ? 0 : Number(found.split(' ').at(-1));
  };
  const until = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  };

  it('sends James his text on its own and counts it; at night it counts the wait', async () => {
    const consent = { personId: 'P-1002', phone: '+12125550102', phoneHash: 'h', kind: 'due', locale: 'en', tty: false, channel: 'sms', wordsShown: 'terms', agreedWith: 'AGREE' } as const;
    await recordConsent(app.db, consent, new Date('2026-11-20T15:00:00Z'));
    await until(async () => (await metric(/^assistant_reminders_sent_total\{kind="due"\}/)) >= 1);
    expect(await metric(/^assistant_reminders_sent_total\{kind="due"\}/)).toBe(1);
    expect(fake.sent.filter((m) => m.to === '+12125550102')).toHaveLength(1);

    // 22:00 the next day: Maria's consent waits for the morning.
    clock = new Date('2026-11-26T03:00:00Z');
    await recordConsent(app.db, { ...consent, personId: 'P-1001', phone: '+12125550101', phoneHash: 'm', kind: 'disbursement' }, new Date('2026-11-20T15:00:00Z'));
    await app.db.insertInto('disbursements').values({ id: 'DSB-M-1', caseNumber: 'CS24000101', paymentId: null, issuedOn: '2026-11-25', amountCents: 12500, method: 'check' }).execute();
    await until(async () => (await metric(/^assistant_reminders_skipped_total\{reason="quiet_hours"\}/)) >= 1);
    expect(await metric(/^assistant_reminders_skipped_total\{reason="quiet_hours"\}/)).toBeGreaterThanOrEqual(1);
    expect(fake.sent.filter((m) => m.to === '+12125550101')).toHaveLength(0);
  }, 30_000);
});
