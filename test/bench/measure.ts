/**
 * What every bench section shares: medians and percentiles of timed runs (wall and CPU time, since
 * on a shared machine the wall time also counts other processes' turns), a progress bar for long
 * fills, and the machine's description for BENCHMARKS.md.
 */
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The `q` quantile (0..1) by the nearest-rank method: p99 of 200 values is the 198th. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Median wall and CPU time (user + system, this process only) of `runs` runs after `warmup` unmeasured ones. */
export async function medianOf(run: () => Promise<unknown>, options: { warmup?: number; runs?: number } = {}): Promise<Timing> {
  for (let i = 0; i < (options.warmup ?? 3); i += 1) await run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < (options.runs ?? 15); i += 1) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wallMs: middle(wall), cpuMs: middle(cpu) };
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB, ${platform()} ${release()}, Node ${process.version}`;
}

export function load(): string {
  return `load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${availableParallelism()} cores`;
}

export function goal(met: boolean, text: string): string {
  return `(goal ${text}: ${met ? 'met' : 'MISSED'})`;
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  return `${Math.floor(s / 60)} min ${(s % 60).toFixed(0).padStart(2, '0')} s`;
}

export interface Progress {
  update(done: number): void;
  finish(): void;
}

/**
 * A one-line progress bar on stderr: bar, percentage, rate, ETA. On a terminal it redraws in
 * place (at most 10 times a second); into a file or a pipe it writes a line every 10 %, so a log
 * stays short.
 */
export function progressBar(total: number, label: string, unit = 'rows', stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let lastDraw = 0;
  let lastTenth = -1;
  const line = (done: number): string => {
    const elapsedS = (performance.now() - started) / 1000;
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const share = total === 0 ? 1 : done / total;
    const width = 30;
    const filled = Math.round(share * width);
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1).padStart(5)} %  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}  ${Math.round(rate).toLocaleString('en-US')} ${unit}/s  ETA ${seconds(eta)}`;
  };
  return {
    update(done) {
      if (stream.isTTY === true) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        stream.write(`\r${line(done)}\u001b[K`);
        return;
      }
      const tenth = Math.floor((total === 0 ? 1 : done / total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${line(done)}\n`);
    },
    finish() {
      if (stream.isTTY === true) stream.write('\n');
    },
  };
}
