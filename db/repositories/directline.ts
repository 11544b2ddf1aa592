/**
 * Direct Line conversations and their activity log. Everything lives in the database so that any
 * number of server instances can serve one conversation; the per-conversation counter `last_seq`
 * is both the sequence of every stored activity and the watermark clients poll with.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface DirectLineConversation {
  readonly id: string;
  readonly userId: string;
  readonly locale: string;
  readonly lastSeq: number;
  readonly started: boolean;
  readonly createdAt: Date;
  /** Keyed hash of the chat's own browser cookie, or null (a client without cookies). */
  readonly browserHash: string | null;
}

export interface StoredActivity {
  readonly seq: number;
  readonly activity: Record<string, unknown>;
}

export async function createConversation(
  db: Executor,
  conversation: { id: string; userId: string; locale: string; browserHash?: string | null },
): Promise<DirectLineConversation> {
  const row = await db
    .insertInto('dlConversations')
    .values({ id: conversation.id, userId: conversation.userId, locale: conversation.locale, browserHash: conversation.browserHash ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row;
}

export async function findConversation(db: Executor, id: string): Promise<DirectLineConversation | null> {
  const row = await db.selectFrom('dlConversations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ?? null;
}

/**
 * Flips `started` once: true only for the one caller (across instances) that must deliver the
 * greeting, because the conditional UPDATE is decided row-locked by the database.
 */
export async function markConversationStarted(db: Executor, id: string): Promise<boolean> {
  const row = await db
    .updateTable('dlConversations')
    .set({ started: true })
    .where('id', '=', id)
    .where('started', '=', false)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes the next sequence number and stores the activity `build` makes from it, in one transaction,
 * so no two instances hand out the same number and a failed insert gives its number back.
 * Returns null when the conversation does not exist.
 */
export async function appendActivity(
  db: Executor,
  conversationId: string,
  build: (seq: number, conversation: { userId: string; locale: string }) => Record<string, unknown>,
): Promise<StoredActivity | null> {
  const run = async (trx: Executor): Promise<StoredActivity | null> => {
    const counter = await trx
      .updateTable('dlConversations')
      .set((eb) => ({ lastSeq: eb('lastSeq', '+', 1) }))
      .where('id', '=', conversationId)
      .returning(['lastSeq', 'userId', 'locale'])
      .executeTakeFirst();
    if (counter === undefined) return null;
    const activity = build(counter.lastSeq, { userId: counter.userId, locale: counter.locale });
    await trx
      .insertInto('dlActivities')
      .values({ conversationId, seq: counter.lastSeq, activity: JSON.stringify(activity) })
      .execute();
    return { seq: counter.lastSeq, activity };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Activities after `afterSeq`, oldest first. */
export async function listActivities(
  db: Executor,
  conversationId: string,
  afterSeq: number,
  limit: number,
): Promise<StoredActivity[]> {
  const rows = await db
    .selectFrom('dlActivities')
    .select(['seq', 'activity'])
    .where('conversationId', '=', conversationId)
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: r.seq, activity: r.activity }));
}

/**
 * Deletes the stored activities of a conversation before sequence number `beforeSeq`, or all of
 * them (the parent signed out: nothing from the account may be replayed). The sequence counter is
 * kept, so watermarks already handed out stay valid.
 */
export async function deleteActivities(db: Executor, conversationId: string, beforeSeq?: number): Promise<number> {
  let query = db.deleteFrom('dlActivities').where('conversationId', '=', conversationId);
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
