/**
 * Start and memory: how long from the command to `/readyz` 200 on the embedded database, and the
 * resident memory (RSS) of the app's process just after it is ready. Measured as a newcomer runs it
 * (`npm start`: build, then node) and as production runs it (`node .data/build/index.js`), against
 * a bare Node HTTP server answering /readyz (the floor any Node start costs, in the same run).
 * With `turns`, the served process then answers that many Direct Line turns (a few parallel chats
 * asking what anyone may ask before signing in) and its RSS is read again; with `databaseUrl`, the
 * built app is measured on that PostgreSQL database too.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/app.js';
import { DirectLineClient } from '../helpers/directline.js';
import { processCpuMs, processRssMb, waitReady } from './turns.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StartFigure {
  readonly readyMs: number;
  /** RSS of the serving process one second after ready, in MB; null when it is not ours to read. */
  readonly rssMb: number | null;
  /** CPU time (user + system) the serving process spent until ready: on a busy machine, its own work. */
  readonly cpuMs: number | null;
  /** RSS after the light load (`turns` Direct Line turns), in MB; null when none was asked or it is not ours to read. */
  readonly rssAfterLoadMb: number | null;
}

/** What a chat may ask before signing in; each line is one turn answered by the bot. */
const LOAD_MESSAGES = ['hi', 'help', 'where is my office', 'how do I pay', 'what are the office hours', 'español', 'english'];
const LOAD_CHATS = 4;

/** `turns` Direct Line turns over a few parallel chats; each waits for the bot's answer. */
async function lightLoad(port: number, turns: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  let left = turns;
  const chat = async (): Promise<void> => {
    let client = await DirectLineClient.start(base);
    let inChat = 0;
    while (left > 0) {
      left -= 1;
      // A fresh chat now and then, so conversation state and transcripts grow as in use.
      if (inChat === 20) {
        client = await DirectLineClient.start(base);
        inChat = 0;
      }
      await client.send(LOAD_MESSAGES[inChat % LOAD_MESSAGES.length] ?? 'hi');
      await client.replies(() => true, 10_000);
      inChat += 1;
    }
  };
  await Promise.all(Array.from({ length: LOAD_CHATS }, chat));
}

/** Rate limits the load would trip from one address (the limiter itself still runs on every request). */
const LOAD_LIMITS = { RATE_LIMIT_TOKENS: '100000,100000', RATE_LIMIT_STARTS: '100000,100000', RATE_LIMIT_POSTS: '1000000,1000000' };

/** The process's figure from /proc, or null once it is gone (npm's child may have exited). */
async function orNull(read: () => Promise<number>): Promise<number | null> {
  try {
    return await read();
  } catch {
    return null;
  }
}

const cpuMsOf = (pid: number): Promise<number | null> => orNull(() => processCpuMs(pid));
const rssMb = (pid: number): Promise<number | null> => orNull(() => processRssMb(pid));

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT))`;

/** Starts `command`, waits for /readyz, reads its RSS, stops the whole process group with SIGTERM. */
async function measureOnce(command: string, args: readonly string[], env: NodeJS.ProcessEnv, readRss: boolean, turns = 0): Promise<StartFigure> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: { ...env, PORT: String(port) }, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(port, child, command);
    const readyMs = performance.now() - started;
    const cpuMs = readRss && child.pid !== undefined ? await cpuMsOf(child.pid) : null;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss = readRss && child.pid !== undefined ? await rssMb(child.pid) : null;
    let rssAfterLoadMb: number | null = null;
    if (turns > 0) {
      await lightLoad(port, turns);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rssAfterLoadMb = readRss && child.pid !== undefined ? await rssMb(child.pid) : null;
    }
    return { readyMs, rssMb: rss, cpuMs, rssAfterLoadMb };
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

/**
 * `npm start`'s own command, without npm and its build check: `VAR=value` words become the
 * environment and the rest the command, so whatever flags the start script gives node are measured.
 * The script's one shell expansion, `${NAME:+word}` (a flag that depends on DATABASE_URL), is
 * expanded against `env`, the environment the command will run in.
 */
export async function startScript(env: NodeJS.ProcessEnv): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const expanded = pkg.scripts.start.replace(/\$\{([A-Z_][A-Z0-9_]*):\+([^}]*)\}/g, (_all, name: string, word: string) => ((env[name] ?? '') === '' ? '' : word));
  const words = expanded.trim().split(/\s+/);
  const scriptEnv: Record<string, string> = {};
  while (words[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name = '', ...value] = (words.shift() ?? '').split('=');
    scriptEnv[name] = value.join('=');
  }
  const [command = 'node', ...args] = words;
  return { command, args, env: scriptEnv };
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export interface StartResults {
  readonly bare: StartFigure;
  readonly npmStart: StartFigure;
  /** The built app as the start script runs it (its flags and variables), without npm. */
  readonly node: StartFigure;
  /** The built app on `databaseUrl`; null when none was given. */
  readonly postgres: StartFigure | null;
}

export interface StartOptions {
  /** Direct Line turns answered after ready before the RSS is read again (0: none). */
  readonly turns?: number;
  /** A PostgreSQL database the app may migrate and seed (a throwaway one): measured there too. */
  readonly databaseUrl?: string;
}

/** Median of `runs` starts each, on a copy of the prepared embedded database (built if missing). */
export async function measureStart(runs = 3, options: StartOptions = {}): Promise<StartResults> {
  const turns = options.turns ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'bench-start-'));
  const pgliteDir = join(dir, 'pglite');
  // The app's own environment, minus anything that would point it elsewhere than the embedded database.
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: pgliteDir };
  for (const name of ['DATABASE_URL', 'NODE_ENV', 'NODE_OPTIONS', 'PUBLIC_URL', 'PORT']) delete env[name];
  try {
    await run('node', ['.ci/build.mjs'], env);
    if (existsSync(join(ROOT, '.data', 'pglite'))) await cp(join(ROOT, '.data', 'pglite'), pgliteDir, { recursive: true });
    else await run('node', ['.data/build/db/cli.js', 'prepare'], env);
    const series = async (command: string, args: readonly string[], readRss: boolean, load = 0, envFor = env): Promise<StartFigure> => {
      const figures: StartFigure[] = [];
      for (let i = 0; i < runs; i += 1) figures.push(await measureOnce(command, args, envFor, readRss, load));
      const known = (values: readonly (number | null)[]): number | null => {
        const present = values.filter((v): v is number => v !== null);
        return present.length === 0 ? null : middle(present);
      };
      return {
        readyMs: middle(figures.map((f) => f.readyMs)),
        rssMb: known(figures.map((f) => f.rssMb)),
        cpuMs: known(figures.map((f) => f.cpuMs)),
        rssAfterLoadMb: known(figures.map((f) => f.rssAfterLoadMb)),
      };
    };
    const start = await startScript(env);
    const loadEnv = { ...env, ...start.env, ...LOAD_LIMITS };
    const onPostgres = options.databaseUrl === undefined ? null : await startScript({ ...env, DATABASE_URL: options.databaseUrl });
    return {
      bare: await series('node', ['-e', BARE_SERVER], true),
      npmStart: await series('npm', ['start', '--silent'], false),
      node: await series(start.command, start.args, true, turns, loadEnv),
      postgres:
        onPostgres === null || options.databaseUrl === undefined
          ? null
          : await series(onPostgres.command, onPostgres.args, true, turns, { ...env, ...onPostgres.env, ...LOAD_LIMITS, DATABASE_URL: options.databaseUrl }),
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
