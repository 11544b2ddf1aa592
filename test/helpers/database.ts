/**
 * Real databases for tests: the embedded PGlite always, and a throwaway database on the PostgreSQL
 * server named by DATABASE_URL when it is set, so repositories are proven on both engines.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  close(): Promise<void>;
}

/** The engines to run on: PostgreSQL only when the environment points at a server. */
export function databaseKinds(): DatabaseKind[] {
  const url = process.env.DATABASE_URL;
  return url !== undefined && url.trim() !== '' ? ['pglite', 'postgres'] : ['pglite'];
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url.trim() === '') throw new Error('DATABASE_URL is not set');
  return url.trim();
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * pg's pool.end() resolves before its sockets have closed; a FORCE drop at that moment kills those
 * backends and the dying clients raise an unhandled 'error' in whichever test runs next. So wait
 * for them to go first, and force only what is still there after a few seconds.
 */
async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const result = await client.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
      if (Number(result.rows[0]?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * An empty throwaway database on the PostgreSQL server, for a whole app to open by URL (the app
 * migrates and seeds it itself). `name` is what `pg_stat_activity.datname` shows for its backends.
 * By default on DATABASE_URL's server with a random name; a bench may name the server and the database.
 */
export async function createServerDatabase(
  options: { adminUrl?: string; name?: string } = {},
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const adminUrl = options.adminUrl ?? serverUrl();
  const name = options.name ?? `t_${randomBytes(8).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  return { url: target.toString(), name, drop: () => dropDatabase(adminUrl, name) };
}

export async function createTestDatabase(
  kind: DatabaseKind,
  opts: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  if (kind === 'pglite') {
    const opened = await openDatabase({ databaseUrl: null, pgliteDir: 'memory://' });
    if (migrate) await migrateToLatest(opened.db);
    return { db: opened.db, kind, close: () => opened.close() };
  }
  const adminUrl = serverUrl();
  // A random name keeps parallel jest workers and leftover databases from colliding.
  const name = `t_${randomBytes(8).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  const drop = (): Promise<void> => dropDatabase(adminUrl, name);
  try {
    const opened = await openDatabase({ databaseUrl: target.toString(), pgliteDir: 'memory://' });
    if (migrate) {
      try {
        await migrateToLatest(opened.db);
      } catch (error) {
        await opened.close();
        throw error;
      }
    }
    return {
      db: opened.db,
      kind,
      close: async () => {
        try {
          await opened.close();
        } finally {
          await drop();
        }
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
