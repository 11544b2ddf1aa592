import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { DEFAULT_PGLITE_SHARED_BUFFERS_MB } from '../../config.js';
import { openDatabase } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';

async function sharedBuffers(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ sharedBuffers: string }>`show shared_buffers`.execute(db);
  return rows[0]?.sharedBuffers ?? '';
}

describe('the embedded database opens with small shared buffers', () => {
  it('uses the default rather than PostgreSQL 128 MB, which PGlite keeps resident once touched', async () => {
    const open = await openDatabase({ databaseUrl: null, pgliteDir: 'memory://' });
    try {
      expect(await sharedBuffers(open.db)).toBe(`${DEFAULT_PGLITE_SHARED_BUFFERS_MB}MB`);
      expect(DEFAULT_PGLITE_SHARED_BUFFERS_MB).toBeLessThan(128);
    } finally {
      await open.close();
    }
  });

  it('takes the configured size', async () => {
    const open = await openDatabase({ databaseUrl: null, pgliteDir: 'memory://', pgliteSharedBuffersMb: 12 });
    try {
      expect(await sharedBuffers(open.db)).toBe('12MB');
    } finally {
      await open.close();
    }
  });

  it('sizes shared memory for a few connections, not initdb 100: single-user PGlite has one backend', async () => {
    const open = await openDatabase({ databaseUrl: null, pgliteDir: 'memory://' });
    try {
      const { rows } = await sql<Record<string, string>>`show max_connections`.execute(open.db);
      expect(Number(Object.values(rows[0] ?? {})[0])).toBeLessThanOrEqual(5);
    } finally {
      await open.close();
    }
  });

  it('leaves the data folder postgresql.conf as initdb wrote it (its time zone included)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connect-test-'));
    try {
      const first = await openDatabase({ databaseUrl: null, pgliteDir: dir });
      await first.close();
      const written = await readFile(join(dir, 'postgresql.conf'), 'utf8');
      expect(written).toMatch(/^timezone = /m);
      const again = await openDatabase({ databaseUrl: null, pgliteDir: dir, pgliteSharedBuffersMb: 8 });
      try {
        expect(await sharedBuffers(again.db)).toBe('8MB');
        const { rows } = await sql<Record<string, string>>`show timezone`.execute(again.db);
        expect(Object.values(rows[0] ?? {})).toEqual(['UTC']);
      } finally {
        await again.close();
      }
      expect(await readFile(join(dir, 'postgresql.conf'), 'utf8')).toBe(written);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
