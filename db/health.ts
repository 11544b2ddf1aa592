/**
 * Readiness probe. Bounded by a timeout because a hung pool (server gone, no RST) would otherwise
 * hold the health endpoint open until the load balancer gives up on the whole instance.
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
