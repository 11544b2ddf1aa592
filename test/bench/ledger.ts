/**
 * Ledger scale: do a parent's balance and last payment cost the same when the agency's tables hold
 * a thousand payments as when they hold ten million? A throwaway database on the PostgreSQL server
 * (never the one people use) gets the demo data, then synthetic cases (100 weekly payments each,
 * two parents each) filled in chunks by the server itself (`insert … select … generate_series`: no
 * row crosses the wire), with a progress bar on stderr. Each payment brings what the extract brings
 * with it: its ledger credit, the week's charge and its disbursement, so 4 rows per payment.
 *
 * The reads are the chat's own (`readBalances`, `readLastPayment` in db/account), for demo parents,
 * timed on a database of the small size and one of the large size in turn, run after run; the
 * baseline is `select 1` on each in the same turns. Goal: the large figure within 1.3 × the small one.
 *
 * Alone: `DATABASE_URL=postgres://… tsx test/bench/ledger.ts --rows 10000000 [--keep]`.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import { readBalances } from '../../db/account/balances.js';
import { readLastPayment } from '../../db/account/payments.js';
import { openDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { currentAsOf, seedDemoIfEmpty } from '../../db/seed.js';
import { goal, middle, progressBar, type Timing } from './measure.js';
import { createServerDatabase } from '../helpers/database.js';

/** Weekly payments per synthetic case: about two years of them. */
const PAYMENTS_PER_CASE = 100;
const CHUNK = 100_000;
export const SMALL_ROWS = 1_000;
/** Most a large read may cost, as a multiple of the same read at the small size. */
export const FLAT_WITHIN = 1.3;

/** The demo parents whose reads are timed: a paying parent, and a receiving one (whose last payment also reads its disbursement). */
const PAYING = { personId: 'P-1002', caseNumber: 'CS24000101' };
const RECEIVING = { personId: 'P-1001', caseNumber: 'CS24000101' };

const caseNumber = (g: string): string => `'SY' || lpad((${g} / ${PAYMENTS_PER_CASE})::text, 8, '0')`;

/**
 * One chunk: payments [from, to), with the cases (and their parents) they start. `from` is a case
 * boundary. $1 and $2 are replaced by the two whole numbers, so the same text runs on both engines.
 */
const CHUNK_SQL = [
  // Two parents per case started in this chunk: ids 2c and 2c + 1.
  `insert into people (id, first_name, last_name, ssn_hmac, date_of_birth, preferred_language, mailing_address)
   select 'SYN-P-' || g, 'Synthetic', 'Parent', 'synthetic-' || g, date '1970-01-01' + (g % 10000)::int, (array['en', 'zh-Hans', 'es'])[1 + g % 3],
          '{"line1": "1 Synthetic Street", "city": "New York", "state": "NY", "zip": "10001"}'::jsonb
   from generate_series(($1::bigint / ${PAYMENTS_PER_CASE}) * 2, ((($2::bigint - 1) / ${PAYMENTS_PER_CASE}) * 2) + 1) as g`,
  `insert into cases (case_number, office_id, order_amount_cents, order_frequency, order_start_date, balance_cents, next_due_date, next_due_amount_cents)
   select 'SY' || lpad(g::text, 8, '0'), (select id from offices order by id limit 1), 12500, 'weekly', date '2024-01-05', 0, date '2026-11-27', 12500
   from generate_series($1::bigint / ${PAYMENTS_PER_CASE}, ($2::bigint - 1) / ${PAYMENTS_PER_CASE}) as g`,
  `insert into case_parties (case_number, person_id, role)
   select 'SY' || lpad(g::text, 8, '0'), 'SYN-P-' || (g * 2 + r.k), case r.k when 0 then 'custodial' else 'noncustodial' end
   from generate_series($1::bigint / ${PAYMENTS_PER_CASE}, ($2::bigint - 1) / ${PAYMENTS_PER_CASE}) as g cross join (values (0), (1)) as r(k)`,
  `insert into payments (id, case_number, received_on, amount_cents, source)
   select 'SYN-' || g, ${caseNumber('g')}, date '2024-01-07' + ((g % ${PAYMENTS_PER_CASE}) * 7)::int, 12500,
          case when g % 9 = 0 then 'direct_payment' else 'income_withholding' end
   from generate_series($1::bigint, $2::bigint - 1) as g`,
  `insert into ledger_entries (case_number, seq, entry_date, type, amount_cents, description, payment_id)
   select ${caseNumber('g')}, ((g % ${PAYMENTS_PER_CASE}) * 2 + e.k)::int, date '2024-01-05' + ((g % ${PAYMENTS_PER_CASE}) * 7 + (e.k - 1) * 2)::int,
          case e.k when 1 then 'charge' else 'payment' end, case e.k when 1 then 12500 else -12500 end,
          case e.k when 1 then 'Current support due' else 'Payment received' end, case e.k when 2 then 'SYN-' || g end
   from generate_series($1::bigint, $2::bigint - 1) as g cross join (values (1), (2)) as e(k)`,
  `insert into disbursements (id, case_number, payment_id, issued_on, amount_cents, method)
   select 'SYN-D-' || g, ${caseNumber('g')}, 'SYN-' || g, date '2024-01-09' + ((g % ${PAYMENTS_PER_CASE}) * 7)::int, 12500, 'direct_deposit'
   from generate_series($1::bigint, $2::bigint - 1) as g`,
];

