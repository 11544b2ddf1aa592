/**
 * Reminder consents and the send queue (see the reminders migration). Consents are never deleted:
 * ending one stamps `ended_at`, so the record of what a parent agreed to, and when it stopped,
 * stays. A send is claimed in the database before Twilio is called: the unique key on (person,
 * number, kind, subject) makes a second run, a second instance or a restart find it taken; the
 * partial unique index on (number, New York day) keeps it to one text a day per number.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Frequency, Locale, ReminderSendKind } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type ConsentKind = 'due' | 'disbursement';

export interface ReminderConsent {
  readonly id: string;
  readonly personId: string;
  readonly phone: string;
  readonly phoneHash: string;
  readonly kind: ConsentKind;
  readonly locale: Locale;
  readonly tty: boolean;
  /** The number of ours the parent texted; null: the default sender. */
  readonly ourNumber: string | null;
  readonly channel: string;
  readonly consentedAt: Date;
}

export interface NewConsent {
  readonly personId: string;
  readonly phone: string;
  readonly phoneHash: string;
  readonly kind: ConsentKind;
  readonly locale: Locale;
  readonly tty: boolean;
  /** The number of ours the parent texted (SMS); none: the default sender. */
  readonly ourNumber?: string | null;
  readonly channel: string;
  /** The exact text the parent was shown before agreeing. */
  readonly wordsShown: string;
  /** What the parent answered (the agreement word, never account data). */
  readonly agreedWith: string;
}

const CONSENT_COLUMNS = ['id', 'personId', 'phone', 'phoneHash', 'kind', 'locale', 'tty', 'ourNumber', 'channel', 'consentedAt'] as const;

/** Records an agreement; an earlier active one for the same person, number and kind is ended by it. */
export async function recordConsent(db: Kysely<Database>, consent: NewConsent, now: Date): Promise<ReminderConsent> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('reminderConsents')
      .set({ endedAt: now, endedVia: 'renewed' })
      .where('personId', '=', consent.personId)
      .where('phoneHash', '=', consent.phoneHash)
      .where('kind', '=', consent.kind)
      .where('endedAt', 'is', null)
      .execute();
    return trx
      .insertInto('reminderConsents')
      .values({ id: randomUUID(), ...consent, ourNumber: consent.ourNumber ?? null, consentedAt: now })
      .returning([...CONSENT_COLUMNS])
      .executeTakeFirstOrThrow();
  });
}

