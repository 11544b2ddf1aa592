/**
 * A language is one folder (issue 10 item 4): the database does not list the languages. The first
 * migration put a CHECK on `people.preferred_language`; the 2026_11_29_170000 migration drops it, so
 * a new language needs no migration, and the seed checks the value against `LOCALES` instead.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import { isAppError } from '../../db/errors.js';
import { DEMO_DATA_FILE, parseSeed, seedDemoIfEmpty } from '../../db/seed.js';
import { LOCALES } from '../../locales/i18n.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

describe.each(databaseKinds())('preferred language on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await seedDemoIfEmpty(t.db, { ssnHmacKey: 'test-ssn-hmac-key-0123456789abcdef0123' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('has no CHECK constraint naming the languages', async () => {
    const checks = await sql<{ definition: string }>`
      select pg_get_constraintdef(c.oid) as definition
      from pg_constraint c join pg_class r on r.oid = c.conrelid
      where r.relname = 'people' and c.contype = 'c'`.execute(t.db);
    const definitions = checks.rows.map((row) => row.definition);
    expect(definitions.filter((d) => d.includes('preferred_language'))).toEqual([]);
    // Guard: the query does see this table's constraints (the column list has none left to find).
    const anyConstraint = await sql<{ n: number }>`
      select count(*)::int as n from pg_constraint c join pg_class r on r.oid = c.conrelid where r.relname = 'people'`.execute(t.db);
    expect(anyConstraint.rows[0]?.n).toBeGreaterThan(0);
  });

  it('stores a language the folder list has and the database was never told about', async () => {
    const person = await t.db.selectFrom('people').select(['id', 'preferredLanguage']).executeTakeFirstOrThrow();
    expect(LOCALES as readonly string[]).toContain(person.preferredLanguage);
    await sql`update people set preferred_language = 'fr' where id = ${person.id}`.execute(t.db);
    const after = await t.db.selectFrom('people').select('preferredLanguage').where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(after.preferredLanguage as string).toBe('fr');
  });
});

describe('the seed checks the language against LOCALES', () => {
  const demo = (): { people: { preferredLanguage: string }[] } => JSON.parse(readFileSync(DEMO_DATA_FILE, 'utf8')) as { people: { preferredLanguage: string }[] };

  it('accepts every listed language and refuses one without a folder', () => {
    for (const locale of LOCALES) {
      const data = demo();
      for (const person of data.people) person.preferredLanguage = locale;
      expect(parseSeed(data).people.every((p) => p.preferredLanguage === locale)).toBe(true);
    }
    const data = demo();
    const [first] = data.people;
    if (first !== undefined) first.preferredLanguage = 'tlh';
    let refused: unknown;
    try {
      parseSeed(data);
    } catch (error) {
      refused = error;
    }
    expect(isAppError(refused)).toBe(true);
  });
});