/** CPU time a server backend spent so far, when that server runs on this machine; null otherwise. */
async function backendCpuMs(pid: number | null): Promise<number | null> {
  if (pid === null) return null;
  try {
    // A remote server's backend id may name some other local process: only a postgres one counts.
    if (!(await readFile(`/proc/${pid}/comm`, 'utf8')).startsWith('postgres')) return null;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export interface Generation {
  readonly payments: number;
  /** Every row written: payments, ledger entries, disbursements, cases, parents. */
  readonly rows: number;
  readonly seconds: number;
  /** The server backend's CPU seconds for the fill, when it runs on this machine. */
  readonly serverCpuSeconds: number | null;
  readonly analyzeSeconds: number;
}

/**
 * Synthetic payments [from, to) with everything that comes with them, in chunks of 100,000
 * payments, one transaction each, on one connection; then ANALYZE, as any bulk load is followed by.
 */
export async function generatePayments(db: Kysely<Database>, from: number, to: number, options: { label?: string; quiet?: boolean } = {}): Promise<Generation> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to <= from) throw new Error('a fill takes whole numbers, from < to');
  if (from % PAYMENTS_PER_CASE !== 0) throw new Error(`a fill starts on a case boundary (a multiple of ${PAYMENTS_PER_CASE})`);
  return db.connection().execute(async (connection) => {
    const backend = await sql<{ pid: number | null }>`select pg_backend_pid() as pid`.execute(connection).catch(() => null);
    const pid = backend?.rows[0]?.pid ?? null;
    const cpuBefore = await backendCpuMs(pid);
    const progress = options.quiet === true ? null : progressBar(to - from, options.label ?? 'payments', 'payments');
    const started = performance.now();
    let rows = 0;
    for (let start = from; start < to; start += CHUNK) {
      const end = Math.min(to, start + CHUNK);
      await connection.transaction().execute(async (trx) => {
        for (const statement of CHUNK_SQL) {
          const result = await sql.raw(statement.replaceAll('$1', String(start)).replaceAll('$2', String(end))).execute(trx);
          rows += Number(result.numAffectedRows ?? 0);
        }
      });
      progress?.update(end - from);
    }
    progress?.finish();
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = await backendCpuMs(pid);
    const analyzing = performance.now();
    await sql`analyze`.execute(connection);
    const analyzeSeconds = (performance.now() - analyzing) / 1000;
    return {
      payments: to - from,
      rows,
      seconds,
      serverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / 1000,
      analyzeSeconds,
    };
  });
}

export interface ReadFigures {
  readonly payments: number;
  readonly baseline: Timing;
  readonly balance: Timing;
  readonly lastPayment: Timing;
}

/** One timed run: wall and CPU time (this process) in ms. */
async function timeOnce(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpuStart);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

/**
 * The reads on each database in turn, run after run (small, large, small, large…), so a busy
 * moment of a shared machine falls on both sizes alike rather than on whichever was measured then.
 */
async function timeReadsInterleaved(dbs: readonly Kysely<Database>[], runs = 31, warmup = 5): Promise<ReadFigures[]> {
  const targets = await Promise.all(
    dbs.map(async (db) => {
      const asOf = await currentAsOf(db);
      if (asOf === null) throw new Error('the demo extract date is missing');
      const count = await db.selectFrom('payments').select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow();
      const reads = {
        baseline: () => sql`select 1`.execute(db),
        balance: async () => {
          const view = await readBalances(db, PAYING.personId);
          if (view.cases.length === 0) throw new Error('the paying demo parent has no case');
        },
        lastPayment: async () => {
          const last = await readLastPayment(db, RECEIVING.personId, RECEIVING.caseNumber, asOf);
          if (last === null || last.disbursement === null) throw new Error('the receiving demo parent has no disbursed payment');
        },
      };
      return { payments: Number(count.n), reads };
    }),
  );
  type Read = 'baseline' | 'balance' | 'lastPayment';
  const names: readonly Read[] = ['baseline', 'balance', 'lastPayment'];
  const samples = targets.map(() => new Map<Read, { wall: number[]; cpu: number[] }>(names.map((r) => [r, { wall: [], cpu: [] }])));
  for (let i = 0; i < warmup + runs; i += 1) {
    for (const read of names) {
      for (const [t, target] of targets.entries()) {
        const timed = await timeOnce(target.reads[read]);
        const into = samples[t]?.get(read);
        if (i >= warmup && into !== undefined) {
          into.wall.push(timed.wall);
          into.cpu.push(timed.cpu);
        }
      }
    }
  }
  return targets.map((target, t) => {
    const timing = (read: Read): Timing => {
      const s = samples[t]?.get(read);
      return { wallMs: middle(s?.wall ?? []), cpuMs: middle(s?.cpu ?? []) };
    };
    return { payments: target.payments, baseline: timing('baseline'), balance: timing('balance'), lastPayment: timing('lastPayment') };
  });
}

