import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { migrateToLatest } from '../../db/migrate.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

describe.each(databaseKinds())('migrations on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reaches the latest migration, and running again is a no-op', async () => {
    const first = await migrateToLatest(t.db);
    const ran = first.results ?? [];
    expect(ran[0]?.migrationName).toBe('2026_11_26_120000_initial');
    expect(ran.every((r) => r.status === 'Success')).toBe(true);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(t.db);
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['people', 'cases', 'bot_state', 'audit_log', 'account_pins', 'data_extract']),
    );
    const second = await migrateToLatest(t.db);
    expect(second.results).toEqual([]);
  });
});
