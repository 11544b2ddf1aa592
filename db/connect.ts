/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, otherwise the embedded PGlite.
 * Both keep `date` columns as `YYYY-MM-DD` text so that no time zone shifts a due date.
 */
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export interface DatabaseTarget {
  /** `postgres://…`, or null for PGlite. */
  readonly databaseUrl: string | null;
  /** PGlite folder or `memory://`. */
  readonly pgliteDir: string;
}

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const DATE_OID = 1082;

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.databaseUrl !== null) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 10,
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format),
      } as typeof pg.types,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (!target.pgliteDir.startsWith('memory://')) mkdirSync(target.pgliteDir, { recursive: true });
  const pglite = await PGlite.create(target.pgliteDir, {
    parsers: { [pgliteTypes.DATE]: (value: string) => value },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [new CamelCasePlugin()] });
  // Kysely closes PGlite only if a query ran; close it ourselves so the process can always exit.
  const close = async (): Promise<void> => {
    await db.destroy();
    if (!pglite.closed) await pglite.close();
  };
  return { db, kind: 'pglite', close };
}
