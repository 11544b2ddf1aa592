/**
 * The outbox of messages parents hand to their local office. A confirmation writes a `pending` row
 * (once, whatever happens to the turn: its idempotency key is unique) and a worker delivers it: the
 * worker claims the row with a lease, so two instances never send it at once and a row left by a
 * crashed worker is taken again once the lease runs out; a failed attempt is retried later, and after
 * the last one the row ends `failed` with an error code only (never the text of the error, which may
 * quote addresses). The office is reached only through the parent's own case.
 */
import { randomInt } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, OfficeMessagesTable } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type OfficeMessageStatus = 'pending' | 'sent' | 'failed';
export type OfficeChannelKind = 'web' | 'sms' | 'tty';

export interface Office {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** E.164, as the data extract holds it. */
  readonly phone: string;
  readonly address: string;
  readonly hours: string;
}

export interface OfficeMessage {
  readonly id: number;
  readonly reference: string;
  readonly officeId: string;
  readonly personId: string;
  readonly caseNumber: string | null;
  readonly channel: string;
  readonly channelKind: OfficeChannelKind;
  readonly locale: string;
  readonly body: string;
  readonly status: OfficeMessageStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly nextAttemptAt: Date;
  readonly leaseUntil: Date | null;
}

export interface NewOfficeMessage {
  /** Names the confirmation: a second queue call with the same key returns the first message. */
  readonly idempotencyKey: string;
  readonly officeId: string;
  readonly personId: string;
  readonly caseNumber: string;
  readonly channel: string;
  readonly channelKind: OfficeChannelKind;
  readonly locale: string;
  readonly body: string;
  readonly now: Date;
}

/**
 * Letters and digits a parent can read over the phone without doubt: no 0/O, no 1/I. Thirty-two of
 * them, five drawn at random from a cryptographic source, so no reference tells another.
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const REFERENCE_PATTERN = /^OCS-[2-9A-HJ-NP-Z]{5}$/;
const REFERENCE_LENGTH = 5;
/**
 * At most two digits: a reference must never look like a PIN (4 to 6 digits) to the masks on
 * transcripts and logs, even with its letters stripped. That still leaves 30 million references.
 */
const REFERENCE_MAX_DIGITS = 2;
/** A collision is one in millions; five in a row means something else is wrong. */
const REFERENCE_TRIES = 5;

