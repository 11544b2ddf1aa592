/**
 * One-time sign-in requests. Every step is a conditional UPDATE decided by the database, so a link,
 * a callback and a completed identity each take effect once even with several server instances.
 * Times come from the caller's clock, not SQL now(), so expiry is testable and consistent.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * How long after completion the conversation may take the identity. The event usually arrives in
 * a second; the margin covers a slow channel without leaving identities lying around.
 */
export const TAKE_WINDOW_MS = 5 * 60 * 1000;

/** Wrong sign-in codes before the request is ended. */
export const MAX_CODE_ATTEMPTS = 5;

/**
 * What the row keeps of a sign-in code: SHA-256 of the request id and the code. `checkSignInCode`
 * computes the same in SQL, so the two must agree (a test holds them to it).
 */
export function hashSignInCode(requestId: string, code: string): string {
  return createHash('sha256').update(`${requestId}:${code}`, 'utf8').digest('hex');
}

export interface SignInRequest {
  readonly id: string;
  readonly channel: string;
  readonly conversationId: string;
  readonly conversationRef: Record<string, unknown>;
  readonly locale: string;
  readonly state: string | null;
  readonly nonce: string | null;
  readonly codeVerifier: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly openedAt: Date | null;
  readonly completedAt: Date | null;
  readonly issuer: string | null;
  readonly subject: string | null;
  readonly consumedAt: Date | null;
  readonly codeHash: string | null;
  readonly codeAttempts: number;
  readonly linkTokenSealed: string | null;
}

export async function insertSignInRequest(
  db: Executor,
  request: {
    id: string;
    channel: string;
    conversationId: string;
    conversationRef: Record<string, unknown>;
    locale: string;
    createdAt: Date;
    expiresAt: Date;
    /** The link token sealed by the caller, so the same link can be sent again while it is pending. */
    linkTokenSealed?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('signInRequests')
    .values({ ...request, conversationRef: JSON.stringify(request.conversationRef) })
    .execute();
}

/**
 * The newest link of a conversation that is still worth sending again: never opened (so nobody has
 * started signing in with it), unfinished, in the same language, and valid until at least
 * `validUntil`. Null when there is none: the caller then makes a new link.
 */
export async function findPendingSignInLink(
  db: Executor,
  conversationId: string,
  locale: string,
  validUntil: Date,
): Promise<{ id: string; linkTokenSealed: string; expiresAt: Date } | null> {
  const row = await db
    .selectFrom('signInRequests')
    .select(['id', 'linkTokenSealed', 'expiresAt'])
    .where('conversationId', '=', conversationId)
    .where('locale', '=', locale)
    .where('openedAt', 'is', null)
    .where('completedAt', 'is', null)
    .where('consumedAt', 'is', null)
    .where('linkTokenSealed', 'is not', null)
    .where('expiresAt', '>', validUntil)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined || row.linkTokenSealed === null) return null;
  return { id: row.id, linkTokenSealed: row.linkTokenSealed, expiresAt: row.expiresAt };
}

export async function findSignInRequest(db: Executor, id: string): Promise<SignInRequest | null> {
  const row = await db.selectFrom('signInRequests').selectAll().where('id', '=', id).executeTakeFirst();
  return row ?? null;
}

export async function findSignInRequestByState(db: Executor, state: string): Promise<SignInRequest | null> {
  const row = await db.selectFrom('signInRequests').selectAll().where('state', '=', state).executeTakeFirst();
  return row ?? null;
}

/**
 * Opens a link once: stores the authorization request's secrets and stamps `opened_at`. False when
 * the link was opened before or has expired, including by a concurrent request that won the race.
 * The sealed token is erased: an opened link is never sent again.
 */
export async function openSignInRequest(
  db: Executor,
  id: string,
  secrets: { state: string; nonce: string; codeVerifier: string },
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('signInRequests')
    .set({ ...secrets, openedAt: now, linkTokenSealed: null })
    .where('id', '=', id)
    .where('openedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Claims the callback for a state: hands back the PKCE verifier and nonce and erases the verifier,
 * so the same callback (a replay, a double click, a second instance) can never be redeemed twice.
 * Runs its own transaction (the row is locked between reading the verifier and erasing it).
 */
export async function claimSignInCallback(
  db: Kysely<Database>,
  state: string,
  now: Date,
): Promise<{ id: string; nonce: string; codeVerifier: string } | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('signInRequests')
      .select(['id', 'nonce', 'codeVerifier'])
      .where('state', '=', state)
      .where('completedAt', 'is', null)
      .where('codeVerifier', 'is not', null)
      .where('nonce', 'is not', null)
      .where('expiresAt', '>', now)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined || row.codeVerifier === null || row.nonce === null) return null;
    await trx.updateTable('signInRequests').set({ codeVerifier: null }).where('id', '=', row.id).execute();
    return { id: row.id, nonce: row.nonce, codeVerifier: row.codeVerifier };
  });
}

