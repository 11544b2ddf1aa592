/**
 * Prometheus metrics. Turns are counted and timed by channel in a bot middleware, so every channel
 * (Direct Line, /api/messages, SMS) is measured the same way without knowing about it. HTTP
 * requests are timed by route pattern, method and status in one server hook; the outbox depth is
 * counted when Prometheus scrapes, not on a timer; the Direct Line streaming code moves the
 * `directline_sockets_open` gauge (`metrics.directLineSockets.inc()` / `.dec()`).
 */
import type { Middleware, TurnContext } from 'botbuilder';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, Server } from './server.js';

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
  /** Every HTTP answer: duration by route pattern (never the raw URL), method and status. */
  readonly httpSeconds: Histogram<'route' | 'method' | 'status'>;
  /** Direct Line streaming WebSockets this instance holds open. */
  readonly directLineSockets: Gauge;
  /** Office emails waiting in the outbox (`pending`), all instances together; set on scrape. */
  readonly outboxPending: Gauge;
}

export interface MetricsOptions {
  /** Process metrics (memory, event loop, GC); off in tests that read exact values. */
  readonly defaultMetrics?: boolean;
  /**
   * Counts the pending office messages; called on each scrape (one cheap indexed count). Without
   * it, or when it fails (database down), the gauge keeps its last value.
   */
  readonly countOutboxPending?: () => Promise<number>;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const countOutboxPending = options.countOutboxPending;
  return {
    registry,
    httpSeconds: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    directLineSockets: new Gauge({
      name: 'directline_sockets_open',
      help: 'Direct Line streaming WebSockets open on this instance',
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'office_outbox_pending',
      help: 'Office emails queued and not yet sent (all instances)',
      registers: [registry],
      async collect() {
        if (countOutboxPending === undefined) return;
        try {
          this.set(await countOutboxPending());
        } catch {
          // A scrape during a database outage still answers; /readyz reports the outage.
        }
      },
    }),
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

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request from its first byte to the end of its answer (rate-limited and refused
 * ones included, so install it before the limits). The route label is the matched route's
 * pattern (`/v3/directline/conversations/:conversationId/activities`), or `unmatched`, so a
 * scanner trying random URLs cannot create new series.
 */
export function registerHttpMetrics(server: Server, metrics: Metrics): void {
  server.pre((req: Request, res: Response, next: () => void) => {
    const end = metrics.httpSeconds.startTimer();
    res.once('close', () => {
      const path = req.getRoute()?.path;
      end({
        route: typeof path === 'string' ? path : path === undefined ? 'unmatched' : String(path),
        method: METHODS.has(req.method ?? '') ? (req.method ?? 'other') : 'other',
        status: String(res.statusCode),
      });
    });
    next();
  });
}
