/**
 * A language is one folder under `locales/`: the database no longer lists the languages in a CHECK
 * constraint, which would make every new language a migration. The seed validates
 * `preferred_language` against the locale list instead (the single place that names the languages).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table people drop constraint if exists people_preferred_language_check`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table people add constraint people_preferred_language_check check (preferred_language in ('en', 'zh-Hans', 'es'))`.execute(db);
}
