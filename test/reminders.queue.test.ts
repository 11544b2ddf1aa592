/**
 * The send queue's guarantees, on PGlite and PostgreSQL: two passes at once send one text; a claim
 * left by a crash is taken again once its lease runs out; a failed send waits (backoff) and is
 * retried; one parent's failure does not hold back another's; one text a day per number; quiet
 * hours; no due date; TTY and the parent's language.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runReminders, retryDelayMs, type ReminderSender, type ReminderText } from '../channels/reminders/ReminderRunner.js';
import { BAUDOT_SAFE } from '../channels/text/tty.js';
import { smsUnits } from '../channels/text/render.js';
import { claimSend, listSends, recordConsent, type ConsentKind } from '../db/repositories/reminders.js';
import { seedDemoIfEmpty } from '../db/seed.js';
import type { Locale } from '../db/schema.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from './helpers/database.js';

const FROM = '+12125550100';
const KEY = 'test-ssn-hmac-key-0123456789abcdef0123456789';
/** 10:00 in New York. */
const at = (day: string, hourUtc = 15): Date => new Date(`${day}T${String(hourUtc).padStart(2, '0')}:00:00Z`);

class StubSender implements ReminderSender {
  readonly sent: ReminderText[] = [];
  /** Numbers whose sends fail (Twilio down for them, say). */
  readonly failing = new Set<string>();
  delayMs = 0;
  async send(text: ReminderText): Promise<{ sid: string }> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failing.has(text.to)) throw Object.assign(new Error('service unavailable'), { code: 20503 });
    this.sent.push(text);
    return { sid: `SM${String(this.sent.length).padStart(32, '0')}` };
  }
}

