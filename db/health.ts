/**
 * Readiness probe, and what counts as the database being unavailable. The probe is bounded by a
 * timeout because a hung pool (server gone, no RST) would otherwise hold the health endpoint open
 * until the load balancer gives up on the whole instance.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function isDatabaseReachable(db: Kysely<Database>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const probe = sql<{ ok: number }>`select 1 as ok`
    .execute(db)
    .then((result) => result.rows[0]?.ok === 1)
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SQLSTATEs meaning "the connection or the server is gone or too slow", not "the query is wrong". */
const OUTAGE_STATES = new Set([
  '57014', // query_canceled: statement_timeout (lock waits included)
  '57P01', // admin_shutdown: pg_terminate_backend, a restart
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, failing over
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
  '55P03', // lock_not_available
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** `pg` and `pg-pool` report these without a code. */
const MESSAGE_CODES: readonly (readonly [RegExp, string])[] = [
  [/^Query read timeout$/, 'query_read_timeout'],
  [/^timeout exceeded when trying to connect$/, 'connect_timeout'],
  [/^Connection terminated/, 'connection_terminated'],
  [/is not queryable$/, 'not_queryable'],
  [/^Cannot use a pool after calling end/, 'pool_ended'],
];

/**
 * A short code for a database error, safe to log: the SQLSTATE or socket code, or a name for the
 * driver's code-less errors. Never the message, which may quote a parameter.
 */
export function databaseErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,24}$/.test(code)) return code;
  const message = error instanceof Error ? error.message : '';
  for (const [pattern, name] of MESSAGE_CODES) if (pattern.test(message)) return name;
  return 'unknown';
}

/** True for a lost connection, a refused or timed-out connect, or a statement the timeout ended. */
export function isDatabaseOutage(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code.startsWith('08') || OUTAGE_STATES.has(code) || NETWORK_CODES.has(code) || MESSAGE_CODES.some(([, name]) => name === code);
}

/** True when the connection itself is suspect (as opposed to the server cancelling one statement). */
export function isBrokenConnection(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return isDatabaseOutage(error) && code !== '57014' && code !== '55P03';
}
