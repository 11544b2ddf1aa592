/**
 * One pass of the reminders: what is due at `now`, claimed in the database, then texted through
 * Twilio's REST API. The scheduler in the app and `npm run reminders -- --now` both run this same
 * pass, so a second run (or a second instance) finds every text already claimed and sends nothing.
 *
 * A job-queue library was the first idea; pg-boss and graphile-worker both need Node 22 and
 * neither runs on the embedded PGlite, so the queue is the `reminder_sends` table with claims and
 * leases, the office outbox's pattern (see the reminders migration).
 */
import type { Kysely } from 'kysely';
import { formatDate, formatMoney } from '../../dialogs/format.js';
import { sayIn, type Say } from '../../dialogs/messages.js';
import {
  claimSend,
  listDisbursementCandidates,
  listDueCandidates,
  markSendFailed,
  markSendSent,
  paymentReceived,
  type ReminderConsent,
  type SendKey,
} from '../../db/repositories/reminders.js';
import type { Database, Frequency, ReminderSendKind } from '../../db/schema.js';
import type { Logger } from '../logger.js';
import { renderTty } from '../text/tty.js';
import { addDays, newYorkClock } from './clock.js';

export interface ReminderText {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  /** Where Twilio posts the delivery status; null sends none. */
  readonly statusCallback: string | null;
}

export interface ReminderSender {
  /** Resolves with Twilio's MessageSid; rejects when Twilio refused or could not be reached. */
  send(text: ReminderText): Promise<{ readonly sid: string | null }>;
}

export type SkipReason = 'quiet_hours' | 'opted_out' | 'no_due_date' | 'daily_limit';

/** What the pass counts, for `/metrics`. */
export interface ReminderCounters {
  sent(kind: ReminderSendKind): void;
  skipped(reason: SkipReason): void;
  failed(kind: ReminderSendKind): void;
}

export interface ReminderRunnerDeps {
  readonly db: Kysely<Database>;
  readonly sender: ReminderSender;
  /** Our number (E.164), the one the parent can answer "balance" to. */
  readonly from: string;
  readonly statusCallback: string | null;
  readonly counters?: ReminderCounters | undefined;
  readonly logger?: Logger | undefined;
  /** How long a claim is ours before another worker may take it (a crash between claim and send). */
  readonly leaseMs?: number;
  /** Texts in flight at once. */
  readonly concurrency?: number;
  /** Attempts before a send is given up. */
  readonly maxAttempts?: number;
}

export interface RunResult {
  readonly sent: number;
  readonly failed: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
}

/** New York hours in which a reminder may go out: 8:00 up to 21:00. */
export const SEND_FROM_HOUR = 8;
export const SEND_UNTIL_HOUR = 21;
/** The "payment due" text goes out from this many days before the due date. */
export const DAYS_BEFORE = 3;
/** Days the "not received" text may still go out after the due date (it waits out quiet hours and the daily limit). */
const OVERDUE_WINDOW = 2;
/** Days a disbursement text may still go out after the disbursement was issued. */
const DISBURSEMENT_WINDOW = 3;
const PERIOD_DAYS: Readonly<Record<Frequency, number>> = { weekly: 7, biweekly: 14, monthly: 28 };

interface Job {
  readonly consent: ReminderConsent;
  readonly optedOut: boolean;
  readonly kind: ReminderSendKind;
  readonly subject: string;
  /** The text, in the consent's language, from its `say`. */
  readonly text: (say: Say) => string;
}

/** Backoff: 1, 2, 4, 8 … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** Twilio's "this number opted out" (21610) and "not a mobile number" (21614) never succeed later. */
const PERMANENT_TWILIO_CODES = new Set([21211, 21610, 21614]);

function errorCodeOf(error: unknown): { code: string; permanent: boolean } {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'number') return { code: `twilio_${code}`, permanent: PERMANENT_TWILIO_CODES.has(code) };
  if (typeof code === 'string') return { code, permanent: false };
  return { code: error instanceof Error ? error.name : 'unknown', permanent: false };
}

export function reminderBody(job: Pick<Job, 'consent' | 'text'>): string {
  // SMS wording: the reply word it names ("balance") is never a carrier keyword.
  const text = job.text(sayIn(job.consent.locale, 'sms'));
  return job.consent.tty ? renderTty(text) : text;
}

