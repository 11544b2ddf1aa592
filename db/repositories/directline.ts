/**
 * Direct Line conversations and their activity log. Everything lives in the database so that any
 * number of server instances can serve one conversation; the per-conversation counter `last_seq`
 * is both the sequence of every stored activity and the watermark clients poll with.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
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
    // Delivered at commit, to every instance listening, so a socket held by any of them hears of it.
    await sql`select pg_notify(${ACTIVITY_CHANNEL}, ${`${conversationId}:${counter.lastSeq}`})`.execute(trx);
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

/** The NOTIFY channel `appendActivity` announces each stored activity on, as `conversationId:seq`. */
export const ACTIVITY_CHANNEL = 'directline_activity';

/** Reads a notification's payload; null for anything that is not ours. */
export function parseActivityNotice(payload: string | undefined): { conversationId: string; seq: number } | null {
  if (payload === undefined) return null;
  const at = payload.lastIndexOf(':');
  const seq = Number(payload.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(seq) || seq <= 0) return null;
  return { conversationId: payload.slice(0, at), seq };
}

export interface ActivityListener {
  close(): Promise<void>;
}

export interface ActivityListenerOptions {
  /** Each stored activity, as soon as its transaction commits (on any instance). */
  readonly onActivity: (conversationId: string, seq: number) => void;
  /**
   * After a reconnect: notices sent while the connection was down are lost, so the listener's
   * owner must look again for everything it waits on.
   */
  readonly onResync: () => void;
  /** Told the code of a connection error (never a message). */
  readonly onError?: (code: string) => void;
  /** First retry delay after a lost connection; doubles up to 30 s. */
  readonly retryMs?: number;
}

const MAX_LISTEN_RETRY_MS = 30_000;

/**
 * A dedicated PostgreSQL connection that LISTENs for stored activities (a pooled connection cannot:
 * it would be handed to other queries). It reconnects by itself when the connection drops.
 */
export async function listenForActivities(databaseUrl: string, options: ActivityListenerOptions): Promise<ActivityListener> {
  const firstRetryMs = options.retryMs ?? 500;
  let retryMs = firstRetryMs;
  let closed = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    // Only PostgreSQL listens: the embedded database's process never loads `pg` (see openDatabase).
    const { default: pg } = await import('pg');
    const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      if (error !== undefined) options.onError?.((error as Error & { code?: string }).code ?? error.name);
      if (client === next) client = null;
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      schedule();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', (message) => {
      if (message.channel !== ACTIVITY_CHANNEL) return;
      const notice = parseActivityNotice(message.payload);
      if (notice !== null) options.onActivity(notice.conversationId, notice.seq);
    });
    await next.connect();
    await next.query(`LISTEN ${ACTIVITY_CHANNEL}`);
    if (closed) {
      lost = true;
      await next.end();
      return;
    }
    client = next;
    retryMs = firstRetryMs;
  };

  const schedule = (): void => {
    if (closed || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      connect().then(
        () => {
          if (!closed) options.onResync();
        },
        (error: unknown) => {
          options.onError?.(error instanceof Error ? ((error as Error & { code?: string }).code ?? error.name) : 'unknown');
          retryMs = Math.min(retryMs * 2, MAX_LISTEN_RETRY_MS);
          schedule();
        },
      );
    }, retryMs);
    timer.unref();
  };

  try {
    await connect();
  } catch (error) {
    closed = true;
    if (timer !== null) clearTimeout(timer);
    throw error;
  }
  return {
    async close(): Promise<void> {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const current = client;
      client = null;
      if (current !== null) {
        current.removeAllListeners('end');
        current.removeAllListeners('notification');
        current.on('error', () => undefined);
        await current.end().catch(() => undefined);
      }
    },
  };
}
