/**
 * Turn cost: how many "help" turns a second the assistant answers on `/api/messages`, against a
 * bare botbuilder echo bot on the same restify + CloudAdapter stack, in the same run.
 *
 * Every server is a child process of its own, started the same way and driven by the same client
 * over keep-alive HTTP from this process, so the comparison is fair: the assistant is the built app
 * (`node .data/build/index.js`, as production runs it) on the PostgreSQL database of DATABASE_URL;
 * the echo bots are a few lines of plain JavaScript on the same botbuilder and restify packages.
 * Replies come back in the HTTP answer (`deliveryMode: 'expectReplies'`), so no connector is faked.
 *
 * Three servers:
 * - `echo`: ActivityHandler echoing the text, nothing else;
 * - `echo + state`: the same, reading and saving ConversationState and UserState every turn through
 *   the project's `DatabaseStorage` on the same database (the PostgreSQL work any stateful bot does);
 * - `assistant`: the whole app.
 *
 * Figures: saturated turns/s with `CONVERSATIONS` conversations in a closed loop (each sends its
 * next turn when the last one is answered), the CPU time of the server process per turn (from
 * /proc, so other processes on a shared machine do not count), the latency at a fixed offered rate
 * (open loop: a turn is sent on schedule whether or not earlier ones were answered, and its latency
 * counts from when it was due), and the assistant's resident memory after 10,000 turns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const CONVERSATIONS = 50;

/** A bot server run as a child process, for the load generator below. */
export interface BotServer {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** Checks one reply's text: a turn whose reply fails this counts as an error. */
  readonly expect: (text: string) => boolean;
  stop(): Promise<void>;
}

/**
 * The echo bots: plain JavaScript on the same packages. With ECHO_STATE=1 each turn reads both
 * states through the project's storage (the built copy, like the app's) and saves them, as the
 * assistant's bot does; saving unchanged state writes nothing, as botbuilder decides.
 */
const ECHO_SERVER = `
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, ConversationState, UserState } from 'botbuilder';
const settings = { MicrosoftAppType: 'MultiTenant' };
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings)));
let state = null;
if (process.env.ECHO_STATE === '1') {
  const { openDatabase } = await import('./.data/build/db/connect.js');
  const { DatabaseStorage } = await import('./.data/build/db/storage.js');
  const { db } = await openDatabase({ databaseUrl: process.env.DATABASE_URL, pgliteDir: 'memory://', databaseStatementTimeoutMs: 5000, databaseConnectTimeoutMs: 3000 });
  const storage = new DatabaseStorage(db);
  const conversation = new ConversationState(storage);
  const user = new UserState(storage);
  state = { conversation, user, data: conversation.createProperty('ConversationData'), dialog: conversation.createProperty('DialogState'), profile: user.createProperty('UserProfile') };
}
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      if (state !== null) {
        await state.data.get(context, {});
        await state.dialog.get(context, { dialogStack: [] });
        await state.profile.get(context, {});
      }
      await context.sendActivity('echo: ' + (context.activity.text ?? ''));
      await next();
    });
  }
  async run(context) {
    try {
      await super.run(context);
    } finally {
      if (state !== null) {
        await state.conversation.saveChanges(context, false);
        await state.user.saveChanges(context, false);
      }
    }
  }
}
const bot = new EchoBot();
const server = restify.createServer();
server.use(restify.plugins.bodyParser({ mapParams: false }));
server.post('/api/messages', async (req, res) => { await adapter.process(req, res, (context) => bot.run(context)); });
server.get('/readyz', (req, res, next) => { res.send(200, 'ok'); next(); });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

/** Polls `/readyz` (every 20 ms, so start times are read closely) until it answers 200; fails when the child exits first or after 120 s. */
export async function waitReady(port: number, child: ChildProcess, name: string): Promise<void> {
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 120_000) throw new Error(`${name} not ready after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startChild(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  port: number,
  expect: (text: string) => boolean,
  stdout: 'ignore' | 'inherit' = 'ignore',
): Promise<BotServer> {
  // The app's log lines are written (the cost is real) to nowhere, unless asked for.
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', stdout, 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(port, child, name);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${name} has no process id`);
  return {
    name,
    port,
    pid: child.pid,
    expect,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The environment a child gets: ours, minus what would point the app elsewhere, plus the allocator
 * settings the container and npm start give the app (every server alike).
 */
function childEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' };
  for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'PUBLIC_URL', 'PORT', 'PGLITE_DIR']) delete env[name];
  return env;
}

