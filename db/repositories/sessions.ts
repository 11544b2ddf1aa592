/**
 * Verified sessions: proof, held by the server, that this conversation belongs to a person. The
 * chat itself never carries the proof, so ending a session here ends it for every instance at once.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A session idle this long is over: a shared or public computer left open must not stay signed in. */
export const SESSION_IDLE_MS = 15 * 60 * 1000;
/** However active, a session ends this long after it began. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;

export type VerificationMethod = 'nygov' | 'ssn_pin';

export interface VerifiedSession {
  readonly id: string;
  readonly personId: string;
  readonly method: VerificationMethod;
  readonly issuer: string | null;
  readonly subject: string | null;
}

export interface NewSession {
  readonly conversationKey: string;
  readonly personId: string;
  readonly method: VerificationMethod;
  readonly issuer?: string | null;
  readonly subject?: string | null;
}

/** A new session replaces any earlier one of the conversation, so one chat is one person at a time. */
export async function createSession(db: Kysely<Database>, session: NewSession, now: Date): Promise<VerifiedSession> {
  return db.transaction().execute(async (trx) => {
    await endSessions(trx, session.conversationKey, now);
    const id = randomUUID();
    await trx
      .insertInto('verifiedSessions')
      .values({
        id,
        conversationKey: session.conversationKey,
        personId: session.personId,
        method: session.method,
        issuer: session.issuer ?? null,
        subject: session.subject ?? null,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + SESSION_MAX_MS),
      })
      .execute();
    return { id, personId: session.personId, method: session.method, issuer: session.issuer ?? null, subject: session.subject ?? null };
  });
}

/**
 * The conversation's live session, touched in the same statement that checks it, so a session
 * cannot be found valid and then expire before the touch.
 */
export async function useSession(db: Executor, conversationKey: string, now: Date): Promise<VerifiedSession | null> {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MS);
  const startedSince = new Date(now.getTime() - SESSION_MAX_MS);
  const row = await db
    .updateTable('verifiedSessions')
    .set({ lastSeenAt: now })
    .where('conversationKey', '=', conversationKey)
    .where('endedAt', 'is', null)
    .where('lastSeenAt', '>', idleSince)
    .where('createdAt', '>', startedSince)
    .where('expiresAt', '>', now)
    .returning(['id', 'personId', 'method', 'issuer', 'subject'])
    .executeTakeFirst();
  return row ?? null;
}

/** Looks without touching: offering an extra (PIN re-mail) must not keep a session alive by itself. */
export async function peekSession(db: Executor, conversationKey: string, now: Date): Promise<VerifiedSession | null> {
  const row = await db
    .selectFrom('verifiedSessions')
    .select(['id', 'personId', 'method', 'issuer', 'subject'])
    .where('conversationKey', '=', conversationKey)
    .where('endedAt', 'is', null)
    .where('lastSeenAt', '>', new Date(now.getTime() - SESSION_IDLE_MS))
    .where('createdAt', '>', new Date(now.getTime() - SESSION_MAX_MS))
    .where('expiresAt', '>', now)
    .executeTakeFirst();
  return row ?? null;
}

/** Returns how many sessions were ended. */
export async function endSessions(db: Executor, conversationKey: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('verifiedSessions')
    .set({ endedAt: now })
    .where('conversationKey', '=', conversationKey)
    .where('endedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
