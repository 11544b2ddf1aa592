/**
 * NY.gov identities, keyed by (issuer, subject) and never by email. A row exists from the first
 * failed link attempt (person_id null) so that guessing is counted per identity too; once linked,
 * the link is for good.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { LOCK_MS, MAX_FAILED_ATTEMPTS, notCounted, type FailureCount, type FailureRecord } from './lockout.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface IdentityKey {
  readonly issuer: string;
  readonly subject: string;
}

export interface IdentityLink extends FailureCount {
  readonly issuer: string;
  readonly subject: string;
  readonly personId: string | null;
}

export async function findIdentityLink(db: Executor, identity: IdentityKey): Promise<IdentityLink | null> {
  const row = await db
    .selectFrom('identityLinks')
    .select(['issuer', 'subject', 'personId', 'failedAttempts', 'lockedUntil'])
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Upsert and increment in one statement, with the rules of `recordPinFailure`: the update only
 * applies to a row with no lock in force, and the statement that locks is the only one told so.
 */
export async function recordIdentityFailure(db: Executor, identity: IdentityKey, now: Date): Promise<FailureRecord> {
  const lockUntil = new Date(now.getTime() + LOCK_MS);
  const expired = sql<boolean>`(identity_links.locked_until is not null and identity_links.locked_until <= ${now})`;
  const next = sql<number>`(case when ${expired} then 1 else identity_links.failed_attempts + 1 end)`;
  const row = await db
    .insertInto('identityLinks')
    .values({
      issuer: identity.issuer,
      subject: identity.subject,
      personId: null,
      failedAttempts: 1,
      lockedUntil: MAX_FAILED_ATTEMPTS <= 1 ? lockUntil : null,
      createdAt: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['issuer', 'subject'])
        .doUpdateSet({
          failedAttempts: next,
          lockedUntil: sql<Date | null>`case when ${next} >= ${MAX_FAILED_ATTEMPTS} then ${lockUntil}::timestamptz when ${expired} then null else identity_links.locked_until end`,
        })
        .where(sql<boolean>`(identity_links.locked_until is null or identity_links.locked_until <= ${now})`),
    )
    .returning(['failedAttempts', 'lockedUntil', sql<boolean>`(locked_until is not null and locked_until > ${now})`.as('lockedNow')])
    .executeTakeFirst();
  if (row !== undefined) return { failedAttempts: row.failedAttempts, lockedUntil: row.lockedUntil, counted: true, lockedNow: row.lockedNow };
  // The conflict update was skipped: a lock is in force, so the row exists.
  const current = await findIdentityLink(db, identity);
  return notCounted(current ?? { failedAttempts: MAX_FAILED_ATTEMPTS, lockedUntil: lockUntil });
}

/**
 * Links the identity to the person and clears its counter. An identity already linked keeps its
 * person: the returned id is the one in force, which the caller must compare with its own.
 */
export async function linkIdentity(db: Executor, identity: IdentityKey, personId: string, now: Date): Promise<string | null> {
  const row = await db
    .insertInto('identityLinks')
    .values({ issuer: identity.issuer, subject: identity.subject, personId, createdAt: now, linkedAt: now })
    .onConflict((oc) =>
      oc.columns(['issuer', 'subject']).doUpdateSet({
        personId: sql<string>`coalesce(identity_links.person_id, excluded.person_id)`,
        linkedAt: sql<Date>`coalesce(identity_links.linked_at, excluded.linked_at)`,
        failedAttempts: 0,
        lockedUntil: null,
      }),
    )
    .returning('personId')
    .executeTakeFirstOrThrow();
  return row.personId;
}
