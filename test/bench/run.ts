/**
 * `npm run bench`: named sections of measurements, each figure printed with its ratio to a baseline
 * measured in the same run (so a slower or busier machine moves both), and written to
 * `BENCHMARKS.md` with the machine it ran on.
 *
 *   npm run bench                                   every section, quick sizes (a few minutes)
 *   npm run bench -- --only ledger,sms              some sections; the others keep their last figures
 *   npm run bench -- --only ledger --rows 10000000  the ledger at ten million payments
 *   npm run bench -- --reminders 100000             the reminders queue at another size
 *   npm run bench -- --only start --start-turns 10000  memory after ten thousand turns
 *
 * Sections:
 * - documents: the median of warm renders (the first renders, which load and parse the fonts, are
 *   not counted) of a 12-month statement in English and in Chinese (goal: ≤ 100 ms each, Chinese
 *   ≤ 1.5 × English) and of a 500-line payment history, against a one-line PDF.
 * - reminders (`reminders.ts`): due texts through the queue, against the Twilio client alone.
 * - streaming (`streaming.ts`): Direct Line post → socket frame (the answer against the message's
 *   own echo), and Enter → reply in Chromium when it is installed.
 * - sms (`sms.ts`, needs DATABASE_URL): signed Twilio webhooks at a fixed rate, p50/p99 (goal
 *   p99 ≤ 100 ms), against /healthz at the same rate.
 * - ledger (`ledger.ts`, needs DATABASE_URL): balance and last payment at 1,000 and at `--rows`
 *   payments (goal: flat within 1.3 ×), and the time the fill took.
 * - turns (`turns.ts`, needs DATABASE_URL): "help" turns/s on `/api/messages` of the built app
 *   against a bare echo bot and an echo bot keeping its state in the same database, closed loop
 *   (goal ≥ 0.5 × the echo bot), p50/p99 at 100 turns/s offered (goal p99 ≤ 50 ms), the server's
 *   CPU per turn, and its resident memory after 10,000 turns; on a throwaway database.
 * - start (`start.ts`): `npm start` to `/readyz` 200 on the embedded database (goal ≤ 3 s) and
 *   resident memory just after start and after `--start-turns` Direct Line turns (default 1,000;
 *   goal ≤ 200 MB), against a bare Node server; with DATABASE_URL, on PostgreSQL too.
 *
 * Add a measurement by adding an entry to a section, a section by adding it to `SECTIONS`.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { measureStart } from './start.js';
import { measureTurns, turnLines } from './turns.js';
import { renderPdf } from '../../channels/documents/render.js';
import { historyDefinition, statementDefinition, type Definition } from '../../channels/documents/templates.js';
import { openDatabase } from '../../db/connect.js';
import type { Payment } from '../../db/account/payments.js';
import { readStatement, type Statement } from '../../db/account/statements.js';
import { migrateToLatest } from '../../db/migrate.js';
import { seedDemoIfEmpty } from '../../db/seed.js';
import { startTestApp } from '../helpers/app.js';
import { createServerDatabase } from '../helpers/database.js';
import { benchLedger, ledgerLines } from './ledger.js';
import { goal, load, machine, medianOf } from './measure.js';
import { benchReminders, DEFAULT_REMINDERS, reminderLines } from './reminders.js';
import { benchSms, smsLines } from './sms.js';
import { browserReplyLatency, loopbackStreamLatency, type Figures } from './streaming.js';

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

const RUNS = 15;
const CHROMIUM = '/usr/bin/chromium';

interface Options {
  readonly rows: number;
  readonly reminders: number;
  readonly smsRate: number;
  readonly smsSeconds: number;
  readonly streamRuns: number;
  /** Direct Line turns the started app answers before its resident memory is read again. */
  readonly startTurns: number;
  /** The PostgreSQL server the sms and ledger sections create their throwaway databases on. */
  readonly databaseUrl: string | null;
}

