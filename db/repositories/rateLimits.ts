/**
 * Fixed-window rate-limit counters shared by every instance on one database. A check is a single
 * statement (two upserts chained in data-modifying CTEs), so the database decides each count
 * atomically and no instance can act on a stale one.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface RateLimitHit {
  /** The client's counter and its limit; null when only the overall limit applies. */
  readonly client: { readonly key: string; readonly limit: number } | null;
  /** The overall counter; null when only the per-client limit applies. */
  readonly totalKey: string | null;
  /** End of the window: the counters are worthless after it. */
  readonly expiresAt: Date;
}

/**
 * Counts one hit and returns the counts after it. A hit the client's own limit refuses is not
 * added to the overall counter, so one flooding client cannot use up everyone's allowance. The
 * client's row is always locked before the overall row, so concurrent checks cannot deadlock.
 */
export async function hitRateLimit(db: Executor, hit: RateLimitHit): Promise<{ client: number | null; total: number | null }> {
  const { client, totalKey, expiresAt } = hit;
  if (client === null && totalKey === null) return { client: null, total: null };
  const upsert = (key: string) =>
    sql`insert into rate_limits (key, hits, expires_at) values (${key}, 1, ${expiresAt})
        on conflict (key) do update set hits = rate_limits.hits + 1 returning hits`;
  if (client === null || totalKey === null) {
    const { rows } = await sql<{ hits: number }>`${upsert(client?.key ?? totalKey ?? '')}`.execute(db);
    const hits = rows[0]?.hits ?? 0;
    return client === null ? { client: null, total: hits } : { client: hits, total: null };
  }
  const { rows } = await sql<{ clientHits: number; totalHits: number | null }>`
    with c as (${upsert(client.key)}),
    t as (
      insert into rate_limits (key, hits, expires_at)
      select ${totalKey}, 1, ${expiresAt} from c where c.hits <= ${client.limit}
      on conflict (key) do update set hits = rate_limits.hits + 1
      returning hits
    )
    select (select hits from c) as client_hits, (select hits from t) as total_hits`.execute(db);
  return { client: rows[0]?.clientHits ?? 0, total: rows[0]?.totalHits ?? null };
}