/** `OCS-7K3QH`. */
export function newOfficeReference(): string {
  for (;;) {
    let code = '';
    for (let i = 0; i < REFERENCE_LENGTH; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
    if (code.replace(/\D/g, '').length <= REFERENCE_MAX_DIGITS) return `OCS-${code}`;
  }
}

function toMessage(row: Selectable<OfficeMessagesTable>): OfficeMessage {
  return {
    id: Number(row.id),
    reference: row.reference,
    officeId: row.officeId,
    personId: row.personId,
    caseNumber: row.caseNumber,
    channel: row.channel,
    channelKind: row.channelKind,
    locale: row.locale,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    nextAttemptAt: row.nextAttemptAt,
    leaseUntil: row.leaseUntil,
  };
}

/**
 * The office handling a case, only when the person is a party to it: a case number alone never
 * reveals an office address.
 */
export async function findCaseOffice(db: Executor, personId: string, caseNumber: string): Promise<Office | null> {
  const row = await db
    .selectFrom('caseParties as cp')
    .innerJoin('cases as c', 'c.caseNumber', 'cp.caseNumber')
    .innerJoin('offices as o', 'o.id', 'c.officeId')
    .select(['o.id as id', 'o.name as name', 'o.email as email', 'o.phone as phone', 'o.address as address', 'o.hours as hours'])
    .where('cp.personId', '=', personId)
    .where('cp.caseNumber', '=', caseNumber)
    .executeTakeFirst();
  return row ?? null;
}

/** The name the parent's office knows them by; null if there is no such person. */
export async function findPersonName(db: Executor, personId: string): Promise<{ firstName: string; lastName: string } | null> {
  const row = await db.selectFrom('people').select(['firstName', 'lastName']).where('id', '=', personId).executeTakeFirst();
  return row ?? null;
}

/** The office a queued message goes to (the case was checked when it was queued). */
export async function findOffice(db: Executor, officeId: string): Promise<Office | null> {
  const row = await db
    .selectFrom('offices')
    .select(['id', 'name', 'email', 'phone', 'address', 'hours'])
    .where('id', '=', officeId)
    .executeTakeFirst();
  return row ?? null;
}

export interface QueuedOfficeMessage {
  readonly message: OfficeMessage;
  /** False when this confirmation had already queued it: nothing new was written. */
  readonly created: boolean;
}

/**
 * Writes a `pending` message due at once, or returns the one this idempotency key already queued
 * (a doubled "yes", a retried post, a turn that died after queueing). Both unique indexes are left
 * to `on conflict do nothing`: if no row came back and none has this key, the random reference
 * collided and another is drawn. Two calls with the same key at the same moment wait on each other
 * in the index, so one writes and the other finds it.
 */
export async function queueOfficeMessage(
  db: Executor,
  message: NewOfficeMessage,
  options: { newReference?: () => string } = {},
): Promise<QueuedOfficeMessage> {
  const draw = options.newReference ?? newOfficeReference;
  for (let attempt = 0; attempt < REFERENCE_TRIES; attempt++) {
    const row = await db
      .insertInto('officeMessages')
      .values({
        reference: draw(),
        idempotencyKey: message.idempotencyKey,
        officeId: message.officeId,
        personId: message.personId,
        caseNumber: message.caseNumber,
        channel: message.channel,
        channelKind: message.channelKind,
        locale: message.locale,
        body: message.body,
        createdAt: message.now,
        nextAttemptAt: message.now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return { message: toMessage(row), created: true };
    const existing = await db.selectFrom('officeMessages').selectAll().where('idempotencyKey', '=', message.idempotencyKey).executeTakeFirst();
    if (existing !== undefined) return { message: toMessage(existing), created: false };
  }
  throw Object.assign(new Error('no free office message reference'), { code: 'reference_exhausted' });
}

/**
 * Takes the oldest due message for one attempt: `pending`, due, and not leased (or its lease ran
 * out, so the worker that held it died or hung). `for update skip locked` lets workers on several
 * instances claim side by side without waiting on or taking each other's rows. The claim counts as
 * an attempt, so a message whose sending crashes the process still ends after the last attempt.
 */
export async function claimOfficeMessage(db: Executor, { now, leaseMs }: { now: Date; leaseMs: number }): Promise<OfficeMessage | null> {
  const due = db
    .selectFrom('officeMessages')
    .select('id')
    .where('status', '=', 'pending')
    .where('nextAttemptAt', '<=', now)
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', now)]))
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .skipLocked();
  const row = await db
    .updateTable('officeMessages')
    .set((eb) => ({ leaseUntil: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', due)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toMessage(row);
}

/** Delivered. Even a worker whose lease ran out marks it: the email went, whoever else tries too. */
export async function markOfficeMessageSent(db: Executor, id: number, now: Date): Promise<void> {
  await db
    .updateTable('officeMessages')
    .set({ status: 'sent', sentAt: now, lastError: null, leaseUntil: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Not delivered this time: released, due again at `nextAttemptAt`. `errorCode` is a short code. */
export async function retryOfficeMessageLater(db: Executor, id: number, { errorCode, nextAttemptAt }: { errorCode: string; nextAttemptAt: Date }): Promise<void> {
  await db
    .updateTable('officeMessages')
    .set({ lastError: errorCode, nextAttemptAt, leaseUntil: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Given up after the last attempt. `errorCode` is a short code (`ECONNECTION`, `EAUTH`…), never an error message. */
export async function markOfficeMessageFailed(db: Executor, id: number, errorCode: string): Promise<void> {
  await db
    .updateTable('officeMessages')
    .set({ status: 'failed', lastError: errorCode, leaseUntil: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function findOfficeMessage(db: Executor, id: number): Promise<OfficeMessage | null> {
  const row = await db.selectFrom('officeMessages').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toMessage(row);
}

/** The message one confirmation queued, if it did; only the person's own. */
export async function findQueuedOfficeMessage(db: Executor, personId: string, idempotencyKey: string): Promise<OfficeMessage | null> {
  const row = await db
    .selectFrom('officeMessages')
    .selectAll()
    .where('personId', '=', personId)
    .where('idempotencyKey', '=', idempotencyKey)
    .executeTakeFirst();
  return row === undefined ? null : toMessage(row);
}

/** Oldest first. */
export async function listOfficeMessages(db: Executor, filter: { personId?: string; status?: OfficeMessageStatus } = {}): Promise<OfficeMessage[]> {
  let query = db.selectFrom('officeMessages').selectAll();
  if (filter.personId !== undefined) query = query.where('personId', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('id').execute();
  return rows.map(toMessage);
}

/** The outbox depth for `/metrics`: one count over the partial index of pending messages. */
export async function countPendingOfficeMessages(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('officeMessages')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
