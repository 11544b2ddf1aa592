/**
 * The outbox of messages parents hand to their local office. A row is written before the email goes
 * out, so a message is never lost silently: it ends `sent` or `failed` (with an error code only,
 * never the text of the error, which may quote addresses), and a `pending` row left by a crash can
 * be found and sent again. The office is reached only through the parent's own case.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, OfficeMessagesTable } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type OfficeMessageStatus = 'pending' | 'sent' | 'failed';

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
  readonly officeId: string;
  readonly personId: string;
  readonly caseNumber: string | null;
  readonly channel: string;
  readonly body: string;
  readonly status: OfficeMessageStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
}

export interface NewOfficeMessage {
  readonly officeId: string;
  readonly personId: string;
  readonly caseNumber: string;
  readonly channel: string;
  readonly body: string;
  readonly now: Date;
}

function toMessage(row: Selectable<OfficeMessagesTable>): OfficeMessage {
  return {
    id: Number(row.id),
    officeId: row.officeId,
    personId: row.personId,
    caseNumber: row.caseNumber,
    channel: row.channel,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
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

export async function createOfficeMessage(db: Executor, message: NewOfficeMessage): Promise<OfficeMessage> {
  const row = await db
    .insertInto('officeMessages')
    .values({
      officeId: message.officeId,
      personId: message.personId,
      caseNumber: message.caseNumber,
      channel: message.channel,
      body: message.body,
      createdAt: message.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMessage(row);
}

export async function markOfficeMessageSent(db: Executor, id: number, now: Date): Promise<void> {
  await db
    .updateTable('officeMessages')
    .set((eb) => ({ status: 'sent', sentAt: now, lastError: null, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** `errorCode` is a short code (`ECONNECTION`, `EAUTH`…), never an error message. */
export async function markOfficeMessageFailed(db: Executor, id: number, errorCode: string): Promise<void> {
  await db
    .updateTable('officeMessages')
    .set((eb) => ({ status: 'failed', lastError: errorCode, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function findOfficeMessage(db: Executor, id: number): Promise<OfficeMessage | null> {
  const row = await db.selectFrom('officeMessages').selectAll().where('id', '=', id).executeTakeFirst();
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
