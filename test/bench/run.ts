/**
 * `npm run bench`: a simple list of named measurements, each printed with its figure and its ratio
 * to its baseline measured in the same run (so a slower machine moves both). Add a measurement by
 * adding an entry to `MEASUREMENTS`.
 *
 * Documents: the median of warm renders (the first renders, which load and parse the fonts, are
 * not counted) of a 12-month statement in English and in Chinese (goal: ≤ 100 ms each, Chinese
 * ≤ 1.5 × English) and of a 500-line payment history.
 *
 * Start and memory (`start.ts`): `npm start` to `/readyz` 200 on the embedded database (goal ≤ 3 s)
 * and resident memory just after start (goal ≤ 200 MB), against a bare Node server in the same run.
 *
 * Turn cost (`turns.ts`, only when DATABASE_URL names a PostgreSQL database the bench may migrate
 * and seed): "help" turns/s on `/api/messages` of the built app against a bare echo bot and an echo
 * bot keeping its state in the same database (goal ≥ 0.5 × the echo bot), p50/p99 at 100 turns/s
 * offered (goal p99 ≤ 50 ms), the server's CPU per turn, and its resident memory after 10,000 turns.
 *
 * Every figure is printed and written to `BENCHMARKS.md` with the machine it ran on.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureStart } from './start.js';
import { renderPdf } from '../../channels/documents/render.js';
import { historyDefinition, statementDefinition, type Definition } from '../../channels/documents/templates.js';
import { openDatabase } from '../../db/connect.js';
import type { Payment } from '../../db/account/payments.js';
import { readStatement, type Statement } from '../../db/account/statements.js';
import { migrateToLatest } from '../../db/migrate.js';
import { seedDemoIfEmpty } from '../../db/seed.js';
import { benchReminders } from './reminders.js';
import { measureTurns, turnLines } from './turns.js';

interface Measurement {
  readonly name: string;
  /** One run of the thing measured; resolves when it is done. */
  readonly run: () => Promise<unknown>;
  /** The measurement this one is compared with (by name); none: compared with the run's baseline. */
  readonly baseline?: string;
  /** A goal in milliseconds, printed next to the figure. */
  readonly goalMs?: number;
  /** Measured once, cold (what the first such document after a start costs), not warmed up. */
  readonly once?: boolean;
}

const WARMUP = 3;
const RUNS = 15;

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Median wall time and median CPU time (user + system) of warm runs. On a shared machine the wall
 * time also counts other processes' turns; the CPU time is this process's own work.
 */
async function median(run: () => Promise<unknown>, once = false): Promise<{ wallMs: number; cpuMs: number }> {
  if (!once) for (let i = 0; i < WARMUP; i += 1) await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < (once ? 1 : RUNS); i += 1) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wallMs: middle(wall), cpuMs: middle(cpu) };
}

/** pdfmake changes a definition while laying it out: each run builds a fresh one. */
function render(build: () => Definition): () => Promise<unknown> {
  return () => {
    const definition = build();
    return renderPdf(definition.content, definition.footer);
  };
}

/** A history of `count` weekly payments, newest first, as the read model returns them. */
function syntheticPayments(count: number): Payment[] {
  const out: Payment[] = [];
  for (let i = 0; i < count; i += 1) {
    const day = new Date(Date.UTC(2026, 10, 20) - i * 7 * 86_400_000).toISOString().slice(0, 10);
    out.push({ id: `PMT-${i}`, caseNumber: 'CS24000101', receivedOn: day, amountCents: 12500, source: i % 9 === 0 ? 'direct_payment' : 'income_withholding' });
  }
  return out;
}