/** Ends the active consents of a person, or of a number (an SMS "stop reminders"). Returns how many. */
export async function endConsents(db: Executor, who: { readonly personId?: string; readonly phoneHash?: string }, via: string, now: Date): Promise<number> {
  if (who.personId === undefined && who.phoneHash === undefined) return 0;
  let query = db.updateTable('reminderConsents').set({ endedAt: now, endedVia: via }).where('endedAt', 'is', null);
  if (who.personId !== undefined) query = query.where('personId', '=', who.personId);
  if (who.phoneHash !== undefined) query = query.where('phoneHash', '=', who.phoneHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listActiveConsents(db: Executor, who: { readonly personId?: string; readonly phoneHash?: string }): Promise<ReminderConsent[]> {
  if (who.personId === undefined && who.phoneHash === undefined) return [];
  let query = db.selectFrom('reminderConsents').select([...CONSENT_COLUMNS]).where('endedAt', 'is', null);
  if (who.personId !== undefined) query = query.where('personId', '=', who.personId);
  if (who.phoneHash !== undefined) query = query.where('phoneHash', '=', who.phoneHash);
  return query.orderBy('consentedAt').execute();
}

export interface DueCandidate {
  readonly consent: ReminderConsent;
  /** The number replied STOP (as the pass began): nothing may be sent to it. */
  readonly optedOut: boolean;
  readonly caseNumber: string;
  readonly nextDueDate: string | null;
  readonly amountCents: number;
  readonly frequency: Frequency;
}

/** Every active "payment due" consent with each case its person pays on (the paying side only). */
export async function listDueCandidates(db: Executor): Promise<DueCandidate[]> {
  const rows = await db
    .selectFrom('reminderConsents as rc')
    .innerJoin('caseParties as cp', (join) => join.onRef('cp.personId', '=', 'rc.personId').on('cp.role', '=', 'noncustodial'))
    .innerJoin('cases as c', 'c.caseNumber', 'cp.caseNumber')
    .leftJoin('smsOptOuts as o', 'o.phoneHash', 'rc.phoneHash')
    .select([
      'o.phoneHash as optedOutHash',
      'rc.id as id',
      'rc.personId as personId',
      'rc.phone as phone',
      'rc.phoneHash as phoneHash',
      'rc.kind as kind',
      'rc.locale as locale',
      'rc.tty as tty',
      'rc.ourNumber as ourNumber',
      'rc.channel as channel',
      'rc.consentedAt as consentedAt',
      'c.caseNumber as caseNumber',
      'c.nextDueDate as nextDueDate',
      'c.nextDueAmountCents as nextDueAmountCents',
      'c.orderAmountCents as orderAmountCents',
      'c.orderFrequency as frequency',
    ])
    .where('rc.kind', '=', 'due')
    .where('rc.endedAt', 'is', null)
    .orderBy('rc.consentedAt')
    .orderBy('c.caseNumber')
    .execute();
  return rows.map((r) => ({
    consent: { id: r.id, personId: r.personId, phone: r.phone, phoneHash: r.phoneHash, kind: r.kind, locale: r.locale, tty: r.tty, ourNumber: r.ourNumber, channel: r.channel, consentedAt: r.consentedAt },
    optedOut: r.optedOutHash !== null,
    caseNumber: r.caseNumber,
    nextDueDate: r.nextDueDate,
    amountCents: r.nextDueAmountCents ?? r.orderAmountCents,
    frequency: r.frequency,
  }));
}

export interface DisbursementCandidate {
  readonly consent: ReminderConsent;
  readonly optedOut: boolean;
  readonly disbursementId: string;
  readonly issuedOn: string;
}

/** Disbursements issued from `fromDay` to `toDay` on cases where the consenting person receives. */
export async function listDisbursementCandidates(db: Executor, fromDay: string, toDay: string): Promise<DisbursementCandidate[]> {
  const rows = await db
    .selectFrom('reminderConsents as rc')
    .innerJoin('caseParties as cp', (join) => join.onRef('cp.personId', '=', 'rc.personId').on('cp.role', '=', 'custodial'))
    .innerJoin('disbursements as d', 'd.caseNumber', 'cp.caseNumber')
    .leftJoin('smsOptOuts as o', 'o.phoneHash', 'rc.phoneHash')
    .select([
      'o.phoneHash as optedOutHash',
      'rc.id as id',
      'rc.personId as personId',
      'rc.phone as phone',
      'rc.phoneHash as phoneHash',
      'rc.kind as kind',
      'rc.locale as locale',
      'rc.tty as tty',
      'rc.ourNumber as ourNumber',
      'rc.channel as channel',
      'rc.consentedAt as consentedAt',
      'd.id as disbursementId',
      'd.issuedOn as issuedOn',
    ])
    .where('rc.kind', '=', 'disbursement')
    .where('rc.endedAt', 'is', null)
    .where('d.issuedOn', '>=', fromDay)
    .where('d.issuedOn', '<=', toDay)
    .orderBy('d.issuedOn')
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({
    consent: { id: r.id, personId: r.personId, phone: r.phone, phoneHash: r.phoneHash, kind: r.kind, locale: r.locale, tty: r.tty, ourNumber: r.ourNumber, channel: r.channel, consentedAt: r.consentedAt },
    optedOut: r.optedOutHash !== null,
    disbursementId: r.disbursementId,
    issuedOn: r.issuedOn,
  }));
}

/** Whether any payment on the case was received from `fromDay` to `toDay` (inclusive). */
export async function paymentReceived(db: Executor, caseNumber: string, fromDay: string, toDay: string): Promise<boolean> {
  const row = await db
    .selectFrom('payments')
    .select('id')
    .where('caseNumber', '=', caseNumber)
    .where('receivedOn', '>=', fromDay)
    .where('receivedOn', '<=', toDay)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface SendKey {
  readonly consentId: string;
  readonly personId: string;
  readonly phoneHash: string;
  readonly kind: ReminderSendKind;
  readonly subject: string;
}

/** claimed: ours to send; done: sent (or given up) before; busy: another worker holds it or it waits for a retry; daily: the number already had its text today. */
export type Claim = { readonly outcome: 'claimed'; readonly id: string; readonly attempts: number } | { readonly outcome: 'done' | 'busy' | 'daily' };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/**
 * Claims a send for `day` (New York) with a lease. A new key is inserted as claimed; a failed one whose
 * wait is over, or a claim whose lease ran out (its worker died between claim and send), is taken again.
 */
export async function claimSend(db: Executor, key: SendKey, { now, day, leaseMs }: { now: Date; day: string; leaseMs: number }): Promise<Claim> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const inserted = await db
    .insertInto('reminderSends')
    .values({ ...key, status: 'claimed', day, leaseUntil, updatedAt: now })
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'attempts'])
    .executeTakeFirst();
  if (inserted !== undefined) return { outcome: 'claimed', id: inserted.id, attempts: inserted.attempts };
  const existing = await db
    .selectFrom('reminderSends')
    .select(['id', 'status'])
    .where('personId', '=', key.personId)
    .where('phoneHash', '=', key.phoneHash)
    .where('kind', '=', key.kind)
    .where('subject', '=', key.subject)
    .executeTakeFirst();
  // Nothing under this key, yet the insert did nothing: the number's daily slot is taken.
  if (existing === undefined) return { outcome: 'daily' };
  if (existing.status === 'sent' || existing.status === 'dead') return { outcome: 'done' };
  try {
    const taken = await db
      .updateTable('reminderSends')
      .set({ status: 'claimed', day, leaseUntil, updatedAt: now })
      .where('id', '=', existing.id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'failed'), eb('nextAttemptAt', '<=', now)]),
          eb.and([eb('status', '=', 'claimed'), eb('leaseUntil', '<', now)]),
        ]),
      )
      .returning(['id', 'attempts'])
      .executeTakeFirst();
    return taken === undefined ? { outcome: 'busy' } : { outcome: 'claimed', id: taken.id, attempts: taken.attempts };
  } catch (error) {
    if (isUniqueViolation(error)) return { outcome: 'daily' };
    throw error;
  }
}

