/**
 * Guesses per text conversation. A PIN check by text (SMS, TTY) has no NY.gov identity behind it,
 * so the person's PIN counter alone would let someone try SSN after unknown SSN for free; this
 * counter catches that, with the same five-and-locked rule.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { LOCK_MS, MAX_FAILED_ATTEMPTS, type FailureCount } from './lockout.js';

type Executor = Kysely<Database> | Transaction<Database>;

export async function findTextVerifyFailures(db: Executor, conversationKey: string): Promise<FailureCount | null> {
  const row = await db
    .selectFrom('textVerifyFailures')
    .select(['failedAttempts', 'lockedUntil'])
    .where('conversationKey', '=', conversationKey)
    .executeTakeFirst();
  return row ?? null;
}

/** Upsert and increment in one statement; an expired lock starts a fresh count, as for PINs. */
export async function recordTextVerifyFailure(db: Executor, conversationKey: string, now: Date): Promise<FailureCount> {
  const lockUntil = new Date(now.getTime() + LOCK_MS);
  const expired = sql<boolean>`(text_verify_failures.locked_until is not null and text_verify_failures.locked_until <= ${now})`;
  const next = sql<number>`(case when ${expired} then 1 else text_verify_failures.failed_attempts + 1 end)`;
  return db
    .insertInto('textVerifyFailures')
    .values({ conversationKey, failedAttempts: 1, lockedUntil: MAX_FAILED_ATTEMPTS <= 1 ? lockUntil : null, updatedAt: now })
    .onConflict((oc) =>
      oc.column('conversationKey').doUpdateSet({
        failedAttempts: next,
        lockedUntil: sql<Date | null>`case when ${next} >= ${MAX_FAILED_ATTEMPTS} then ${lockUntil}::timestamptz when ${expired} then null else text_verify_failures.locked_until end`,
        updatedAt: now,
      }),
    )
    .returning(['failedAttempts', 'lockedUntil'])
    .executeTakeFirstOrThrow();
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
