/**
 * Resident memory of the app as `npm start` runs it (the start script's flags and variables, the
 * embedded database), just after ready and after `/api/messages` "help" turns.
 *
 *   npx tsx test/bench/memory.ts [--turns 10000] [--conversations 50] [--distinct] [--runs 3] [--probe]
 *
 * `--distinct`: every turn in a conversation of its own (an outside check may send many distinct
 * conversations), instead of `--conversations` conversations that go on turn after turn.
 * `--probe`: the process also reports `process.memoryUsage()` and V8's heap spaces, so the RSS can
 * be broken down (the probe itself is a few lines, loaded before the app).
 * `--env NAME=value` (repeatable) sets or, with an empty value, removes a variable over the start
 * script's. Extra node flags after `--` are added to the start script's (to try one before
 * changing the script).
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/app.js';
import { closedLoop, processCpuMs, processRssMb, waitReady, type BotServer } from './turns.js';
import { startScript } from './start.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const own = dashes === -1 ? argv : argv.slice(0, dashes);
const extraNodeArgs = dashes === -1 ? [] : argv.slice(dashes + 1);
const option = (name: string, fallback: number): number => {
  const at = own.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(own[at + 1]);
};
const TURNS = option('turns', 10_000);
const CONVERSATIONS = option('conversations', 50);
const RUNS = option('runs', 3);
const DISTINCT = own.includes('--distinct');
const PROBE = own.includes('--probe');
const ENV_OVERRIDES = own.flatMap((arg, i) => (own[i - 1] === '--env' ? [arg.split('=')] : [])).map(([name = '', ...value]) => [name, value.join('=')] as const);

/** On SIGUSR2, writes the process's own view of its memory to MEM_PROBE_OUT. */
const PROBE_SOURCE = `
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
process.on('SIGUSR2', () => {
  const mb = (n) => Math.round(n / 1048576 * 10) / 10;
  const usage = Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mb(v)]));
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.physical_space_size)]));
  writeFileSync(process.env.MEM_PROBE_OUT, JSON.stringify({ usage, spaces }));
});
`;

async function smapsRollup(pid: number): Promise<Record<string, number>> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const figures: Record<string, number> = {};
  for (const [, name = '', kb = '0'] of text.matchAll(/^(\w+):\s+(\d+) kB/gm)) {
    if (['Rss', 'Anonymous', 'Shared_Clean', 'Private_Clean', 'Private_Dirty'].includes(name)) figures[name] = Math.round(Number(kb) / 102.4) / 10;
  }
  return figures;
}

async function probe(pid: number, out: string): Promise<unknown> {
  if (!PROBE) return null;
  await rm(out, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50 && !existsSync(out); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  return JSON.parse(await readFile(out, 'utf8')) as unknown;
}

async function once(dir: string): Promise<void> {
  const scripted = await startScript({});
  if (scripted.command !== 'node') throw new Error(`the start script runs ${scripted.command}, not node`);
  const start = { args: scripted.args, env: scripted.env };
  const pgliteDir = join(dir, `pglite-${Date.now()}`);
  await cp(join(dir, 'pglite'), pgliteDir, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...start.env, PGLITE_DIR: pgliteDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
  for (const name of ['DATABASE_URL', 'NODE_ENV', 'NODE_OPTIONS']) delete env[name];
  for (const [name, value] of ENV_OVERRIDES) {
    if (value === '') delete env[name];
    else env[name] = value;
  }
  const probeOut = join(dir, 'probe.json');
  env.MEM_PROBE_OUT = probeOut;
  const probeArgs = PROBE ? [`--import=data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`] : [];
  const [script = '', ...flags] = [...start.args].reverse();
  const args = [...flags.reverse(), ...extraNodeArgs, ...probeArgs, script];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(port, child, 'the app');
    const readyMs = performance.now() - started;
    const pid = child.pid ?? 0;
    const startCpuMs = await processCpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = { rssMb: await processRssMb(pid), smaps: await smapsRollup(pid), probe: await probe(pid, probeOut) };
    const server: BotServer = { name: 'assistant', port, pid, expect: (text) => text.length > 100, stop: async () => {} };
    const cpuBefore = await processCpuMs(pid);
    const loadStarted = performance.now();
    let turns = 0;
    let errors = 0;
    let firstError: string | undefined;
    if (DISTINCT) {
      for (let batch = 0; turns + errors < TURNS; batch += 1) {
        const figure = await closedLoop(server, { seconds: 3600, conversations: CONVERSATIONS, maxTurns: Math.min(CONVERSATIONS, TURNS - turns - errors) });
        turns += figure.turns;
        errors += figure.errors;
        firstError ??= figure.firstError;
      }
    } else {
      const figure = await closedLoop(server, { seconds: 3600, conversations: CONVERSATIONS, maxTurns: TURNS });
      turns = figure.turns;
      errors = figure.errors;
      firstError = figure.firstError;
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const cpuMsPerTurn = ((await processCpuMs(pid)) - cpuBefore) / Math.max(1, turns);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = { rssMb: await processRssMb(pid), smaps: await smapsRollup(pid), probe: await probe(pid, probeOut) };
    console.log(
      JSON.stringify({
        readyMs: Math.round(readyMs),
        startCpuMs,
        rssAfterStartMb: Math.round(before.rssMb * 10) / 10,
        rssAfterLoadMb: Math.round(after.rssMb * 10) / 10,
        turns,
        errors,
        ...(firstError === undefined ? {} : { firstError }),
        turnsPerSecond: Math.round(turns / loadSeconds),
        cpuMsPerTurn: Math.round(cpuMsPerTurn * 100) / 100,
      }),
    );
    if (PROBE) console.log(JSON.stringify({ before, after }));
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(pgliteDir, { recursive: true, force: true });
  }
}

const dir = await mkdtemp(join(tmpdir(), 'bench-memory-'));
try {
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: join(dir, 'pglite') };
  delete env.DATABASE_URL;
  if (existsSync(join(ROOT, '.data', 'pglite'))) await cp(join(ROOT, '.data', 'pglite'), join(dir, 'pglite'), { recursive: true });
  else await run(['.data/build/db/cli.js', 'prepare'], env);
  console.log(JSON.stringify({ turns: TURNS, conversations: CONVERSATIONS, distinct: DISTINCT, env: Object.fromEntries(ENV_OVERRIDES), extraNodeArgs }));
  for (let i = 0; i < RUNS; i += 1) await once(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}

function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}
