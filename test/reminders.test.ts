/**
 * Opt-in SMS reminders end to end: James texts "remind me" to the real server, verifies by SSN and
 * PIN, agrees, and the reminders command (a child process, as an operator or cron runs it) texts him
 * once, through Twilio's own REST client, at a local fake of Twilio's REST API. Then the rules: not at
 * night, never twice for one due date, nothing after STOP, again after START; Maria's "payment sent".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import twilio from 'twilio';
import { runReminders, type RunResult } from '../channels/reminders/ReminderRunner.js';
import { createTwilioReminderSender } from '../channels/reminders/twilioSender.js';
import { smsUnits } from '../channels/text/render.js';
import { listSends } from '../db/repositories/reminders.js';
import { translator } from '../locales/i18n.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createServerDatabase, databaseKinds, type DatabaseKind } from './helpers/database.js';
import { sendSms, startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

const run = promisify(execFile);
const OUR_NUMBER = '+12125550100';
const JAMES = '+12125550102';
const MARIA = '+12125550101';
/** The demo data's day: consents are given then. */
const DATA_DAY = new Date('2026-11-20T15:00:00Z');

interface Setup {
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A database the app and the command line both open: a folder for PGlite, a throwaway PostgreSQL database. */
async function databaseFor(kind: DatabaseKind): Promise<Setup> {
  if (kind === 'postgres') {
    const server = await createServerDatabase();
    return { env: { DATABASE_URL: server.url }, cleanup: () => server.drop() };
  }
  const dir = await mkdtemp(join(tmpdir(), 'reminders-'));
  return { env: { PGLITE_DIR: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function remindersCommand(env: Record<string, string>, now: string): Promise<string[]> {
  // Exactly what an operator types: the package script, in a process of its own.
  const { stdout } = await run('npm', ['run', '--silent', 'reminders', '--', '--now', now], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 60_000,
  });
  return stdout.trim().split('\n');
}

describe.each(databaseKinds())('SMS reminders on %s', (kind) => {
  let setup: Setup;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  let env: Record<string, string>;
  let app: TestApp | null = null;

  const start = async (): Promise<TestApp> => {
    app = await startTestApp(env, { now: () => DATA_DAY });
    return app;
  };
  const text = async (from: string, body: string): Promise<string> => {
    if (app === null) throw new Error('app not started');
    const pages: string[] = [];
    // A long answer comes a page at a time: read it all, as a parent replying MORE would.
    for (let next = body, i = 0; i < 10; i++, next = 'MORE') {
      const answer = await sendSms(app.baseUrl, { from, to: OUR_NUMBER, body: next });
      expect(answer.status).toBe(200);
      const joined = answer.messages.join('\n');
      pages.push(joined.replace(/\n?Reply MORE for the rest\.$/, ''));
      if (!/Reply MORE for the rest\.$/.test(joined)) break;
    }
    // Pages break between words: compare the words, not the line breaks.
    return pages.join(' ').replace(/\s+/g, ' ').trim();
  };
  const pass = (at: string): Promise<RunResult> => {
    if (app === null) throw new Error('app not started');
    return runReminders(
      { db: app.db, sender: createTwilioReminderSender({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, apiUrl: fake.url }), from: OUR_NUMBER, statusCallback: null },
      new Date(at),
    );
  };
  const sentTo = (to: string) => fake.sent.filter((m) => m.to === to);

  beforeAll(async () => {
    setup = await databaseFor(kind);
    fake = await startFakeTwilio();
    env = {
      ...setup.env,
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: OUR_NUMBER,
      TWILIO_API_URL: fake.url,
      REMINDERS_INTERVAL_SECONDS: '0',
      RETENTION_INTERVAL_SECONDS: '0',
    };
    await start();
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await fake.close();
    await setup.cleanup();
  }, 60_000);

  it('James texts "remind me", verifies, agrees; the command sends one text 3 days before, none at night, none twice', async () => {
    const t = translator('en');
    expect(await text(JAMES, 'remind me')).toMatch(/Social Security number/);
    expect(await text(JAMES, '900-11-1002')).toMatch(/PIN/);
    const terms = await text(JAMES, '13579');
    // What will be sent, how often, rates, STOP, and the agreement word, which is no carrier keyword.
    expect(terms).toContain('3 days before each payment is due');
    expect(terms).toContain('at most one text a day');
    expect(terms).toContain('Msg & data rates may apply');
    expect(terms).toContain('Reply STOP');
    expect(terms).toContain('type AGREE');
    expect(terms).toContain('ending in 0102');
    expect(await text(JAMES, 'AGREE')).toBe(t('reminders.on', { last4: '0102' }));
    expect(await text(JAMES, 'reminders')).toMatch(/Text reminders are on for the number ending in 0102 since November 20, 2026: payment due reminders/);

    // The regulator's record: who, the number, what, when, the words shown, the channel.
    const consent = await app!.db.selectFrom('reminderConsents').selectAll().where('personId', '=', 'P-1002').executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ phone: JAMES, ourNumber: OUR_NUMBER, kind: 'due', channel: 'sms', locale: 'en', agreedWith: 'AGREE', endedAt: null, tty: false });
    expect(terms).toContain(consent.wordsShown.replace(/\s+/g, ' '));
    expect(consent.consentedAt.toISOString()).toBe(DATA_DAY.toISOString());
    expect(fake.sent).toHaveLength(0);

    // The command line opens the same database: PGlite allows one process, so the app steps aside.
    await app!.stop();
    app = null;
    // 23:00 in New York on the 24th, 3 days before the 27th: it waits for the morning.
    expect((await remindersCommand(env, '2026-11-25T04:00:00Z')).at(-1)).toBe('sent: 0');
    expect((await remindersCommand(env, '2026-11-25T12:59:00Z')).at(-1)).toBe('sent: 0');
    expect(fake.sent).toHaveLength(0);
    const morning = await remindersCommand(env, '2026-11-25T13:00:00Z');
    expect(morning.at(-1)).toBe('sent: 1');
    expect(morning.join('\n')).not.toContain(JAMES);
    expect(sentTo(JAMES)).toHaveLength(1);
    const [reminder] = sentTo(JAMES);
    expect(reminder?.from).toBe(OUR_NUMBER);
    expect(reminder?.authorized).toBe(true);
    expect(reminder?.body).toBe(t('reminders.sms.due', { amount: '$125.00', date: 'November 27, 2026', balance: 'balance' }));
    expect(reminder?.body).not.toMatch(/CS24000101|1,125|Maria|Lopez/);
    expect(smsUnits(reminder?.body ?? '').units).toBeLessThanOrEqual(160);
    expect((await remindersCommand(env, '2026-11-25T13:00:00Z')).at(-1)).toBe('sent: 0');
    expect(fake.sent).toHaveLength(1);

    await start();
    // The next day, still before the 27th: the due date had its text.
    expect((await pass('2026-11-26T15:00:00Z')).sent).toBe(0);
    // "balance" in reply starts the usual verified conversation (the session above was in the app before).
    expect(await text(JAMES, 'balance')).toMatch(/\$1,125\.00|Social Security number/);
  }, 180_000);

  it('after STOP nothing more; START resumes: the day after the due date with no payment, "not received"', async () => {
    expect(await text(JAMES, 'STOP')).toBe('');
    const stopped = await pass('2026-11-28T15:00:00Z');
    expect(stopped.sent).toBe(0);
    expect(stopped.skipped.opted_out).toBe(1);
    expect(sentTo(JAMES)).toHaveLength(1);

    await text(JAMES, 'START');
    const resumed = await pass('2026-11-28T15:00:00Z');
    expect(resumed.sent).toBe(1);
    expect(sentTo(JAMES).at(-1)?.body).toBe(translator('en')('reminders.sms.overdue', { amount: '$125.00', date: 'November 27, 2026', balance: 'balance' }));
    expect((await pass('2026-11-29T15:00:00Z')).sent).toBe(0);
    expect((await listSends(app!.db, 'P-1002')).map((s) => [s.kind, s.status])).toEqual([
      ['due', 'sent'],
      ['overdue', 'sent'],
    ]);
  }, 60_000);

  it('Maria gets one text when a disbursement is sent; "reminders off" ends them', async () => {
    expect(await text(MARIA, 'text me when a payment is sent')).toMatch(/Social Security number/);
    await text(MARIA, '900-11-1001');
    const terms = await text(MARIA, '24680');
    expect(terms).toContain('A text when a payment is sent to you');
    expect(await text(MARIA, 'agree')).toContain('ending in 0101');

    await app!.db.insertInto('disbursements').values({ id: 'DSB-TEST-1', caseNumber: 'CS24000101', paymentId: null, issuedOn: '2026-11-30', amountCents: 12500, method: 'direct_deposit' }).execute();
    expect((await pass('2026-11-30T14:00:00Z')).sent).toBe(1);
    expect(sentTo(MARIA)).toHaveLength(1);
    expect(sentTo(MARIA)[0]?.body).toBe(translator('en')('reminders.sms.disbursement', { date: 'November 30, 2026', balance: 'balance' }));
    expect(sentTo(MARIA)[0]?.body).not.toMatch(/James|Carter|CS24000101|\$/);
    expect((await pass('2026-11-30T18:00:00Z')).sent).toBe(0);

    expect(await text(MARIA, 'reminders off')).toBe(translator('en')('reminders.off'));
    await app!.db.insertInto('disbursements').values({ id: 'DSB-TEST-2', caseNumber: 'CS24000101', paymentId: null, issuedOn: '2026-12-01', amountCents: 12500, method: 'direct_deposit' }).execute();
    expect((await pass('2026-12-01T14:00:00Z')).sent).toBe(0);
    expect(sentTo(MARIA)).toHaveLength(1);
    const ended = await app!.db.selectFrom('reminderConsents').select(['endedAt', 'endedVia']).where('personId', '=', 'P-1001').executeTakeFirstOrThrow();
    expect(ended.endedVia).toBe('sms_stop_reminders');
  }, 60_000);

  it('records a signed delivery status by MessageSid and refuses a forged one', async () => {
    const sent = await app!.db.selectFrom('reminderSends').select('messageSid').where('personId', '=', 'P-1001').executeTakeFirstOrThrow();
    const sid = sent.messageSid ?? '';
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    const url = `${app!.baseUrl}/api/sms/status`;
    const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: TEST_ACCOUNT_SID };
    const post = (token: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params) },
        body: new URLSearchParams(params).toString(),
      });
    expect((await post('not-the-auth-token-at-all-000000')).status).toBe(403);
    expect((await post(TEST_AUTH_TOKEN)).status).toBe(204);
    const row = await app!.db.selectFrom('reminderSends').select('deliveryStatus').where('messageSid', '=', sid).executeTakeFirstOrThrow();
    expect(row.deliveryStatus).toBe('delivered');
  });
});