export async function startEchoBot(options: { databaseUrl: string; withState: boolean; nodeArgs?: readonly string[] }): Promise<BotServer> {
  const port = await freePort();
  const env = { ...childEnv(options.databaseUrl), ECHO_STATE: options.withState ? '1' : '0' };
  return startChild(options.withState ? 'echo + state' : 'echo', [...(options.nodeArgs ?? []), '--input-type=module', '-e', ECHO_SERVER], env, port, (text) => text === 'echo: help');
}

/**
 * The built app (`npm run build` first), on `databaseUrl`, migrated and seeded by its own start.
 * `nodeArgs` go before the script (`--cpu-prof --cpu-prof-dir=…` to profile it).
 */
export async function startAssistant(options: {
  databaseUrl: string;
  nodeArgs?: readonly string[];
  stdout?: 'ignore' | 'inherit';
  /** Another build of the app (`node .ci/build.mjs <dir>`), to compare two versions in one run. */
  entry?: string;
  name?: string;
  /** Extra environment (a setting to compare), over the one the bench gives every server. */
  env?: NodeJS.ProcessEnv;
}): Promise<BotServer> {
  const port = await freePort();
  const env = { ...childEnv(options.databaseUrl), ...options.env, PUBLIC_URL: `http://127.0.0.1:${port}` };
  // The help text names the commands: "balance" is in every language's help.
  return startChild(options.name ?? 'assistant', [...(options.nodeArgs ?? []), options.entry ?? '.data/build/index.js'], env, port, (text) => text.length > 100, options.stdout);
}

/** CPU time (user + system) the process has used so far, in ms, from /proc (clock ticks of 10 ms). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function processRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error('no VmRSS');
  return Number(kb) / 1024;
}

/** One keep-alive HTTP client, reused by every turn: the client's cost is the same for every server. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

let runTag = 0;

/** The conversation ids of one series: fresh per series, so each starts from its first turn. */
function conversationIds(count: number): string[] {
  runTag += 1;
  const tag = `${process.pid}-${Date.now().toString(36)}-${runTag}`;
  return Array.from({ length: count }, (_, i) => `bench-${tag}-${i}`);
}

let activitySeq = 0;

