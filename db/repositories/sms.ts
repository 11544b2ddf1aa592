/**
 * What the SMS channel keeps between webhooks. A message body is never stored: only its
 * MessageSid (so Twilio's retries and doubled deliveries run once) and the conversation's hash.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, SmsChoice } from '../schema.js';

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
}

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
    .returning(['id', 'parentNumber', 'ourNumber', 'choices', 'pages'])
    .executeTakeFirstOrThrow();
  return row;
}

export async function findConversation(db: Executor, id: string): Promise<SmsConversation | null> {
  const row = await db
    .selectFrom('smsConversations')
    .select(['id', 'parentNumber', 'ourNumber', 'choices', 'pages'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** What the next "1", "2"… or "MORE" means; each reply replaces the last one's. */
export async function saveReplyState(
  db: Executor,
  id: string,
  state: { readonly choices: readonly SmsChoice[]; readonly pages: readonly string[] },
  now: Date,
): Promise<void> {
  await db
    .updateTable('smsConversations')
    .set({ choices: JSON.stringify(state.choices), pages: JSON.stringify(state.pages), updatedAt: now })
    .where('id', '=', id)
    .execute();
}

/** Takes the next pending page, in one statement, so two "MORE"s never get the same page. */
export async function takeNextPage(db: Executor, id: string, now: Date): Promise<string | null> {
  const row = await db
    .updateTable('smsConversations as c')
    .set({ pages: sql<string>`c.pages - 0`, updatedAt: now })
    .from(
      db
        .selectFrom('smsConversations')
        .select(['id', sql<string>`pages->>0`.as('page')])
        .where('id', '=', id)
        .where(sql<boolean>`jsonb_array_length(pages) > 0`)
        .forUpdate()
        .as('old'),
    )
    .whereRef('c.id', '=', 'old.id')
    .returning(sql<string>`old.page`.as('page'))
    .executeTakeFirst();
  return row?.page ?? null;
}