export interface LedgerFigures {
  readonly small: ReadFigures;
  readonly large: ReadFigures;
  /** The fill from the small size to the large one. */
  readonly generation: Generation;
  /** `PostgreSQL 15.20`: the server's version, which the plans depend on. */
  readonly server: string;
}

/**
 * Creates two databases next to the one `adminUrl` names, `bench_ledger_<random>_small` (the demo
 * and 1,000 payments) and `…_large` (the same, then filled to `rows`), times the reads on both in
 * turn, and drops them (unless `keep`: then their names are printed, for EXPLAIN ANALYZE).
 */
export async function benchLedger(adminUrl: string, rows: number, options: { keep?: boolean } = {}): Promise<LedgerFigures> {
  if (rows < SMALL_ROWS) throw new Error(`--rows must be at least ${SMALL_ROWS}`);
  const prefix = `bench_ledger_${randomBytes(6).toString('hex')}`;
  const names = [`${prefix}_small`, `${prefix}_large`];
  const opened: { db: Kysely<Database>; close(): Promise<void> }[] = [];
  const created: { drop(): Promise<void> }[] = [];
  try {
    for (const name of names) {
      const server = await createServerDatabase({ adminUrl, name });
      created.push(server);
      const database = await openDatabase({ databaseUrl: server.url, pgliteDir: 'memory://' });
      opened.push(database);
      await migrateToLatest(database.db);
      await seedDemoIfEmpty(database.db, { ssnHmacKey: 'bench' });
      await generatePayments(database.db, 0, SMALL_ROWS, { label: `${name}: first 1,000 payments` });
    }
    const [small, large] = opened;
    if (small === undefined || large === undefined) throw new Error('the two databases did not open');
    const generation = await generatePayments(large.db, SMALL_ROWS, rows);
    const [smallReads, largeReads] = await timeReadsInterleaved([small.db, large.db]);
    if (smallReads === undefined || largeReads === undefined) throw new Error('no reads were timed');
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(large.db);
    return { small: smallReads, large: largeReads, generation, server: `PostgreSQL ${version.rows[0]?.v.split(' ')[0] ?? '?'}` };
  } finally {
    for (const database of opened) await database.close();
    if (options.keep === true) console.error(`kept databases ${names.join(', ')}`);
    else for (const server of created) await server.drop();
  }
}

function ms(t: Timing): string {
  return `${t.wallMs.toFixed(2)} ms (cpu ${t.cpuMs.toFixed(2)} ms)`;
}

/** The lines BENCHMARKS.md gets. */
export function ledgerLines(f: LedgerFigures): string[] {
  const g = f.generation;
  const n = (v: number): string => v.toLocaleString('en-US');
  const line = (what: string, small: Timing, large: Timing): string => {
    const ratio = large.wallMs / small.wallMs;
    return `${what}: ${ms(small)} at ${n(f.small.payments)} payments, ${ms(large)} at ${n(f.large.payments)}  ×${ratio.toFixed(2)}  ${goal(ratio <= FLAT_WITHIN, `flat within ${FLAT_WITHIN} ×`)}`;
  };
  return [
    `baseline: select 1 on each database, in the same turns: ${ms(f.small.baseline)} at ${n(f.small.payments)} payments, ${ms(f.large.baseline)} at ${n(f.large.payments)}`,
    line('balance (readBalances, a paying demo parent)', f.small.balance, f.large.balance),
    line('last payment with its disbursement (readLastPayment, a receiving demo parent)', f.small.lastPayment, f.large.lastPayment),
    `generating ${n(g.payments)} payments (${n(g.rows)} rows with ledger entries, disbursements, cases, parents) on ${f.server}: ${g.seconds.toFixed(1)} s, ${n(Math.round(g.payments / g.seconds))} payments/s${g.serverCpuSeconds === null ? '' : `, server cpu ${g.serverCpuSeconds.toFixed(1)} s`}; then ANALYZE ${g.analyzeSeconds.toFixed(1)} s`,
  ];
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url.trim() === '') throw new Error('set DATABASE_URL to a PostgreSQL server (a throwaway database is created on it)');
  const args = process.argv.slice(2);
  const rows = Number((flag(args, '--rows') ?? '100000').replace(/[_,]/g, ''));
  const figures = await benchLedger(url.trim(), rows, { keep: args.includes('--keep') });
  for (const line of ledgerLines(figures)) console.log(line);
}

if (process.argv[1]?.endsWith('ledger.ts') === true) {
  main().catch((error: unknown) => {
    console.error('ledger bench failed:', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