describe.each(databaseKinds())('reminder queue on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await seedDemoIfEmpty(t.db, { ssnHmacKey: KEY });
  }, 60_000);
  afterAll(() => t.close());

  const consent = (personId: string, phone: string, kindOf: ConsentKind, extra: { locale?: Locale; tty?: boolean; ourNumber?: string } = {}) =>
    recordConsent(
      t.db,
      { personId, phone, phoneHash: `hash:${phone}`, kind: kindOf, locale: extra.locale ?? 'en', tty: extra.tty ?? false, ourNumber: extra.ourNumber ?? null, channel: 'sms', wordsShown: 'terms', agreedWith: 'AGREE' },
      new Date('2026-11-20T15:00:00Z'),
    );

  it('two passes at the same moment send one text; a third sends nothing', async () => {
    // James: CS24000101, due 2026-11-27, $125.00.
    await consent('P-1002', '+12125550102', 'due');
    const sender = new StubSender();
    sender.delayMs = 20;
    const deps = { db: t.db, sender, from: FROM, statusCallback: null };
    const [a, b] = await Promise.all([runReminders(deps, at('2026-11-24')), runReminders(deps, at('2026-11-24'))]);
    expect(a.sent + b.sent).toBe(1);
    expect(sender.sent).toHaveLength(1);
    expect((await runReminders(deps, at('2026-11-24'))).sent).toBe(0);
    expect(sender.sent[0]?.body).toContain('$125.00');
  });

  it('a claim left by a crash is sent once its lease runs out, not before', async () => {
    // Hao (zh-Hans) pays on CS23000202, due 2026-12-01, $600.00. A worker claimed it and died.
    const c = await consent('P-1004', '+17185550104', 'due', { locale: 'zh-Hans' });
    const crashed = await claimSend(t.db, { consentId: c.id, personId: 'P-1004', phoneHash: c.phoneHash, kind: 'due', subject: 'CS23000202:2026-12-01' }, { now: at('2026-11-28'), day: '2026-11-28', leaseMs: 5 * 60_000 });
    expect(crashed.outcome).toBe('claimed');
    const sender = new StubSender();
    const deps = { db: t.db, sender, from: FROM, statusCallback: null };
    const toHao = () => sender.sent.filter((s) => s.to === '+17185550104');
    await runReminders(deps, new Date(at('2026-11-28').getTime() + 60_000));
    expect(toHao()).toHaveLength(0);
    await runReminders(deps, new Date(at('2026-11-28').getTime() + 6 * 60_000));
    expect(toHao()).toHaveLength(1);
    await runReminders(deps, new Date(at('2026-11-28').getTime() + 20 * 60_000));
    expect(toHao()).toHaveLength(1);
    const [text] = toHao();
    // In his language, one segment (70 UCS-2 characters).
    expect(text?.body).toContain('$600.00');
    expect(text?.body).toContain('2026年12月1日');
    expect(smsUnits(text?.body ?? '').units).toBeLessThanOrEqual(smsUnits(text?.body ?? '').budget);
  });

  it('a failed send waits with backoff and is retried; it never holds back another parent', async () => {
    // Robert pays on CS22000404 (due 2026-11-27); his texts fail. Tom (CS26000505, due 2026-12-15)
    // later goes through in a pass where Robert's still fail.
    await consent('P-1006', '+13475550106', 'due');
    await consent('P-1008', '+16465550108', 'due', { locale: 'es' });
    const sender = new StubSender();
    sender.failing.add('+13475550106');
    const deps = { db: t.db, sender, from: FROM, statusCallback: null };
    const first = await runReminders(deps, at('2026-11-24'));
    expect(first.failed).toBe(1);
    expect(sender.sent.map((s) => s.to)).toEqual([]);
    const robert = await listSends(t.db, 'P-1006');
    expect(robert.map((s) => [s.status, s.attempts])).toEqual([['failed', 1]]);
    // Before the backoff is over nothing is tried again.
    sender.failing.clear();
    expect((await runReminders(deps, new Date(at('2026-11-24').getTime() + 30_000))).sent).toBe(0);
    const retried = await runReminders(deps, new Date(at('2026-11-24').getTime() + retryDelayMs(1) + 1000));
    expect(retried.sent).toBe(1);
    expect((await listSends(t.db, 'P-1006')).map((s) => [s.status, s.attempts])).toEqual([['sent', 2]]);

    // Tom's due date comes; Robert's failure earlier held nobody back: Tom in Spanish, one GSM segment.
    sender.failing.add('+13475550106');
    const tom = await runReminders(deps, at('2026-12-12'));
    expect(tom.sent).toBe(1);
    const body = sender.sent.at(-1)?.body ?? '';
    expect(body).toContain('$400.00');
    expect(body).toContain('15 de diciembre de 2026');
    expect(smsUnits(body).units).toBeLessThanOrEqual(160);
  });

  it('one text a day per number: the second due date waits for the next day', async () => {
    // Robert pays on two cases; both fall due within three days of the 18th.
    await t.db.updateTable('cases').set({ nextDueDate: '2026-12-20' }).where('caseNumber', '=', 'CS22000404').execute();
    await t.db.updateTable('cases').set({ nextDueDate: '2026-12-21' }).where('caseNumber', '=', 'CS25000303').execute();
    const sender = new StubSender();
    const deps = { db: t.db, sender, from: FROM, statusCallback: null };
    const toRobert = () => sender.sent.filter((s) => s.to === '+13475550106');
    const day1 = await runReminders(deps, at('2026-12-18'));
    expect(toRobert()).toHaveLength(1);
    expect(day1.skipped.daily_limit).toBe(1);
    await runReminders(deps, at('2026-12-18', 20));
    expect(toRobert()).toHaveLength(1);
    await runReminders(deps, at('2026-12-19'));
    expect(toRobert()).toHaveLength(2);
    expect(toRobert().map((s) => s.body.includes('December 20, 2026') || s.body.includes('December 21, 2026'))).toEqual([true, true]);
  });

  it('quiet hours count as skipped and claim nothing; no due date is skipped; TTY numbers get Baudot and GA', async () => {
    await t.db.updateTable('cases').set({ nextDueDate: null }).where('caseNumber', '=', 'CS25000303').execute();
    // Keisha (P-1007) prefers TTY; she is custodial on CS22000404: a disbursement on the 30th.
    // She texted our TTY line: her reminders come from it.
    await consent('P-1007', '+16465550107', 'disbursement', { tty: true, ourNumber: '+18668759975' });
    await t.db.insertInto('disbursements').values({ id: 'DSB-Q-1', caseNumber: 'CS22000404', paymentId: null, issuedOn: '2026-11-30', amountCents: 15000, method: 'check' }).execute();
    const sender = new StubSender();
    const deps = { db: t.db, sender, from: FROM, statusCallback: null };
    const night = await runReminders(deps, new Date('2026-12-01T03:30:00Z'));
    expect(night.sent).toBe(0);
    expect(night.skipped.quiet_hours).toBeGreaterThanOrEqual(1);
    expect(night.skipped.no_due_date).toBeGreaterThanOrEqual(1);
    expect(sender.sent).toHaveLength(0);
    const morning = await runReminders(deps, new Date('2026-12-01T13:05:00Z'));
    expect(morning.sent).toBeGreaterThanOrEqual(1);
    const keisha = sender.sent.find((s) => s.to === '+16465550107');
    expect(keisha?.from).toBe('+18668759975');
    expect(keisha?.body).toMatch(BAUDOT_SAFE);
    expect(keisha?.body).toMatch(/ GA$/);
    expect(keisha?.body).toContain('NOVEMBER 30, 2026');
  });
});
