/**
 * Opt-in SMS reminders. `reminder_consents` is the record a regulator asks for: who agreed, to texts
 * at which number, about what, when, through which channel and in which words (the rendered text the
 * parent saw). `reminder_sends` is the work queue: one row per (person, number, kind, subject) is
 * claimed before anything is sent, so no instance, restart or second run can text the same due date
 * or disbursement twice; a lease recovers a crash between claim and send; a failure waits with a
 * growing delay. At most one claimed or sent row per number and New York day (a partial unique index).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reminder_consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    // The number must be kept to text it; the hash joins it to STOP (sms_opt_outs) without the number.
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('due', 'disbursement')`))
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('tty', 'boolean', (c) => c.notNull().defaultTo(false))
    // Our number the parent texted (a TTY relay line, say): reminders come from it. Null: TWILIO_FROM.
    .addColumn('our_number', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('words_shown', 'text', (c) => c.notNull())
    .addColumn('agreed_with', 'text', (c) => c.notNull())
    .addColumn('consented_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_via', 'text')
    .execute();
  await sql`create unique index reminder_consents_active_key on reminder_consents (person_id, phone_hash, kind) where ended_at is null`.execute(db);
  await db.schema.createIndex('reminder_consents_phone_idx').on('reminder_consents').column('phone_hash').execute();

  await db.schema
    .createTable('reminder_sends')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('consent_id', 'text', (c) => c.notNull().references('reminder_consents.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('due', 'overdue', 'disbursement')`))
    // The due date (case number and date) or the disbursement id: what must never be texted twice.
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('claimed', 'sent', 'failed', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('message_sid', 'text')
    .addColumn('delivery_status', 'text')
    .addColumn('error_code', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index reminder_sends_subject_key on reminder_sends (person_id, phone_hash, kind, subject)`.execute(db);
  await sql`create unique index reminder_sends_daily_key on reminder_sends (phone_hash, day) where status in ('claimed', 'sent')`.execute(db);
  await sql`create index reminder_sends_sid_idx on reminder_sends (message_sid) where message_sid is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reminder_sends').ifExists().execute();
  await db.schema.dropTable('reminder_consents').ifExists().execute();
}
