/**
 * The audit trail of security-relevant events (sign-in, verification, lockouts, documents issued).
 * Entries carry ids and outcomes only: callers must never put an SSN, PIN or message text in `detail`.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditLogTable, Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface AuditInput {
  readonly action: string;
  readonly outcome: string;
  readonly personId?: string | null;
  readonly identityIssuer?: string | null;
  readonly identitySubject?: string | null;
  readonly channel?: string | null;
  /** A hash of the conversation id, so entries can be grouped without storing the raw id. */
  readonly conversationHash?: string | null;
  readonly caseNumber?: string | null;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly action: string;
  readonly outcome: string;
  readonly personId: string | null;
  readonly identityIssuer: string | null;
  readonly identitySubject: string | null;
  readonly channel: string | null;
  readonly conversationHash: string | null;
  readonly caseNumber: string | null;
  readonly detail: Record<string, unknown>;
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    // bigserial: node-postgres hands int8 back as a string.
    id: Number(row.id),
    at: row.at,
    action: row.action,
    outcome: row.outcome,
    personId: row.personId,
    identityIssuer: row.identityIssuer,
    identitySubject: row.identitySubject,
    channel: row.channel,
    conversationHash: row.conversationHash,
    caseNumber: row.caseNumber,
    detail: row.detail,
  };
}

export async function recordAudit(db: Executor, entry: AuditInput): Promise<void> {
  await db
    .insertInto('auditLog')
    .values({
      action: entry.action,
      outcome: entry.outcome,
      personId: entry.personId ?? null,
      identityIssuer: entry.identityIssuer ?? null,
      identitySubject: entry.identitySubject ?? null,
      channel: entry.channel ?? null,
      conversationHash: entry.conversationHash ?? null,
      caseNumber: entry.caseNumber ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

/** Oldest first, so tests can assert on the order events happened in. */
export async function listAudit(db: Executor, filter: { personId?: string; action?: string } = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom('auditLog').selectAll();
  if (filter.personId !== undefined) query = query.where('personId', '=', filter.personId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  const rows = await query.orderBy('id').execute();
  return rows.map(toEntry);
}

/**
 * Whether this conversation met a lock it may be told about since `since`: one it reached itself
 * (its lockout row), or a refusal by its own identity's or conversation's lock. A parent who keeps
 * typing an SSN or PIN after the lock is told about it again. A refusal because some person was
 * locked elsewhere (scope 'person') does not count: this conversation was shown a mismatch.
 */
export async function conversationMetLock(db: Executor, conversationHash: string, since: Date): Promise<boolean> {
  const row = await db
    .selectFrom('auditLog')
    .select('id')
    .where('conversationHash', '=', conversationHash)
    .where('at', '>', since)
    .where((eb) =>
      eb.or([eb('action', '=', 'lockout'), eb.and([eb('outcome', '=', 'locked'), sql<boolean>`coalesce(detail->>'scope', '') <> 'person'`])]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
