/**
 * Printable documents: an issued document remembers the language it was asked in, the channel, and
 * the keyed hash of the chat's browser (so its link opens there and nowhere else without a NY.gov
 * sign-in); a forwarded link's sign-in keeps its state, nonce and PKCE verifier server-side; a copy
 * asked for by mail (TTY) is recorded for the office with a reference.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('issued_documents')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('channel', 'text')
    .addColumn('browser_hash', 'text')
    .addColumn('conversation_hash', 'text')
    .execute();

  await db.schema
    .createTable('document_sign_ins')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().references('issued_documents.token_hash').onDelete('cascade'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('document_mail_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('case_number', 'text', (c) => c.references('cases.case_number'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('document_mail_requests').execute();
  await db.schema.dropTable('document_sign_ins').execute();
  await db.schema
    .alterTable('issued_documents')
    .dropColumn('locale')
    .dropColumn('channel')
    .dropColumn('browser_hash')
    .dropColumn('conversation_hash')
    .execute();
}