/** Sends one "help" turn; resolves with the reply's text (expectReplies: the replies are the answer). */
function turn(server: BotServer, conversationId: string, userId: string): Promise<string> {
  activitySeq += 1;
  const body = JSON.stringify({
    type: 'message',
    id: `a-${activitySeq}`,
    text: 'help',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
    timestamp: new Date().toISOString(),
    conversation: { id: conversationId },
    from: { id: userId, name: 'Parent', role: 'user' },
    recipient: { id: 'bot', name: 'Bot', role: 'bot' },
    locale: 'en-US',
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/messages',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`status ${res.statusCode ?? '?'}`));
            return;
          }
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { activities?: { type?: string; text?: string }[] };
            const text = answer.activities?.find((a) => a.type === 'message')?.text ?? '';
            resolve(text);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface SaturatedFigure {
  readonly turns: number;
  readonly errors: number;
  readonly seconds: number;
  readonly turnsPerSecond: number;
  /** Server CPU (user + system) per answered turn, ms. */
  readonly cpuMsPerTurn: number;
  readonly firstError?: string;
}

/**
 * `conversations` conversations, each sending its next turn as soon as the last is answered, for
 * `warmupSeconds` unmeasured and then `seconds` measured. Conversation ids persist across calls
 * with the same `ids`, so a later series continues the same conversations.
 */
export async function closedLoop(
  server: BotServer,
  options: { seconds: number; warmupSeconds?: number; conversations?: number; ids?: string[]; maxTurns?: number },
): Promise<SaturatedFigure> {
  const ids = options.ids ?? conversationIds(options.conversations ?? CONVERSATIONS);
  const warmupMs = (options.warmupSeconds ?? 0) * 1000;
  const started = performance.now();
  let measuring = warmupMs === 0;
  let measureStart = started;
  let cpuStart = measuring ? await processCpuMs(server.pid) : 0;
  let turns = 0;
  let errors = 0;
  let firstError: string | undefined;
  let stopAt = started + warmupMs + options.seconds * 1000;
  const beginMeasuring = async (): Promise<void> => {
    measuring = true;
    measureStart = performance.now();
    stopAt = measureStart + options.seconds * 1000;
    cpuStart = await processCpuMs(server.pid);
  };
  let warmupDone: Promise<void> | null = null;
  const loop = async (conversationId: string, index: number): Promise<void> => {
    while (performance.now() < stopAt && (options.maxTurns === undefined || turns + errors < options.maxTurns)) {
      if (!measuring && performance.now() - started >= warmupMs) warmupDone ??= beginMeasuring();
      if (warmupDone !== null) await warmupDone;
      const counted = measuring;
      try {
        const text = await turn(server, conversationId, `user-${index}`);
        if (!server.expect(text)) throw new Error(`unexpected reply: ${text.slice(0, 80)}`);
        if (counted) turns += 1;
      } catch (error) {
        if (counted) errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(ids.map((id, i) => loop(id, i)));
  const seconds = (performance.now() - measureStart) / 1000;
  const cpuMs = (await processCpuMs(server.pid)) - cpuStart;
  return {
    turns,
    errors,
    seconds,
    turnsPerSecond: turns / seconds,
    cpuMsPerTurn: turns === 0 ? Number.NaN : cpuMs / turns,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

export interface LatencyFigure {
  readonly offeredPerSecond: number;
  readonly turns: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpuMsPerTurn: number;
  readonly firstError?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Open loop: `rate` turns a second for `seconds`, spread round-robin over the conversations, each
 * sent when due whatever happened to earlier ones; latency counts from when the turn was due.
 */
export async function openLoop(server: BotServer, options: { rate: number; seconds: number; conversations?: number }): Promise<LatencyFigure> {
  const ids = conversationIds(options.conversations ?? CONVERSATIONS);
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpuStart = await processCpuMs(server.pid);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const index = i % ids.length;
    pending.push(
      turn(server, ids[index] ?? '', `user-${index}`).then(
        (text) => {
          if (server.expect(text)) latencies.push(performance.now() - due);
          else {
            errors += 1;
            firstError ??= `unexpected reply: ${text.slice(0, 80)}`;
          }
        },
        (error: unknown) => {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(pending);
  const cpuMs = (await processCpuMs(server.pid)) - cpuStart;
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSecond: options.rate,
    turns: latencies.length,
    errors,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    cpuMsPerTurn: latencies.length === 0 ? Number.NaN : cpuMs / latencies.length,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

export interface TurnResults {
  readonly echo: SaturatedFigure;
  readonly echoState: SaturatedFigure;
  readonly assistant: SaturatedFigure;
  readonly echoLatency: LatencyFigure;
  readonly assistantLatency: LatencyFigure;
  /** The assistant's RSS after `rssTurns` turns since its start, MB. */
  readonly assistantRssMb: number;
  readonly rssTurns: number;
}

/** Sums the rounds of one server: turns and CPU add up, so the rate is total turns over total time. */
function combine(figures: readonly SaturatedFigure[]): SaturatedFigure {
  const turns = figures.reduce((sum, f) => sum + f.turns, 0);
  const seconds = figures.reduce((sum, f) => sum + f.seconds, 0);
  const cpu = figures.reduce((sum, f) => sum + f.cpuMsPerTurn * f.turns, 0);
  const firstError = figures.find((f) => f.firstError !== undefined)?.firstError;
  return {
    turns,
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
    seconds,
    turnsPerSecond: turns / seconds,
    cpuMsPerTurn: cpu / turns,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

export interface TurnBenchOptions {
  /** PostgreSQL, migrated and seeded by the assistant's own start. */
  readonly databaseUrl: string;
  /** Alternating measured rounds per server (each `seconds` long), so drift on a shared machine hits all alike. */
  readonly rounds?: number;
  readonly seconds?: number;
  readonly openSeconds?: number;
  readonly openRate?: number;
  /** Unmeasured closed-loop seconds per server before the rounds. */
  readonly warmupSeconds?: number;
  /** Turns the assistant has served before its memory is read. */
  readonly rssTurns?: number;
  /** Extra node arguments for the assistant (profiling). */
  readonly assistantNodeArgs?: readonly string[];
  readonly log?: (line: string) => void;
}

/** `node .ci/build.mjs --if-stale`: the app as production runs it, rebuilt only when a source changed. */
export function buildApp(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['.ci/build.mjs', '--if-stale'], { cwd: ROOT, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the build exited with ${code}`))));
  });
}

/** The whole measurement (the app is built first if stale); the servers are stopped whatever happens. */
export async function measureTurns(options: TurnBenchOptions): Promise<TurnResults> {
  await buildApp();
  const rounds = options.rounds ?? 3;
  const seconds = options.seconds ?? 5;
  const rssTurns = options.rssTurns ?? 10_000;
  const log = options.log ?? (() => undefined);
  const servers: BotServer[] = [];
  try {
    // The assistant first: its start migrates and seeds the database the echo bot's state then uses.
    const assistant = await startAssistant({ databaseUrl: options.databaseUrl, ...(options.assistantNodeArgs === undefined ? {} : { nodeArgs: options.assistantNodeArgs }) });
    servers.push(assistant);
    const echo = await startEchoBot({ databaseUrl: options.databaseUrl, withState: false });
    servers.push(echo);
    const echoState = await startEchoBot({ databaseUrl: options.databaseUrl, withState: true });
    servers.push(echoState);

    const ids = new Map(servers.map((s) => [s, conversationIds(CONVERSATIONS)]));
    let assistantTurns = 0;
    // Warm each: JIT (the assistant's first few thousand turns cost twice the later ones), pools,
    // the conversations' first (state-creating) turns.
    for (const server of servers) {
      const warm = await closedLoop(server, { seconds: options.warmupSeconds ?? 10, ids: ids.get(server) ?? [] });
      if (server === assistant) assistantTurns += warm.turns + warm.errors;
      log(`warm-up ${server.name}: ${warm.turnsPerSecond.toFixed(0)} turns/s${warm.errors > 0 ? `, ${warm.errors} errors (${warm.firstError ?? ''})` : ''}`);
    }
    const figures = new Map<BotServer, SaturatedFigure[]>(servers.map((s) => [s, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const server of servers) {
        const figure = await closedLoop(server, { seconds, ids: ids.get(server) ?? [] });
        if (server === assistant) assistantTurns += figure.turns + figure.errors;
        figures.get(server)?.push(figure);
        log(`round ${round + 1} ${server.name}: ${figure.turnsPerSecond.toFixed(0)} turns/s, cpu ${figure.cpuMsPerTurn.toFixed(2)} ms/turn${figure.errors > 0 ? `, ${figure.errors} errors (${figure.firstError ?? ''})` : ''}`);
      }
    }
    const rate = options.openRate ?? 100;
    const openSeconds = options.openSeconds ?? 10;
    const echoLatency = await openLoop(echo, { rate, seconds: openSeconds });
    const assistantLatency = await openLoop(assistant, { rate, seconds: openSeconds });
    assistantTurns += assistantLatency.turns + assistantLatency.errors;
    // Up to the memory mark, in the same closed loop.
    while (assistantTurns < rssTurns) {
      const more = await closedLoop(assistant, { seconds: 60, ids: ids.get(assistant) ?? [], maxTurns: rssTurns - assistantTurns });
      assistantTurns += more.turns + more.errors;
    }
    const assistantRssMb = await processRssMb(assistant.pid);
    const pick = (server: BotServer): SaturatedFigure => combine(figures.get(server) ?? []);
    return {
      echo: pick(echo),
      echoState: pick(echoState),
      assistant: pick(assistant),
      echoLatency,
      assistantLatency,
      assistantRssMb,
      rssTurns: assistantTurns,
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

/** The figures as lines for the console and BENCHMARKS.md. */
export function turnLines(r: TurnResults): string[] {
  const sat = (name: string, f: SaturatedFigure): string =>
    `${name}: ${f.turnsPerSecond.toFixed(0)} turns/s saturated (${CONVERSATIONS} conversations, closed loop, ${f.turns} turns in ${f.seconds.toFixed(1)} s), server cpu ${f.cpuMsPerTurn.toFixed(2)} ms/turn${f.errors > 0 ? `, ${f.errors} ERRORS (${f.firstError ?? ''})` : ''}`;
  const lat = (name: string, f: LatencyFigure): string =>
    `${name} at ${f.offeredPerSecond} turns/s offered: p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(0)} ms, server cpu ${f.cpuMsPerTurn.toFixed(2)} ms/turn${f.errors > 0 ? `, ${f.errors} ERRORS (${f.firstError ?? ''})` : ''}`;
  const ratio = r.assistant.turnsPerSecond / r.echo.turnsPerSecond;
  return [
    sat('baseline: bare echo bot, "help"', r.echo),
    sat('echo bot + ConversationState/UserState in PostgreSQL (DatabaseStorage)', r.echoState),
    `${sat('assistant, "help" on /api/messages, PostgreSQL', r.assistant)}  ×${ratio.toFixed(2)} of echo (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'MISSED'}), ×${(r.assistant.turnsPerSecond / r.echoState.turnsPerSecond).toFixed(2)} of echo + state`,
    lat('baseline: bare echo bot', r.echoLatency),
    `${lat('assistant', r.assistantLatency)}  (goal p99 ≤ 50 ms: ${r.assistantLatency.p99Ms <= 50 && r.assistantLatency.errors === 0 ? 'met' : 'MISSED'})`,
    `assistant resident memory after ${r.rssTurns} turns: ${r.assistantRssMb.toFixed(0)} MB (goal ≤ 200 MB: ${r.assistantRssMb <= 200 ? 'met' : 'MISSED'})`,
  ];
}