interface Section {
  readonly name: string;
  readonly title: string;
  readonly needsServer?: boolean;
  /** The lines BENCHMARKS.md gets for this section, each printed as soon as it is known. */
  run(options: Options, out: (line: string) => void): Promise<void>;
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

async function documents(_options: Options, out: (line: string) => void): Promise<void> {
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
    const { wallMs, cpuMs } = await medianOf(m.run, m.once === true ? { warmup: 0, runs: 1 } : { runs: RUNS });
    results.set(m.name, wallMs);
    const base = results.get(m.baseline ?? 'baseline: one-line PDF');
    const ratio = base === undefined || m.name === 'baseline: one-line PDF' || m.once === true ? '' : `  ×${(wallMs / base).toFixed(2)} of ${m.baseline ?? 'baseline'}`;
    const met = m.goalMs === undefined ? '' : `  ${goal(wallMs <= m.goalMs, `≤ ${m.goalMs} ms`)}`;
    const how = m.once === true ? 'one cold run' : `median of ${RUNS} warm runs`;
    out(`${m.name}: ${wallMs.toFixed(1)} ms (cpu ${cpuMs.toFixed(1)} ms) ${how}${ratio}${met}`);
  }
}

async function reminders(options: Options, out: (line: string) => void): Promise<void> {
  for (const line of reminderLines(await benchReminders(options.reminders))) out(line);
}

async function streaming(options: Options, out: (line: string) => void): Promise<void> {
  const f = (what: string, v: Figures): string => `${what}: median ${v.median} ms, p95 ${v.p95} ms (${v.runs} runs)`;
  const server = options.databaseUrl === null ? null : await createServerDatabase();
  const engine = server === null ? 'embedded database' : 'PostgreSQL';
  try {
    const app = await startTestApp(server === null ? {} : { DATABASE_URL: server.url });
    try {
      const loopback = await loopbackStreamLatency(app.baseUrl, options.streamRuns);
      out(f(`baseline: Direct Line post → the message's own echo frame on the socket (the push alone), ${engine}`, loopback.echo));
      out(`${f('Direct Line post → the answer\'s frame on the socket ("help": a whole turn)', loopback.answer)}  ×${(loopback.answer.median / loopback.echo.median).toFixed(1)} of baseline median`);
      if (existsSync(CHROMIUM)) {
        const polling = await browserReplyLatency(app.baseUrl, false);
        const streamed = await browserReplyLatency(app.baseUrl, true);
        out(f('baseline: Chromium, Web Chat, Enter → reply bubble, polling (WebSocket hidden)', polling));
        out(`${f('Chromium, Web Chat, Enter → reply bubble, streaming', streamed)}  ×${(streamed.median / polling.median).toFixed(2)} of baseline median`);
      } else {
        out(`Chromium Enter → reply: not measured (no Chromium at ${CHROMIUM} on this machine)`);
      }
    } finally {
      await app.stop();
    }
  } finally {
    await server?.drop();
  }
}

async function sms(options: Options, out: (line: string) => void): Promise<void> {
  for (const line of smsLines(await benchSms({ rate: options.smsRate, seconds: options.smsSeconds }))) out(line);
}

async function ledger(options: Options, out: (line: string) => void): Promise<void> {
  if (options.databaseUrl === null) throw new Error('the ledger needs DATABASE_URL');
  for (const line of ledgerLines(await benchLedger(options.databaseUrl, options.rows))) out(line);
}

async function start(options: Options, out: (line: string) => void): Promise<void> {
  const database = options.databaseUrl === null ? null : await createServerDatabase();
  try {
    const figures = await measureStart(3, { turns: options.startTurns, ...(database === null ? {} : { databaseUrl: database.url }) });
    const mb = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(0)} MB`);
    const cpu = (v: number | null): string => (v === null ? '' : ` (cpu ${v.toFixed(0)} ms)`);
    const script = 'the start script\'s own command and flags, without npm,';
    out(`baseline: bare Node HTTP server to ready: ${figures.bare.readyMs.toFixed(0)} ms${cpu(figures.bare.cpuMs)}, resident ${mb(figures.bare.rssMb)}`);
    out(`npm start (build skipped: up to date; then node) to /readyz 200, embedded database: ${figures.npmStart.readyMs.toFixed(0)} ms  ×${(figures.npmStart.readyMs / figures.bare.readyMs).toFixed(1)} of baseline  ${goal(figures.npmStart.readyMs <= 3000, '≤ 3000 ms')}`);
    out(`${script} to /readyz 200, embedded database: ${figures.node.readyMs.toFixed(0)} ms${cpu(figures.node.cpuMs)}  ×${(figures.node.readyMs / figures.bare.readyMs).toFixed(1)} of baseline  ${goal(figures.node.readyMs <= 3000, '≤ 3000 ms')}`);
    out(`resident memory 1 s after ready, embedded database: ${mb(figures.node.rssMb)}  ${goal(figures.node.rssMb !== null && figures.node.rssMb <= 200, '≤ 200 MB')}`);
    out(`resident memory after ${options.startTurns} Direct Line turns, embedded database: ${mb(figures.node.rssAfterLoadMb)}  ${goal(figures.node.rssAfterLoadMb !== null && figures.node.rssAfterLoadMb <= 200, '≤ 200 MB')}`);
    if (figures.postgres !== null) {
      out(`the same on PostgreSQL: ready ${figures.postgres.readyMs.toFixed(0)} ms${cpu(figures.postgres.cpuMs)}, resident ${mb(figures.postgres.rssMb)} after ready and ${mb(figures.postgres.rssAfterLoadMb)} after ${options.startTurns} turns`);
    }
  } finally {
    await database?.drop();
  }
}

async function turns(_options: Options, out: (line: string) => void): Promise<void> {
  const database = await createServerDatabase();
  try {
    const figures = await measureTurns({ databaseUrl: database.url, log: (line) => console.log(`  ${line}`) });
    for (const line of turnLines(figures)) out(line);
  } finally {
    await database.drop();
  }
}

const SECTIONS: readonly Section[] = [
  { name: 'documents', title: 'Documents', run: documents },
  { name: 'reminders', title: 'Reminders', run: reminders },
  { name: 'streaming', title: 'Direct Line streaming', run: streaming },
  { name: 'sms', title: 'SMS webhook', needsServer: true, run: sms },
  { name: 'ledger', title: 'Ledger scale', needsServer: true, run: ledger },
  { name: 'turns', title: 'Turns', needsServer: true, run: turns },
  { name: 'start', title: 'Start and memory', run: start },
];

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function count(args: readonly string[], name: string, fallback: number): number {
  const text = flag(args, name);
  if (text === undefined) return fallback;
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`);
  return value;
}