const lines: string[] = [];
function out(line: string): void {
  lines.push(line);
  console.log(line);
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB, ${platform()} ${release()}, Node ${process.version}`;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const { db, close } = await openDatabase({ databaseUrl: null, pgliteDir: 'memory://' });
  let yearEn: Statement | null;
  let yearZh: Statement | null;
  try {
    await migrateToLatest(db);
    await seedDemoIfEmpty(db, { ssnHmacKey: 'bench' });
    const year = { from: '2025-01-01', to: '2025-12-31' };
    yearEn = await readStatement(db, 'P-1001', 'CS24000101', year);
    yearZh = await readStatement(db, 'P-1003', 'CS23000202', year);
  } finally {
    await close();
  }
  if (yearEn === null || yearZh === null) throw new Error('the demo data has no statement to measure');
  const asOf = '2026-11-20';
  // The same 12-month ledger in both languages, so the ratio measures the language (font), not the data.
  const zhSameLedger: Statement = { ...yearEn, party: yearZh.party };
  const payments = syntheticPayments(500);
  const history = (): Definition => historyDefinition(
    { party: yearEn.party, caseNumbers: ['CS24000101'], period: { from: payments.at(-1)?.receivedOn ?? asOf, to: asOf }, payments, totalCents: 500 * 12500 },
    'en',
    asOf,
  );
  const emptyPage = (): Definition => ({ content: { content: ['.'], defaultStyle: { font: 'Roboto' } }, footer: () => ({ text: '' }) });

  const measurements: Measurement[] = [
    { name: 'first Chinese statement after a start (reads and parses the font), once', run: render(() => statementDefinition(zhSameLedger, 'zh-Hans', asOf)), once: true },
    { name: 'baseline: one-line PDF', run: render(emptyPage) },
    { name: 'statement, 12 months, English', run: render(() => statementDefinition(yearEn, 'en', asOf, 2025)), goalMs: 100 },
    { name: 'statement, 12 months, Chinese', run: render(() => statementDefinition(zhSameLedger, 'zh-Hans', asOf, 2025)), baseline: 'statement, 12 months, English', goalMs: 100 },
    { name: 'payment history, 500 lines', run: render(history) },
  ];

  const results = new Map<string, number>();
  for (const m of measurements) {
    const { wallMs, cpuMs } = await median(m.run, m.once === true);
    results.set(m.name, wallMs);
    const base = results.get(m.baseline ?? 'baseline: one-line PDF');
    const ratio = base === undefined || m.name === 'baseline: one-line PDF' || m.once === true ? '' : `  ×${(wallMs / base).toFixed(2)} of ${m.baseline ?? 'baseline'}`;
    const goal = m.goalMs === undefined ? '' : `  (goal ≤ ${m.goalMs} ms: ${wallMs <= m.goalMs ? 'met' : 'MISSED'})`;
    const how = m.once === true ? 'one cold run' : `median of ${RUNS} warm runs`;
    out(`${m.name}: ${wallMs.toFixed(1)} ms (cpu ${cpuMs.toFixed(1)} ms) ${how}${ratio}${goal}`);
  }
  // Reminders: 100,000 due texts through the queue (BENCH_REMINDERS sets another count).
  await benchReminders(Number(process.env.BENCH_REMINDERS ?? 100_000));
  console.log(`load average while measuring: ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);

  const start = await measureStart();
  const mb = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(0)} MB`);
  const goal = (met: boolean, text: string): string => `(goal ${text}: ${met ? 'met' : 'MISSED'})`;
  const cpu = (v: number | null): string => (v === null ? '' : ` (cpu ${v.toFixed(0)} ms)`);
  out(`baseline: bare Node HTTP server to ready: ${start.bare.readyMs.toFixed(0)} ms${cpu(start.bare.cpuMs)}, resident ${mb(start.bare.rssMb)}`);
  out(`npm start (build skipped: up to date; then node) to /readyz 200, embedded database: ${start.npmStart.readyMs.toFixed(0)} ms  ×${(start.npmStart.readyMs / start.bare.readyMs).toFixed(1)} of baseline  ${goal(start.npmStart.readyMs <= 3000, '≤ 3000 ms')}`);
  out(`node .data/build/index.js (built) to /readyz 200, embedded database: ${start.node.readyMs.toFixed(0)} ms${cpu(start.node.cpuMs)}  ×${(start.node.readyMs / start.bare.readyMs).toFixed(1)} of baseline  ${goal(start.node.readyMs <= 3000, '≤ 3000 ms')}`);
  out(`resident memory 1 s after ready, embedded database: ${mb(start.node.rssMb)}  ${goal(start.node.rssMb !== null && start.node.rssMb <= 200, '≤ 200 MB')}`);
  out(`load average while measuring: ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);

  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    out('turn cost: not measured (set DATABASE_URL to a PostgreSQL database the bench may migrate and seed)');
  } else {
    const turns = await measureTurns({ databaseUrl, log: (line) => console.log(`  ${line}`) });
    for (const line of turnLines(turns)) out(line);
    out(`load average while measuring: ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
  }

  const file = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
  const text = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`; each figure is compared with its baseline measured in the same run.',
    '',
    `Run ${startedAt.toISOString()} on: ${machine()}.`,
    '',
    ...lines.map((line) => `- ${line}`),
    '',
  ].join('\n');
  await writeFile(file, text);
  console.log(`written to BENCHMARKS.md`);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.message : String(error));
  process.exit(1);
});