async function collectJobs(db: Kysely<Database>, day: string, skip: (reason: SkipReason) => void): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const c of await listDueCandidates(db)) {
    if (c.nextDueDate === null) {
      skip('no_due_date');
      continue;
    }
    const vars = { amount: formatMoney(c.amountCents), date: formatDate(c.nextDueDate, c.consent.locale) };
    const subject = `${c.caseNumber}:${c.nextDueDate}`;
    if (day >= addDays(c.nextDueDate, -DAYS_BEFORE) && day < c.nextDueDate) {
      jobs.push({ consent: c.consent, optedOut: c.optedOut, kind: 'due', subject, text: (say) => say('reminders.sms.due', { amount: vars.amount, date: vars.date }) });
    } else if (day > c.nextDueDate && day <= addDays(c.nextDueDate, OVERDUE_WINDOW)) {
      const since = addDays(c.nextDueDate, 1 - PERIOD_DAYS[c.frequency]);
      if (!(await paymentReceived(db, c.caseNumber, since, day))) {
        jobs.push({ consent: c.consent, optedOut: c.optedOut, kind: 'overdue', subject, text: (say) => say('reminders.sms.overdue', { amount: vars.amount, date: vars.date }) });
      }
    }
  }
  for (const d of await listDisbursementCandidates(db, addDays(day, -DISBURSEMENT_WINDOW), day)) {
    // Only money sent since the parent asked: the agreement is not a digest of the past.
    if (d.issuedOn < newYorkClock(d.consent.consentedAt).day) continue;
    const date = formatDate(d.issuedOn, d.consent.locale);
    jobs.push({ consent: d.consent, optedOut: d.optedOut, kind: 'disbursement', subject: d.disbursementId, text: (say) => say('reminders.sms.disbursement', { date }) });
  }
  return jobs;
}

/** Sends what is due at `now`; every parent's text is settled on its own, so one failure stops no other. */
export async function runReminders(deps: ReminderRunnerDeps, now: Date): Promise<RunResult> {
  const { db, sender, counters, logger } = deps;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const maxAttempts = deps.maxAttempts ?? 5;
  const skipped: Record<SkipReason, number> = { quiet_hours: 0, opted_out: 0, no_due_date: 0, daily_limit: 0 };
  const skip = (reason: SkipReason): void => {
    skipped[reason] += 1;
    counters?.skipped(reason);
  };
  let sent = 0;
  let failed = 0;
  const { day, hour } = newYorkClock(now);
  const jobs = await collectJobs(db, day, skip);
  if (hour < SEND_FROM_HOUR || hour >= SEND_UNTIL_HOUR) {
    // Nothing is claimed at night: the morning's first pass finds the same texts still due.
    for (let i = 0; i < jobs.length; i++) skip('quiet_hours');
    return { sent, failed, skipped };
  }

  const runJob = async (job: Job): Promise<void> => {
    // Read with the candidates, in the same query; a STOP during the pass is Twilio's to refuse (21610, given up at once).
    if (job.optedOut) {
      skip('opted_out');
      return;
    }
    const key: SendKey = { consentId: job.consent.id, personId: job.consent.personId, phoneHash: job.consent.phoneHash, kind: job.kind, subject: job.subject };
    const claim = await claimSend(db, key, { now, day, leaseMs });
    if (claim.outcome === 'daily') skip('daily_limit');
    if (claim.outcome !== 'claimed') return;
    try {
      const { sid } = await sender.send({ to: job.consent.phone, from: job.consent.ourNumber ?? deps.from, body: reminderBody(job), statusCallback: deps.statusCallback });
      await markSendSent(db, claim.id, sid, now);
      sent += 1;
      counters?.sent(job.kind);
    } catch (error) {
      const { code, permanent } = errorCodeOf(error);
      const attempts = claim.attempts + 1;
      const retryAt = permanent || attempts >= maxAttempts ? null : new Date(now.getTime() + retryDelayMs(attempts));
      await markSendFailed(db, claim.id, { errorCode: code, retryAt, now });
      failed += 1;
      counters?.failed(job.kind);
      logger?.warn({ code: 'reminder_send_failed', errorCode: code, kind: job.kind, attempts, retry: retryAt !== null }, 'reminder text failed');
    }
  };

  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      try {
        await runJob(job);
      } catch (error) {
        // The database failed for this one: log a code, leave its claim to the lease, go on.
        failed += 1;
        counters?.failed(job.kind);
        logger?.error({ code: 'reminder_job_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'reminder job failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 8) }, worker));
  return { sent, failed, skipped };
}
