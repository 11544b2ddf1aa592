/**
 * Issued document links, the NY.gov sign-ins of forwarded links, and paper copies asked for by
 * mail. A link is stored only as a SHA-256 of its token; the token itself travels only in the link.
 * Times come from the caller's clock so expiry is testable.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface IssuedDocumentRow {
  readonly tokenHash: string;
  readonly personId: string;
  readonly caseNumber: string | null;
  readonly kind: string;
  readonly params: Record<string, unknown>;
  readonly locale: string;
  readonly channel: string | null;
  readonly browserHash: string | null;
  readonly expiresAt: Date;
}

export async function insertIssuedDocument(
  db: Executor,
  row: IssuedDocumentRow & { readonly conversationHash: string | null; readonly createdAt: Date },
): Promise<void> {
  await db
    .insertInto('issuedDocuments')
    .values({ ...row, params: JSON.stringify(row.params) })
    .execute();
}

export async function findIssuedDocument(db: Executor, tokenHash: string): Promise<IssuedDocumentRow | null> {
  const row = await db
    .selectFrom('issuedDocuments')
    .select(['tokenHash', 'personId', 'caseNumber', 'kind', 'params', 'locale', 'channel', 'browserHash', 'expiresAt'])
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
  return row ?? null;
}

/** The keyed hash of the browser that asked for a Direct Line conversation's token, if any. */
export async function conversationBrowserHash(db: Executor, conversationId: string): Promise<string | null> {
  const row = await db.selectFrom('dlConversations').select('browserHash').where('id', '=', conversationId).executeTakeFirst();
  return row?.browserHash ?? null;
}

export async function insertDocumentSignIn(
  db: Executor,
  row: { state: string; tokenHash: string; nonce: string; codeVerifier: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.insertInto('documentSignIns').values(row).execute();
}

/** Takes a sign-in's secrets once: a replayed callback finds nothing. */
export async function claimDocumentSignIn(
  db: Executor,
  state: string,
  now: Date,
): Promise<{ tokenHash: string; nonce: string; codeVerifier: string } | null> {
  const row = await db
    .updateTable('documentSignIns')
    .set({ usedAt: now })
    .where('state', '=', state)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returning(['tokenHash', 'nonce', 'codeVerifier'])
    .executeTakeFirst();
  return row ?? null;
}

export interface DocumentMailRequest {
  readonly personId: string;
  readonly caseNumber: string | null;
  readonly kind: string;
  readonly params: Record<string, unknown>;
  readonly locale: string;
  readonly channel: string;
}

/** Records a paper copy for the office to mail; the returned id is the parent's reference. */
export async function createDocumentMailRequest(db: Executor, request: DocumentMailRequest): Promise<number> {
  const row = await db
    .insertInto('documentMailRequests')
    .values({ ...request, params: JSON.stringify(request.params) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listDocumentMailRequests(db: Executor, personId: string): Promise<(DocumentMailRequest & { id: number; status: string })[]> {
  return db
    .selectFrom('documentMailRequests')
    .select(['id', 'personId', 'caseNumber', 'kind', 'params', 'locale', 'channel', 'status'])
    .where('personId', '=', personId)
    .orderBy('id')
    .execute();
}

/** Is this NY.gov identity linked to this person? */
export async function identityIsPerson(db: Executor, identity: { issuer: string; subject: string }, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom('identityLinks')
    .select('personId')
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  return row?.personId === personId;
}
