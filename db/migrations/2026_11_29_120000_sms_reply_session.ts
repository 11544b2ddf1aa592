/**
 * An SMS reply kept for "MORE" (its pages and numbered choices) is tied to the verified session it
 * was produced under, so account data never outlives that session: MORE serves it only while the
 * session is live, and a sweep deletes it once the session is over. The language is kept with it,
 * so the "your session ended" answer is in the parent's language.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sms_conversations')
    // Null: the saved reply holds nothing from an account (help, menus) and may stay.
    .addColumn('reply_session_id', 'text')
    .addColumn('reply_locale', 'text')
    .execute();
  // The sweep looks only at replies tied to a session.
  await db.schema
    .createIndex('sms_conversations_reply_session_idx')
    .on('sms_conversations')
    .column('reply_session_id')
    .where(sql.ref('reply_session_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sms_conversations_reply_session_idx').ifExists().execute();
  await db.schema.alterTable('sms_conversations').dropColumn('reply_locale').dropColumn('reply_session_id').execute();
}
