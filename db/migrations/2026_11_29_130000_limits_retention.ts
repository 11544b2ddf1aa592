/**
 * Rate limits shared by every instance (one fixed-window counter row per key and window), and the
 * indexes the retention job needs so that each bounded purge batch finds its old rows by index
 * instead of scanning whole tables.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // UNLOGGED: no WAL, so a check costs no disk flush. A crash or failover empties the table, which
  // only restarts the current windows' counts early.
  await db.schema
    .createTable('rate_limits')
    .modifyFront(sql`unlogged`)
    // `bucket|client|windowStart`: one row per counter and window, so a check is one upsert.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_expires_idx').on('rate_limits').column('expires_at').execute();

  await db.schema.createIndex('dl_conversations_created_idx').on('dl_conversations').column('created_at').execute();
  await db.schema.createIndex('dl_activities_created_idx').on('dl_activities').column('created_at').execute();
  await db.schema.createIndex('bot_state_updated_idx').on('bot_state').column('updated_at').execute();
  await db.schema.createIndex('sign_in_requests_expires_idx').on('sign_in_requests').column('expires_at').execute();
  await db.schema
    .createIndex('verified_sessions_over_idx')
    .on('verified_sessions')
    .expression(sql`coalesce(ended_at, expires_at)`)
    .execute();
  await db.schema.createIndex('sms_messages_received_idx').on('sms_messages').column('received_at').execute();
  await db.schema.createIndex('sms_conversations_updated_idx').on('sms_conversations').column('updated_at').execute();
  await db.schema.createIndex('issued_documents_expires_idx').on('issued_documents').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'issued_documents_expires_idx',
    'sms_conversations_updated_idx',
    'sms_messages_received_idx',
    'verified_sessions_over_idx',
    'sign_in_requests_expires_idx',
    'bot_state_updated_idx',
    'dl_activities_created_idx',
    'dl_conversations_created_idx',
  ]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.dropTable('rate_limits').ifExists().execute();
}
