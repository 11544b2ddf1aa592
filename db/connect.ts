/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, otherwise the embedded PGlite.
 * Both keep `date` columns as `YYYY-MM-DD` text so that no time zone shifts a due date.
 *
 * On PostgreSQL the pool must outlive its connections: a terminated backend, an idle-session
 * timeout, a TCP reset or a failover makes `pg` emit 'error', and an unheard 'error' ends the whole
 * process. Every such error is heard and reported as a code; the broken connection leaves the pool
 * and the next query opens a fresh one. No statement may hold a turn past a few seconds either:
 * the server cancels it (`statement_timeout`, which also bounds lock waits) and, should the server
 * itself hang, the client gives up shortly after and throws the connection away.
 */
import { mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { DEFAULT_PGLITE_SHARED_BUFFERS_MB } from '../config.js';
import { AppError } from './errors.js';
import { databaseErrorCode, isBrokenConnection, isDatabaseOutage } from './health.js';
import type { Database } from './schema.js';

export interface DatabaseTarget {
  /** `postgres://…`, or null for PGlite. */
  readonly databaseUrl: string | null;
  /** PGlite folder or `memory://`. */
  readonly pgliteDir: string;
  /** PGlite's `shared_buffers` in MB; {@link DEFAULT_PGLITE_SHARED_BUFFERS_MB} when absent. */
  readonly pgliteSharedBuffersMb?: number;
  /**
   * Longest a statement may run (lock waits included) before the server cancels it. Absent or 0:
   * no limit, for migrations and imports, which may wait on another instance's lock or run long.
   */
  readonly databaseStatementTimeoutMs?: number;
  /** Longest a query waits for a connection (from the pool, or a new one) before it fails; absent or 0: no limit. */
  readonly databaseConnectTimeoutMs?: number;
}

export interface OpenDatabaseOptions {
  /** Told the code of every connection error the pool survived (never a message: it may quote data). */
  readonly onConnectionError?: (code: string) => void;
}

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const DATE_OID = 1082;

/**
 * PGlite runs PostgreSQL in single-user mode: one backend, ever. initdb's `postgresql.conf` still
 * sizes shared memory for 100 connections (process slots, lock and predicate-lock tables: about 3
 * MB of the WebAssembly memory, resident); 5 keeps PostgreSQL's own check that the 3 reserved
 * superuser connections leave room, and the lock table still holds hundreds of locks per
 * transaction (it scales with this count, and a migration takes many).
 */
const PGLITE_MAX_CONNECTIONS = 5;

/**
 * PGlite's start parameters with our buffer size and connection count. Given on the command line
 * (`-c`), not through `postgresqlconf`, which would replace the data folder's whole
 * `postgresql.conf` (its time zone, date style and locale lines with it) and so edit the
 * developer's database for good. `wal_buffers` follows (its default is 1/32 of `shared_buffers`).
 */
export function pgliteStartParams(sharedBuffersMb = DEFAULT_PGLITE_SHARED_BUFFERS_MB): string[] {
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`, '-c', `max_connections=${PGLITE_MAX_CONNECTIONS}`];
}

/** The client-side deadline trails the server's, so a live server always reports its own cancel. */
const CLIENT_GRACE_MS = 1000;

/**
 * A failed connection or a timed-out statement becomes `AppError('database_unavailable')`, which
 * the channels answer calmly (and Direct Line with 503); other database errors pass unchanged.
 */
function asOutage(error: unknown, always = false): unknown {
  return always || isDatabaseOutage(error)
    ? new AppError('database_unavailable', `database unavailable (${databaseErrorCode(error)})`, { cause: error })
    : error;
}

/**
 * The pool Kysely sees. A query the client gave up on (`query_timeout`) is still running on its
 * connection as far as `pg` knows; releasing that connection with the error makes the pool destroy
 * it instead of handing the hung socket to the next turn.
 */
function guardedPool(pool: pg.Pool): PostgresPool {
  return {
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        // Whatever kept us from a connection (refused, timed out, database closed to connections).
        throw asOutage(error, true);
      }
      let broken: Error | undefined;
      const query = async (sql: string, parameters: ReadonlyArray<unknown>): Promise<pg.QueryResult> => {
        try {
          return await client.query(sql, [...parameters]);
        } catch (error) {
          if (isBrokenConnection(error) && error instanceof Error) broken = error;
          throw asOutage(error);
        }
      };
      return {
        // Only the (sql, parameters) form: no cursor is configured, so Kysely never passes one.
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(broken ?? destroy === true),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * V8 compiles PGlite's WebAssembly (9 MB of PostgreSQL) with its baseline compiler and then, for
 * every function that gets warm, again with its optimizing compiler in the background. For PGlite
 * that second copy costs about 40 MB resident and, on a small machine, CPU that competes with the
 * start, and the app's queries (small, indexed) measured no slower without it: PGlite's open and a
 * few thousand demo queries took less CPU in all. So the optimizing compiler is turned off for
 * WebAssembly before PGlite compiles (the process's other WebAssembly, fetch's small HTTP parser,
 * with it); JavaScript is not affected. Set here rather than on the
 * command line so that it applies exactly where PGlite runs (npm start, the CLIs, the tests) and a
 * Node whose V8 lacks the flag only prints a warning instead of refusing to start.
 */
function baselineWebAssemblyOnly(): void {
  setFlagsFromString('--liftoff-only');
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<OpenDatabase> {
  if (target.databaseUrl !== null) {
    // Loaded only for PostgreSQL: on the embedded database (npm start) its three megabytes of
    // heap would stay resident for nothing.
    const { default: pg } = await import('pg');
    const statementTimeoutMs = target.databaseStatementTimeoutMs ?? 0;
    const limited = statementTimeoutMs > 0;
    const report = (error: unknown): void => options.onConnectionError?.(databaseErrorCode(error));
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 10,
      connectionTimeoutMillis: target.databaseConnectTimeoutMs ?? 0,
      ...(limited
        ? {
            statement_timeout: statementTimeoutMs,
            query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
            // A transaction left open by a crashed turn must not hold its locks for ever.
            idle_in_transaction_session_timeout: statementTimeoutMs * 2,
          }
        : {}),
      keepAlive: true,
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format),
      } as typeof pg.types,
    });
    // An idle connection that dies is reported here (pg has already removed it from the pool).
    pool.on('error', report);
    // A connection in use that dies emits on the client: its query fails, and the process lives.
    pool.on('connect', (client) => client.on('error', report));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }), plugins: [new CamelCasePlugin()] });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (!target.pgliteDir.startsWith('memory://')) mkdirSync(target.pgliteDir, { recursive: true });
  baselineWebAssemblyOnly();
  const pglite = await PGlite.create(target.pgliteDir, {
    parsers: { [pgliteTypes.DATE]: (value: string) => value },
    startParams: pgliteStartParams(target.pgliteSharedBuffersMb),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [new CamelCasePlugin()] });
  // Kysely closes PGlite only if a query ran; close it ourselves so the process can always exit.
  const close = async (): Promise<void> => {
    await db.destroy();
    if (!pglite.closed) await pglite.close();
  };
  return { db, kind: 'pglite', close };
}
