/**
 * Account PIN checks and their failure counter. Every change to the counter is one statement that
 * reads and writes the row together, so parallel wrong guesses from several chats or instances each
 * count: nothing is read into the application and written back.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { LOCK_MS, MAX_FAILED_ATTEMPTS, notCounted, type FailureCount, type FailureRecord } from './lockout.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface PinRecord extends FailureCount {
  readonly personId: string;
  readonly pinHash: string;
}

export async function findPin(db: Executor, personId: string): Promise<PinRecord | null> {
  const row = await db
    .selectFrom('accountPins')
    .select(['personId', 'pinHash', 'failedAttempts', 'lockedUntil'])
    .where('personId', '=', personId)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Adds one failure and locks at the fifth, in one statement that only touches a row with no lock in
 * force: failures during a lock are not counted and do not push `locked_until` out, and of any
 * number of parallel failures exactly one sees `lockedNow`. A lock that has already run out starts
 * a fresh count, so a parent whose 24 hours are over gets five tries again. Null: no PIN on record.
 */
export async function recordPinFailure(db: Executor, personId: string, now: Date): Promise<FailureRecord | null> {
  const lockUntil = new Date(now.getTime() + LOCK_MS);
  const expired = sql<boolean>`(locked_until is not null and locked_until <= ${now})`;
  const next = sql<number>`(case when ${expired} then 1 else failed_attempts + 1 end)`;
  const row = await db
    .updateTable('accountPins')
    .set({
      failedAttempts: next,
      lockedUntil: sql<Date | null>`case when ${next} >= ${MAX_FAILED_ATTEMPTS} then ${lockUntil}::timestamptz when ${expired} then null else locked_until end`,
    })
    .where('personId', '=', personId)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
    // RETURNING sees the new row: it was unlocked before (WHERE), so locked now means this statement locked it.
    .returning(['failedAttempts', 'lockedUntil', sql<boolean>`(locked_until is not null and locked_until > ${now})`.as('lockedNow')])
    .executeTakeFirst();
  if (row !== undefined) return { failedAttempts: row.failedAttempts, lockedUntil: row.lockedUntil, counted: true, lockedNow: row.lockedNow };
  const current = await findPin(db, personId);
  return current === null ? null : notCounted(current);
}

/**
 * Clears the counter only if no lock is in force at this instant, in the same statement: a correct
 * PIN racing a parallel fifth wrong one cannot slip past the lock. False means "locked meanwhile".
 */
export async function resetPinFailures(db: Executor, personId: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('accountPins')
    .set({ failedAttempts: 0, lockedUntil: null })
    .where('personId', '=', personId)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
    .returning('personId')
    .executeTakeFirst();
  return row !== undefined;
}
