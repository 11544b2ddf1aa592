/**
 * Retention: what the assistant keeps only for a while is deleted after its time, by a job every
 * instance runs on a jittered timer. A run takes a transaction-scoped advisory lock first and gives
 * up if another instance holds it, so one purge runs at a time across all instances on one
 * database; it deletes in bounded batches, so no statement runs long and a backlog shrinks run by
 * run. The audit log and office messages are records the agency must keep: never purged here.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { deleteStalePages } from './repositories/sms.js';
import type { Database } from './schema.js';

export interface RetentionPolicy {
  /** Transcripts, Direct Line conversations, bot state, SMS conversations and message ids. */
  readonly days: number;
  /** Sign-in requests after their link expired; verified sessions after they ended; expired document links. */
  readonly signInHours: number;
  /** Unsent SMS reply pages after the conversation went quiet. */
  readonly smsPagesMinutes: number;
}

export interface PurgeOptions {
  /** Rows per statement. */
  readonly batchSize?: number;
  /** Statements per table per run; the rest waits for the next run. */
  readonly maxBatches?: number;
}

export interface PurgeResult {
  /** False when another instance was purging: nothing was done. */
  readonly ran: boolean;
  /** Rows deleted (or, for `sms_pages`, cleared) per table. */
  readonly deleted: Readonly<Record<string, number>>;
}

/** Any fixed number, the same in every instance: the advisory lock that says "a purge is running". */
const PURGE_LOCK_ID = 7_310_241_129;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_BATCHES = 20;

const HOUR_MS = 60 * 60 * 1000;

interface Step {
  readonly name: string;
  /** One bounded statement; returns the rows it touched. */
  run(trx: Transaction<Database>, limit: number): Promise<bigint | undefined>;
}

/** `DELETE … WHERE ctid = ANY(ARRAY(SELECT ctid … LIMIT n))`: a bounded delete on any table. */
function deleteWhere(table: string, condition: (cutoff: Date) => ReturnType<typeof sql>, cutoff: Date): Step {
  return {
    name: table,
    run: async (trx, limit) => {
      const result = await sql`delete from ${sql.table(table)} where ctid = any(array(select ctid from ${sql.table(table)} where ${condition(cutoff)} limit ${limit}))`.execute(trx);
      return result.numAffectedRows;
    },
  };
}

function steps(policy: RetentionPolicy, now: Date): Step[] {
  const longCutoff = new Date(now.getTime() - policy.days * 24 * HOUR_MS);
  const shortCutoff = new Date(now.getTime() - policy.signInHours * HOUR_MS);
  const pagesCutoff = new Date(now.getTime() - policy.smsPagesMinutes * 60 * 1000);
  return [
    // Activities first, in batches, so that deleting their conversations cascades to few rows.
    deleteWhere('dl_activities', (c) => sql`created_at < ${c}`, longCutoff),
    deleteWhere('dl_conversations', (c) => sql`created_at < ${c}`, longCutoff),
    deleteWhere('bot_state', (c) => sql`updated_at < ${c}`, longCutoff),
    deleteWhere('sms_messages', (c) => sql`received_at < ${c}`, longCutoff),
    // The row holds the parent's number in clear; a new text makes it again.
    deleteWhere('sms_conversations', (c) => sql`updated_at < ${c}`, longCutoff),
    {
      name: 'sms_pages',
      run: async (trx, limit) => {
        const result = await sql`update sms_conversations set pages = '[]'::jsonb where ctid = any(array(select ctid from sms_conversations where updated_at < ${pagesCutoff} and jsonb_array_length(pages) > 0 limit ${limit}))`.execute(trx);
        return result.numAffectedRows;
      },
    },
    {
      // Pages and choices made under a verified session die with it, whatever their age.
      name: 'sms_session_pages',
      run: async (trx) => BigInt(await deleteStalePages(trx, now)),
    },
    deleteWhere('sign_in_requests', (c) => sql`expires_at < ${c}`, shortCutoff),
    deleteWhere('verified_sessions', (c) => sql`coalesce(ended_at, expires_at) < ${c}`, shortCutoff),
    // Document links are short-lived; a row past its link's expiry only says who fetched what.
    deleteWhere('issued_documents', (c) => sql`expires_at < ${c}`, shortCutoff),
    deleteWhere('rate_limits', (c) => sql`expires_at < ${c}`, now),
  ];
}

/**
 * One purge run as of `now`. Safe to call from every instance at once: only the one that gets the
 * lock works, and the others return `ran: false` at once instead of waiting.
 */
export async function purgeExpired(db: Kysely<Database>, policy: RetentionPolicy, now: Date, options: PurgeOptions = {}): Promise<PurgeResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${PURGE_LOCK_ID}::bigint) as locked`.execute(trx);
    if (lock.rows[0]?.locked !== true) return { ran: false, deleted: {} };
    const deleted: Record<string, number> = {};
    for (const step of steps(policy, now)) {
      let total = 0;
      for (let batch = 0; batch < maxBatches; batch += 1) {
        const n = Number((await step.run(trx, batchSize)) ?? 0n);
        total += n;
        if (n < batchSize) break;
      }
      deleted[step.name] = total;
    }
    return { ran: true, deleted };
  });
}

export interface RetentionJob {
  /** Stops the timer and waits for a run in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

export interface RetentionJobOptions {
  readonly intervalMs: number;
  readonly onResult?: (result: PurgeResult) => void;
  readonly onError?: (error: unknown) => void;
  readonly now?: () => Date;
  /** 0 ≤ x < 1; injected by tests. */
  readonly random?: () => number;
}

/**
 * Runs `purgeExpired` about every `intervalMs`, each wait drawn between half and one and a half
 * intervals so that instances started together do not all try at the same moment.
 */
export function startRetentionJob(db: Kysely<Database>, policy: RetentionPolicy, options: RetentionJobOptions): RetentionJob {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopped = false;

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(tick, Math.round(options.intervalMs * (0.5 + random())));
    timer.unref();
  };
  const tick = (): void => {
    running = purgeExpired(db, policy, now()).then(
      (result) => options.onResult?.(result),
      (error: unknown) => options.onError?.(error),
    );
    void running.finally(() => {
      running = null;
      schedule();
    });
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
