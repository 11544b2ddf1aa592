/**
 * The whole domain of the `child-support-demo/1` format plus the assistant's own records.
 * Landed migrations are never edited: add a new file instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('data_extract')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('offices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('borough', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('hours', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('native_first_name', 'text')
    .addColumn('native_last_name', 'text')
    .addColumn('ssn_hmac', 'text', (c) => c.notNull().unique())
    .addColumn('date_of_birth', 'date', (c) => c.notNull())
    .addColumn('preferred_language', 'text', (c) => c.notNull().check(sql`preferred_language in ('en', 'zh-Hans', 'es')`))
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('mailing_address', 'jsonb', (c) => c.notNull())
    .addColumn('prefers_tty', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('people_phone_idx').on('people').column('phone').execute();

  await db.schema
    .createTable('account_pins')
    .addColumn('person_id', 'text', (c) => c.primaryKey().references('people.id').onDelete('cascade'))
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`failed_attempts >= 0`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('case_number', 'text', (c) => c.primaryKey())
    .addColumn('office_id', 'text', (c) => c.notNull().references('offices.id'))
    .addColumn('order_amount_cents', 'integer', (c) => c.notNull().check(sql`order_amount_cents >= 0`))
    .addColumn('order_frequency', 'text', (c) => c.notNull().check(sql`order_frequency in ('weekly', 'biweekly', 'monthly')`))
    .addColumn('order_start_date', 'date', (c) => c.notNull())
    .addColumn('balance_cents', 'integer', (c) => c.notNull())
    .addColumn('next_due_date', 'date')
    .addColumn('next_due_amount_cents', 'integer')
    .execute();

  await db.schema
    .createTable('case_parties')
    .addColumn('case_number', 'text', (c) => c.notNull().references('cases.case_number').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('custodial', 'noncustodial')`))
    .addPrimaryKeyConstraint('case_parties_pk', ['case_number', 'role'])
    .execute();
  await db.schema.createIndex('case_parties_person_idx').on('case_parties').column('person_id').execute();

  await db.schema
    .createTable('children')
    .addColumn('case_number', 'text', (c) => c.notNull().references('cases.case_number').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('children_pk', ['case_number', 'seq'])
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('case_number', 'text', (c) => c.notNull().references('cases.case_number').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('entry_date', 'date', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('charge', 'payment', 'adjustment')`))
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text')
    .addPrimaryKeyConstraint('ledger_entries_pk', ['case_number', 'seq'])
    .execute();
  await db.schema.createIndex('ledger_entries_date_idx').on('ledger_entries').columns(['case_number', 'entry_date']).execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_number', 'text', (c) => c.notNull().references('cases.case_number').onDelete('cascade'))
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('income_withholding', 'direct_payment', 'tax_refund_offset', 'unemployment_benefits')`),
    )
    .execute();
  await db.schema.createIndex('payments_case_date_idx').on('payments').columns(['case_number', 'received_on']).execute();

  await db.schema
    .createTable('disbursements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_number', 'text', (c) => c.notNull().references('cases.case_number').onDelete('cascade'))
    .addColumn('payment_id', 'text', (c) => c.references('payments.id').onDelete('set null'))
    .addColumn('issued_on', 'date', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('direct_deposit', 'debit_card', 'check')`))
    .execute();
  await db.schema.createIndex('disbursements_case_date_idx').on('disbursements').columns(['case_number', 'issued_on']).execute();

  await db.schema
    .createTable('identity_links')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id'))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`failed_attempts >= 0`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('linked_at', 'timestamptz')
    .addPrimaryKeyConstraint('identity_links_pk', ['issuer', 'subject'])
    .execute();

  await db.schema
    .createTable('bot_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('dl_conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('dl_activities')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('dl_conversations.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('activity', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('dl_activities_pk', ['conversation_id', 'seq'])
    .execute();

  await db.schema
    .createTable('issued_documents')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('case_number', 'text', (c) => c.references('cases.case_number'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('office_messages')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('office_id', 'text', (c) => c.notNull().references('offices.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('case_number', 'text', (c) => c.references('cases.case_number'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('identity_issuer', 'text')
    .addColumn('identity_subject', 'text')
    .addColumn('channel', 'text')
    .addColumn('conversation_hash', 'text')
    .addColumn('case_number', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_log_person_idx').on('audit_log').columns(['person_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'office_messages',
    'issued_documents',
    'dl_activities',
    'dl_conversations',
    'bot_state',
    'identity_links',
    'disbursements',
    'payments',
    'ledger_entries',
    'children',
    'case_parties',
    'cases',
    'account_pins',
    'people',
    'offices',
    'data_extract',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
