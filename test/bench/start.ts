/**
 * Start and memory: how long from the command to `/readyz` 200 on the embedded database, and the
 * resident memory (RSS) of the app's process just after it is ready. Measured as a newcomer runs it
 * (`npm start`: build, then node) and as production runs it (`node .data/build/index.js`), against
 * a bare Node HTTP server answering /readyz (the floor any Node start costs, in the same run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StartFigure {
  readonly readyMs: number;
  /** RSS of the serving process one second after ready, in MB; null when it is not ours to read. */
  readonly rssMb: number | null;
  /** CPU time (user + system) the serving process spent until ready: on a busy machine, its own work. */
  readonly cpuMs: number | null;
}

async function cpuMsOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT))`;

async function rssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

async function waitReady(port: number, child: ChildProcess, started: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 60_000) throw new Error('not ready after 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts `command`, waits for /readyz, reads its RSS, stops the whole process group with SIGTERM. */
async function measureOnce(command: string, args: readonly string[], env: NodeJS.ProcessEnv, readRss: boolean): Promise<StartFigure> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: { ...env, PORT: String(port) }, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const readyMs = await waitReady(port, child, started);
    const cpuMs = readRss && child.pid !== undefined ? await cpuMsOf(child.pid) : null;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss = readRss && child.pid !== undefined ? await rssMb(child.pid) : null;
    return { readyMs, rssMb: rss, cpuMs };
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export interface StartResults {
  readonly bare: StartFigure;
  readonly npmStart: StartFigure;
  readonly node: StartFigure;
}

/** Median of `runs` starts each, on a copy of the prepared embedded database (built if missing). */
export async function measureStart(runs = 3): Promise<StartResults> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-start-'));
  const pgliteDir = join(dir, 'pglite');
  // The app's own environment, minus anything that would point it elsewhere than the embedded database.
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: pgliteDir };
  for (const name of ['DATABASE_URL', 'NODE_ENV', 'NODE_OPTIONS', 'PUBLIC_URL', 'PORT']) delete env[name];
  try {
    await run('node', ['.ci/build.mjs'], env);
    if (existsSync(join(ROOT, '.data', 'pglite'))) await cp(join(ROOT, '.data', 'pglite'), pgliteDir, { recursive: true });
    else await run('node', ['.data/build/db/cli.js', 'prepare'], env);
    const series = async (command: string, args: readonly string[], readRss: boolean): Promise<StartFigure> => {
      const figures: StartFigure[] = [];
      for (let i = 0; i < runs; i += 1) figures.push(await measureOnce(command, args, env, readRss));
      const known = (values: readonly (number | null)[]): number | null => {
        const present = values.filter((v): v is number => v !== null);
        return present.length === 0 ? null : middle(present);
      };
      return { readyMs: middle(figures.map((f) => f.readyMs)), rssMb: known(figures.map((f) => f.rssMb)), cpuMs: known(figures.map((f) => f.cpuMs)) };
    };
    return {
      bare: await series('node', ['-e', BARE_SERVER], true),
      npmStart: await series('npm', ['start', '--silent'], false),
      node: await series('node', ['.data/build/index.js'], true),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}
