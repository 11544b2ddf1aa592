/**
 * The office-message outbox becomes a work queue that survives crashes and several instances: a
 * worker claims a row by a lease (`lease_until`) and a row whose lease ran out is taken again by
 * anyone; a failed attempt waits (`next_attempt_at`) with a growing delay; a confirmation carries an
 * idempotency key so the same "yes" can never queue two emails; and each message has a reference a
 * parent can read over the phone, which also names the email (its Message-ID), so a resend after a
 * crash is recognisably the same message.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('office_messages')
    .addColumn('reference', 'text')
    .addColumn('idempotency_key', 'text')
    // What the email needs besides the row: how to reach the parent back and their language.
    .addColumn('channel_kind', 'text', (c) => c.notNull().defaultTo('web').check(sql`channel_kind in ('web', 'sms', 'tty')`))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .execute();
  // Rows from before: a reference no new one can take (new ones are OCS- and five letters or digits).
  await sql`update office_messages set reference = 'OCS-LEGACY-' || id where reference is null`.execute(db);
  await db.schema.alterTable('office_messages').alterColumn('reference', (c) => c.setNotNull()).execute();
  await db.schema.createIndex('office_messages_reference_key').on('office_messages').column('reference').unique().execute();
  await db.schema.createIndex('office_messages_idempotency_key').on('office_messages').column('idempotency_key').unique().execute();
  // What the claim scans: pending rows by due time.
  await sql`create index office_messages_due_idx on office_messages (next_attempt_at, id) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('office_messages_due_idx').ifExists().execute();
  await db.schema.dropIndex('office_messages_idempotency_key').ifExists().execute();
  await db.schema.dropIndex('office_messages_reference_key').ifExists().execute();
  await db.schema
    .alterTable('office_messages')
    .dropColumn('lease_until')
    .dropColumn('next_attempt_at')
    .dropColumn('locale')
    .dropColumn('channel_kind')
    .dropColumn('idempotency_key')
    .dropColumn('reference')
    .execute();
}