/** The file's sections by title, so a run of some sections keeps the others' last figures. */
function sectionsOf(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const block of text.split(/^(?=## )/m).slice(1)) {
    const title = /^## (.+)$/m.exec(block)?.[1]?.trim();
    if (title !== undefined) sections.set(title, block.trimEnd());
  }
  return sections;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const url = process.env.DATABASE_URL?.trim() ?? '';
  const options: Options = {
    rows: count(args, '--rows', 100_000),
    reminders: count(args, '--reminders', DEFAULT_REMINDERS),
    smsRate: count(args, '--sms-rate', 20),
    smsSeconds: count(args, '--sms-seconds', 10),
    streamRuns: count(args, '--stream-runs', 100),
    startTurns: count(args, '--start-turns', 1000),
    databaseUrl: url === '' ? null : url,
  };
  const only = flag(args, '--only')?.split(',').map((s) => s.trim()) ?? null;
  const unknown = only?.filter((name) => !SECTIONS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`no section ${unknown.join(', ')}; the sections: ${SECTIONS.map((s) => s.name).join(', ')}`);

  const file = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
  const kept = sectionsOf(existsSync(file) ? await readFile(file, 'utf8') : '');
  let written = 0;
  for (const section of SECTIONS) {
    if (only !== null && !only.includes(section.name)) continue;
    if (section.needsServer === true && options.databaseUrl === null) {
      console.log(`## ${section.title}: skipped, it needs DATABASE_URL (a PostgreSQL server to create a throwaway database on)`);
      continue;
    }
    console.log(`## ${section.title}`);
    const lines: string[] = [];
    const startedAt = new Date();
    await section.run(options, (line) => {
      lines.push(line);
      console.log(line);
    });
    lines.push(`${load()} at the end`);
    console.log(lines.at(-1));
    kept.set(section.title, [`## ${section.title}`, '', `Run ${startedAt.toISOString()} on: ${machine()}.`, '', ...lines.map((line) => `- ${line}`)].join('\n'));
    // Written after each section, so a long run interrupted later keeps what it measured.
    const ordered = [...SECTIONS.map((s) => s.title).filter((t) => kept.has(t)), ...[...kept.keys()].filter((t) => !SECTIONS.some((s) => s.title === t))];
    const text = [
      '# Benchmarks',
      '',
      'Written by `npm run bench`; each figure is compared with its baseline measured in the same run.',
      'Sections are measured separately (`npm run bench -- --only ledger,sms`), each with its own date and machine.',
      '',
      ...ordered.map((title) => `${kept.get(title) ?? ''}\n`),
    ].join('\n');
    await writeFile(file, text);
    written += 1;
  }
  console.log(written === 0 ? 'nothing measured: BENCHMARKS.md left as it was' : `${written} section(s) written to BENCHMARKS.md`);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.message : String(error));
  process.exit(1);
});
