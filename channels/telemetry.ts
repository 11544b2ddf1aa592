/**
 * Prometheus metrics. Turns are counted and timed by channel in a bot middleware, so every channel
 * (Direct Line, /api/messages, SMS) is measured the same way without knowing about it.
 */
import type { Middleware, TurnContext } from 'botbuilder';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Channel labels are bounded so that a forged channelId cannot blow up the series count. */
const KNOWN_CHANNELS = new Set(['directline', 'webchat', 'emulator', 'msteams', 'sms', 'test']);

export function channelLabel(channelId: string | undefined): string {
  return channelId !== undefined && KNOWN_CHANNELS.has(channelId) ? channelId : 'other';
}

export interface Metrics {
  readonly registry: Registry;
  readonly turns: Counter<'channel'>;
  readonly turnErrors: Counter<'channel'>;
  readonly turnSeconds: Histogram<'channel'>;
  /** SMS reminders: sent and failed by kind (due, overdue, disbursement), skipped by reason. */
  readonly remindersSent: Counter<'kind'>;
  readonly remindersSkipped: Counter<'reason'>;
  readonly remindersFailed: Counter<'kind'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    turns: new Counter({ name: 'assistant_turns_total', help: 'Bot turns by channel', labelNames: ['channel'], registers: [registry] }),
    turnErrors: new Counter({
      name: 'assistant_turn_errors_total',
      help: 'Bot turns that failed, by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    turnSeconds: new Histogram({
      name: 'assistant_turn_duration_seconds',
      help: 'Bot turn latency by channel',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    remindersSent: new Counter({ name: 'assistant_reminders_sent_total', help: 'Reminder texts accepted by Twilio, by kind', labelNames: ['kind'], registers: [registry] }),
    remindersSkipped: new Counter({
      name: 'assistant_reminders_skipped_total',
      help: 'Reminders not sent in a pass, by reason (quiet_hours, opted_out, no_due_date, daily_limit)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    remindersFailed: new Counter({ name: 'assistant_reminders_failed_total', help: 'Reminder texts that failed (retried with backoff), by kind', labelNames: ['kind'], registers: [registry] }),
  };
}

export class TurnMetricsMiddleware implements Middleware {
  constructor(private readonly metrics: Metrics) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const channel = channelLabel(context.activity.channelId);
    const stop = this.metrics.turnSeconds.startTimer({ channel });
    this.metrics.turns.inc({ channel });
    try {
      await next();
    } catch (error) {
      this.metrics.turnErrors.inc({ channel });
      throw error;
    } finally {
      stop();
    }
  }
}
