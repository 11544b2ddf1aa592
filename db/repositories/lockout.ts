/**
 * The lockout rule shared by PINs (per person), NY.gov identities (per identity) and text
 * conversations, so all count and lock the same way: five wrong answers lock for 24 hours, and
 * nothing is counted, nor the lock pushed out, while a lock is in force.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Wrong answers before a lock; the fifth one locks. */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MS = 24 * 60 * 60 * 1000;

export interface FailureCount {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
}

/** What recording one failure did, decided by the one statement that counted it. */
export interface FailureRecord extends FailureCount {
  /** False when a lock was in force: the failure was not counted and the lock not moved. */
  readonly counted: boolean;
  /** This very failure reached the lock: only it writes the lockout audit row. */
  readonly lockedNow: boolean;
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

/** For a counter that was locked when a failure came: nothing counted, the state as it stands. */
export function notCounted(current: FailureCount): FailureRecord {
  return { failedAttempts: current.failedAttempts, lockedUntil: current.lockedUntil, counted: false, lockedNow: false };
}

/**
 * Whether this conversation reached the person's lock (its audit trail has the lockout row) since
 * `since`. Only that conversation is told "locked"; any other one gets the words of a mismatch, so
 * a locked account cannot be told apart from a wrong PIN or an unknown SSN.
 */
export async function lockReachedInConversation(db: Executor, conversationHash: string, personId: string, since: Date): Promise<boolean> {
  const row = await db
    .selectFrom('auditLog')
    .select('id')
    .where('action', '=', 'lockout')
    .where('outcome', '=', 'person')
    .where('conversationHash', '=', conversationHash)
    .where('personId', '=', personId)
    .where('at', '>', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
