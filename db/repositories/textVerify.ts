/**
 * Guesses per text conversation. A PIN check by text (SMS, TTY) has no NY.gov identity behind it,
 * so the person's PIN counter alone would let someone try SSN after unknown SSN for free; this
 * counter catches that, with the same five-and-locked rule.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { LOCK_MS, MAX_FAILED_ATTEMPTS, notCounted, type FailureCount, type FailureRecord } from './lockout.js';

type Executor = Kysely<Database> | Transaction<Database>;

export async function findTextVerifyFailures(db: Executor, conversationKey: string): Promise<FailureCount | null> {
  const row = await db
    .selectFrom('textVerifyFailures')
    .select(['failedAttempts', 'lockedUntil'])
    .where('conversationKey', '=', conversationKey)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Upsert and increment in one statement, with the rules of `recordPinFailure`: an expired lock
 * starts a fresh count, a lock in force is neither counted against nor pushed out, and only the
 * statement that locks is told so.
 */
export async function recordTextVerifyFailure(db: Executor, conversationKey: string, now: Date): Promise<FailureRecord> {
  const lockUntil = new Date(now.getTime() + LOCK_MS);
  const expired = sql<boolean>`(text_verify_failures.locked_until is not null and text_verify_failures.locked_until <= ${now})`;
  const next = sql<number>`(case when ${expired} then 1 else text_verify_failures.failed_attempts + 1 end)`;
  const row = await db
    .insertInto('textVerifyFailures')
    .values({ conversationKey, failedAttempts: 1, lockedUntil: MAX_FAILED_ATTEMPTS <= 1 ? lockUntil : null, updatedAt: now })
    .onConflict((oc) =>
      oc
        .column('conversationKey')
        .doUpdateSet({
          failedAttempts: next,
          lockedUntil: sql<Date | null>`case when ${next} >= ${MAX_FAILED_ATTEMPTS} then ${lockUntil}::timestamptz when ${expired} then null else text_verify_failures.locked_until end`,
          updatedAt: now,
        })
        .where(sql<boolean>`(text_verify_failures.locked_until is null or text_verify_failures.locked_until <= ${now})`),
    )
    .returning(['failedAttempts', 'lockedUntil', sql<boolean>`(locked_until is not null and locked_until > ${now})`.as('lockedNow')])
    .executeTakeFirst();
  if (row !== undefined) return { failedAttempts: row.failedAttempts, lockedUntil: row.lockedUntil, counted: true, lockedNow: row.lockedNow };
  const current = await findTextVerifyFailures(db, conversationKey);
  return notCounted(current ?? { failedAttempts: MAX_FAILED_ATTEMPTS, lockedUntil: lockUntil });
}

/** A success clears the conversation's count, unless a lock is in force. */
export async function resetTextVerifyFailures(db: Executor, conversationKey: string, now: Date): Promise<void> {
  await db
    .updateTable('textVerifyFailures')
    .set({ failedAttempts: 0, lockedUntil: null, updatedAt: now })
    .where('conversationKey', '=', conversationKey)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
    .execute();
}
