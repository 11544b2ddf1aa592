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
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([['2026_11_26_120000_initial', 'Success']]);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(t.db);
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['people', 'cases', 'bot_state', 'audit_log', 'account_pins']),
    );
    const second = await migrateToLatest(t.db);
    expect(second.results).toEqual([]);
  });
});