export async function markSendSent(db: Executor, id: string, messageSid: string | null, now: Date): Promise<void> {
  await db
    .updateTable('reminderSends')
    .set((eb) => ({ status: 'sent', messageSid, leaseUntil: null, nextAttemptAt: null, attempts: eb('attempts', '+', 1), updatedAt: now }))
    .where('id', '=', id)
    .execute();
}

/**
 * A failed attempt: retried after `retryAt`, or given up (`dead`) when null. A failed row leaves the
 * number's daily slot free, so another reminder of the day may still go out.
 */
export async function markSendFailed(db: Executor, id: string, { errorCode, retryAt, now }: { errorCode: string; retryAt: Date | null; now: Date }): Promise<void> {
  await db
    .updateTable('reminderSends')
    .set((eb) => ({
      status: retryAt === null ? 'dead' : 'failed',
      errorCode,
      leaseUntil: null,
      nextAttemptAt: retryAt,
      attempts: eb('attempts', '+', 1),
      updatedAt: now,
    }))
    .where('id', '=', id)
    .execute();
}

/** Twilio's delivery status callback for a reminder; false when the MessageSid is not one of ours. */
export async function recordDeliveryStatus(db: Executor, messageSid: string, status: string, errorCode: string | null, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('reminderSends')
    .set({ deliveryStatus: status, ...(errorCode === null ? {} : { errorCode }), updatedAt: now })
    .where('messageSid', '=', messageSid)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface SendRow {
  readonly kind: ReminderSendKind;
  readonly subject: string;
  readonly status: string;
  readonly attempts: number;
  readonly day: string;
  readonly messageSid: string | null;
  readonly deliveryStatus: string | null;
}

/** For tests and support: the sends of a person, oldest first. */
export async function listSends(db: Executor, personId: string): Promise<SendRow[]> {
  return db
    .selectFrom('reminderSends')
    .select(['kind', 'subject', 'status', 'attempts', 'day', 'messageSid', 'deliveryStatus'])
    .where('personId', '=', personId)
    .orderBy('id')
    .execute();
}
