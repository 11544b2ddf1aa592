/**
 * The app's reminder timer: each instance runs a pass now and then (jittered, so instances spread
 * out). Passes never overlap within an instance; across instances the claims in the database keep
 * every text single.
 */
import type { Logger } from '../logger.js';
import type { RunResult } from './ReminderRunner.js';

export interface ReminderScheduler {
  stop(): Promise<void>;
}

export function startReminderScheduler(run: (now: Date) => Promise<RunResult>, options: { intervalMs: number; logger: Logger; now?: () => Date; random?: () => number }): ReminderScheduler {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(tick, Math.round(options.intervalMs * (0.5 + random())));
    timer.unref();
  };
  const tick = (): void => {
    running = run(now()).then(
      (result) => {
        if (result.sent + result.failed > 0) options.logger.info({ code: 'reminders_pass', sent: result.sent, failed: result.failed }, 'reminders pass done');
      },
      (error: unknown) => options.logger.error({ code: 'reminders_pass_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'reminders pass failed'),
    );
    void running.finally(() => {
      running = null;
      schedule();
    });
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
    },
  };
}
