/**
 * What the SMS channel keeps between webhooks. A message body is never stored: only its
 * MessageSid (so Twilio's retries and doubled deliveries run once) and the conversation's hash.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, SmsChoice } from '../schema.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from './sessions.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Claims a MessageSid. True for the first delivery only; the primary key settles a race between two
 * deliveries arriving at the same moment, whichever instance they reach.
 */
export async function claimMessage(db: Executor, messageSid: string, conversationId: string, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('smsMessages')
    .values({ messageSid, conversationId, receivedAt: now })
    .onConflict((oc) => oc.column('messageSid').doNothing())
    .returning('messageSid')
    .executeTakeFirst();
  return row !== undefined;
}

export async function isOptedOut(db: Executor, phoneHash: string): Promise<boolean> {
  const row = await db.selectFrom('smsOptOuts').select('phoneHash').where('phoneHash', '=', phoneHash).executeTakeFirst();
  return row !== undefined;
}

export async function recordOptOut(db: Executor, phoneHash: string, now: Date): Promise<void> {
  await db
    .insertInto('smsOptOuts')
    .values({ phoneHash, optedOutAt: now })
    .onConflict((oc) => oc.column('phoneHash').doNothing())
    .execute();
}

/** Returns whether the number had opted out. */
export async function recordOptIn(db: Executor, phoneHash: string): Promise<boolean> {
  const result = await db.deleteFrom('smsOptOuts').where('phoneHash', '=', phoneHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface SmsConversation {
  readonly id: string;
  readonly parentNumber: string;
  readonly ourNumber: string;
  readonly choices: readonly SmsChoice[];
  readonly pages: readonly string[];
  /** The verified session the saved choices and pages came from; null: nothing from an account. */
  readonly replySessionId: string | null;
  readonly replyLocale: string | null;
}

const COLUMNS = ['id', 'parentNumber', 'ourNumber', 'choices', 'pages', 'replySessionId', 'replyLocale'] as const;

/** Creates the conversation on first contact; later contacts only touch it. */
export async function upsertConversation(
  db: Executor,
  conversation: { readonly id: string; readonly parentNumber: string; readonly ourNumber: string },
  now: Date,
): Promise<SmsConversation> {
  const row = await db
    .insertInto('smsConversations')
    .values({ ...conversation, choices: '[]', pages: '[]', updatedAt: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ updatedAt: now }))
    .returning([...COLUMNS])
    .executeTakeFirstOrThrow();
  return row;
}

export async function findConversation(db: Executor, id: string): Promise<SmsConversation | null> {
  const row = await db.selectFrom('smsConversations').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
  return row ?? null;
}

export interface ReplyState {
  readonly choices: readonly SmsChoice[];
  readonly pages: readonly string[];
  /** The live verified session of the conversation when the reply was made, if any. */
  readonly sessionId?: string | null;
  readonly locale?: string | null;
}

/** What the next "1", "2"… or "MORE" means; each reply replaces the last one's. */
export async function saveReplyState(db: Executor, id: string, state: ReplyState, now: Date): Promise<void> {
  const empty = state.choices.length === 0 && state.pages.length === 0;
  await db
    .updateTable('smsConversations')
    .set({
      choices: JSON.stringify(state.choices),
      pages: JSON.stringify(state.pages),
      // Nothing saved, nothing to tie to a session.
      replySessionId: empty ? null : (state.sessionId ?? null),
      replyLocale: empty ? null : (state.locale ?? null),
      updatedAt: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Forgets the saved reply: sign-out, STOP, START, or a session that ended under it. */
export async function clearReplyState(db: Executor, id: string, now: Date): Promise<void> {
  await saveReplyState(db, id, { choices: [], pages: [] }, now);
}

/**
 * Takes the next pending page, in one statement, so two "MORE"s never get the same page. Only a
 * page saved under `sessionId` (null: a page with nothing from an account) is handed out, so a
 * reply saved under another session in the meantime is never served by this one.
 */
export async function takeNextPage(db: Executor, id: string, now: Date, sessionId: string | null = null): Promise<string | null> {
  const row = await db
    .updateTable('smsConversations as c')
    .set({ pages: sql<string>`c.pages - 0`, updatedAt: now })
    .from(
      db
        .selectFrom('smsConversations')
        .select(['id', sql<string>`pages->>0`.as('page')])
        .where('id', '=', id)
        .where(sql<boolean>`jsonb_array_length(pages) > 0`)
        .where((eb) => (sessionId === null ? eb('replySessionId', 'is', null) : eb('replySessionId', '=', sessionId)))
        .forUpdate()
        .as('old'),
    )
    .whereRef('c.id', '=', 'old.id')
    .returning(sql<string>`old.page`.as('page'))
    .executeTakeFirst();
  return row?.page ?? null;
}

/**
 * Deletes every saved reply whose verified session is no longer live (ended, idle past 15 minutes,
 * or past its 12 hours), so account data held for "MORE" never outlives the session at rest.
 * Safe to run from several instances at once; returns how many conversations were cleared.
 */
export async function deleteStalePages(db: Executor, now: Date): Promise<number> {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MS);
  const startedSince = new Date(now.getTime() - SESSION_MAX_MS);
  const result = await db
    .updateTable('smsConversations')
    .set({ choices: '[]', pages: '[]', replySessionId: null, replyLocale: null })
    .where('replySessionId', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('verifiedSessions as s')
            .select('s.id')
            .whereRef('s.id', '=', 'smsConversations.replySessionId')
            .where('s.endedAt', 'is', null)
            .where('s.lastSeenAt', '>', idleSince)
            .where('s.createdAt', '>', startedSince)
            .where('s.expiresAt', '>', now),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
