/**
 * SMS and text-only verification: each Twilio MessageSid once, opt-outs by phone-number hash, the
 * few facts a text conversation needs between webhooks, and a guess counter per text conversation
 * (an SSN+PIN check by text has no NY.gov identity to count unknown SSNs against).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_messages')
    // The primary key is what makes a retried or doubled webhook run once, even when both arrive at once.
    .addColumn('message_sid', 'text', (c) => c.primaryKey())
    // Only the conversation's hash: the body (which may hold an SSN or PIN) is never stored.
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sms_opt_outs')
    // Keyed HMAC of the E.164 number, so the table alone does not list who opted out.
    .addColumn('phone_hash', 'text', (c) => c.primaryKey())
    .addColumn('opted_out_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sms_conversations')
    // Keyed HMAC of the parent's and our numbers: the bot's conversation id.
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Needed in clear to answer later (after a sign-in, a slow turn), exactly as Twilio holds them.
    .addColumn('parent_number', 'text', (c) => c.notNull())
    .addColumn('our_number', 'text', (c) => c.notNull())
    // What "1", "2"… and "MORE" mean in the next message.
    .addColumn('choices', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('pages', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('text_verify_failures')
    // SHA-256 of channel and conversation id, as verified sessions use.
    .addColumn('conversation_key', 'text', (c) => c.primaryKey())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('text_verify_failures').ifExists().execute();
  await db.schema.dropTable('sms_conversations').ifExists().execute();
  await db.schema.dropTable('sms_opt_outs').ifExists().execute();
  await db.schema.dropTable('sms_messages').ifExists().execute();
}
