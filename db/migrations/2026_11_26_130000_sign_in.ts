/**
 * Sign-in and verification: one-time sign-in links with their PKCE/state/nonce kept server-side,
 * verified sessions (idle and absolute expiry, ended on sign-out), and PIN re-mail requests.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_requests')
    // SHA-256 of the one-time link token; the token itself only travels in the link.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('conversation_ref', 'jsonb', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.unique())
    .addColumn('nonce', 'text')
    .addColumn('code_verifier', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('issuer', 'text')
    .addColumn('subject', 'text')
    .addColumn('consumed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sign_in_requests_conversation_idx').on('sign_in_requests').column('conversation_id').execute();

  await db.schema
    .createTable('verified_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // SHA-256 of channel + conversation id: a session belongs to one conversation only.
    .addColumn('conversation_key', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('nygov', 'ssn_pin')`))
    .addColumn('issuer', 'text')
    .addColumn('subject', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('verified_sessions_conversation_idx').on('verified_sessions').column('conversation_key').execute();

  await db.schema
    .createTable('pin_mail_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('requested'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pin_mail_requests').ifExists().execute();
  await db.schema.dropTable('verified_sessions').ifExists().execute();
  await db.schema.dropTable('sign_in_requests').ifExists().execute();
}