/**
 * Records who signed in. False if the request was already completed. `codeHash`: the sign-in
 * finished outside the chat's own browser, so the identity is only handed over for that code.
 */
export async function completeSignInRequest(
  db: Executor,
  id: string,
  identity: { issuer: string; subject: string },
  now: Date,
  codeHash: string | null = null,
): Promise<boolean> {
  const row = await db
    .updateTable('signInRequests')
    .set({ issuer: identity.issuer, subject: identity.subject, completedAt: now, codeHash })
    .where('id', '=', id)
    .where('completedAt', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Hands the identity of a completed request to its own conversation, once. The conversation check
 * is in the same UPDATE, so a request id seen in one conversation is worthless in another. A request
 * finished outside the chat's own browser is never handed over this way (the link's holder can
 * compute its id and forge the event): only `checkSignInCode` takes it.
 */
export async function takeCompletedSignIn(
  db: Executor,
  id: string,
  conversationId: string,
  now: Date,
): Promise<{ issuer: string; subject: string } | null> {
  const row = await db
    .updateTable('signInRequests')
    .set({ consumedAt: now })
    .where('id', '=', id)
    .where('conversationId', '=', conversationId)
    .where('consumedAt', 'is', null)
    .where('completedAt', 'is not', null)
    .where('completedAt', '>', new Date(now.getTime() - TAKE_WINDOW_MS))
    .where('issuer', 'is not', null)
    .where('subject', 'is not', null)
    .where('codeHash', 'is', null)
    .returning(['issuer', 'subject'])
    .executeTakeFirst();
  if (row === undefined || row.issuer === null || row.subject === null) return null;
  return { issuer: row.issuer, subject: row.subject };
}

export type SignInCodeCheck =
  | { readonly outcome: 'verified'; readonly identity: { readonly issuer: string; readonly subject: string } }
  /** Wrong; `ended`: that was the last try, the request is spent. */
  | { readonly outcome: 'wrong'; readonly ended: boolean }
  /** No sign-in of this conversation is waiting for a code (none, expired, spent or taken). */
  | { readonly outcome: 'none' };

/**
 * Checks a code typed in a conversation against its sign-ins that wait for one, in one UPDATE: the
 * right code takes the identity once (as `takeCompletedSignIn`), a wrong one counts against every
 * waiting request, and a request with five wrong codes or completed more than five minutes ago is
 * out of reach. Parallel guesses each count, decided row-locked by the database.
 */
export async function checkSignInCode(db: Executor, conversationId: string, code: string, now: Date): Promise<SignInCodeCheck> {
  const hash = sql<string>`encode(sha256(convert_to(id || ':' || ${code}, 'UTF8')), 'hex')`;
  const rows = await db
    .updateTable('signInRequests')
    .set({
      codeAttempts: sql<number>`code_attempts + (case when code_hash = ${hash} then 0 else 1 end)`,
      consumedAt: sql<Date | null>`case when code_hash = ${hash} then ${now}::timestamptz else consumed_at end`,
    })
    .where('conversationId', '=', conversationId)
    .where('codeHash', 'is not', null)
    .where('consumedAt', 'is', null)
    .where('codeAttempts', '<', MAX_CODE_ATTEMPTS)
    .where('completedAt', '>', new Date(now.getTime() - TAKE_WINDOW_MS))
    .returning(['issuer', 'subject', 'codeAttempts', sql<boolean>`consumed_at is not null`.as('matched')])
    .execute();
  const taken = rows.find((row) => row.matched);
  if (taken !== undefined && taken.issuer !== null && taken.subject !== null) {
    return { outcome: 'verified', identity: { issuer: taken.issuer, subject: taken.subject } };
  }
  if (rows.length === 0) return { outcome: 'none' };
  return { outcome: 'wrong', ended: rows.every((row) => row.codeAttempts >= MAX_CODE_ATTEMPTS) };
}

/** Housekeeping: requests whose link expired before `before` are of no further use. */
export async function deleteExpiredSignInRequests(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('signInRequests').where('expiresAt', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
