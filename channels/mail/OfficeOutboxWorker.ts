/**
 * Delivers the office-message outbox. The dialog only queues (through `queue`, the port it is
 * handed); this worker claims one due message at a time with a lease, composes the email from the
 * row and hands it to the mailer. Every instance runs one: `for update skip locked` keeps them off
 * each other's rows, and a row whose lease ran out (its worker died or hung mid-send) is taken again
 * by any of them. A failed send waits longer each time (doubling, capped); after the last attempt
 * the row ends `failed` and an error log with the code and the reference alerts the agency, which
 * can then tell the office by other means. A resend carries the same Message-ID, so the rare double
 * (a worker that stalls past its lease, then finishes) is recognisably one message.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import { recordAudit } from '../../db/repositories/audit.js';
import {
  claimOfficeMessage,
  findOffice,
  findPersonName,
  markOfficeMessageFailed,
  markOfficeMessageSent,
  queueOfficeMessage,
  retryOfficeMessageLater,
  type OfficeMessage,
} from '../../db/repositories/officeMessages.js';
import type { Database } from '../../db/schema.js';
import { composeOfficeEmail, errorCodeOf } from '../../dialogs/office/officeMessage.js';
import type { OfficeEmail, OfficeMailer, OfficeMessageRequest, OfficeOutbox, QueuedOfficeMessageRef } from '../../dialogs/office/ports.js';
import { isLocale } from '../../locales/i18n.js';

export interface OutboxSettings {
  /** How long a claim keeps others off a row: well beyond the SMTP timeouts of one send. */
  readonly leaseMs: number;
  /** How often an idle worker looks for due or abandoned messages. */
  readonly pollMs: number;
  /** Attempts (claims) before a message is given up as `failed`. */
  readonly maxAttempts: number;
  /** Wait after the first failure; doubled after each further one, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Eight attempts over about an hour: 30 s, 1, 2, 4, 8, 16 and 30 minutes apart. */
export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  leaseMs: 2 * 60_000,
  pollMs: 3_000,
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 30 * 60_000,
};

/** The wait after failed attempt number `attempt` (1-based). */
export function backoffMs(attempt: number, settings: Pick<OutboxSettings, 'baseDelayMs' | 'maxDelayMs'>): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
}

export interface OfficeOutboxDeps {
  readonly db: Kysely<Database>;
  readonly mailer: OfficeMailer;
  readonly logger?: Logger;
  /** The clock for due times and leases; tests pass one they can move. */
  readonly now?: () => Date;
  readonly settings?: Partial<OutboxSettings>;
}

type State = 'idle' | 'running' | 'stopped';

export class OfficeOutboxWorker implements OfficeOutbox {
  private readonly db: Kysely<Database>;
  private readonly mailer: OfficeMailer;
  private readonly logger: Logger | undefined;
  private readonly now: () => Date;
  readonly settings: OutboxSettings;
  private state: State = 'idle';
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private again = false;

  constructor({ db, mailer, logger, now, settings }: OfficeOutboxDeps) {
    this.db = db;
    this.mailer = mailer;
    this.logger = logger;
    this.now = now ?? (() => new Date());
    this.settings = { ...DEFAULT_OUTBOX_SETTINGS, ...settings };
  }

  /** Stores the message once per idempotency key, then wakes the worker so it goes out at once. */
  async queue(request: OfficeMessageRequest): Promise<QueuedOfficeMessageRef> {
    const { message, created } = await queueOfficeMessage(this.db, { ...request, now: this.now() });
    if (created) this.kick();
    return { id: message.id, reference: message.reference, created };
  }

  /** Starts polling; the first look is immediate, so messages left by a previous run go out. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.kick();
  }

  /** Looks for due messages now (a new one was queued); a no-op unless started. */
  kick(): void {
    if (this.state !== 'running') return;
    if (this.loop !== null) {
      this.again = true;
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.loop = this.run();
  }

  /** Takes no further message, and resolves once the one being sent (if any) is settled. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.drain();
      } catch (error) {
        // The database is away or failing: try again at the next poll, never crash the process.
        this.logger?.error({ event: 'office_outbox_error', code: errorCodeOf(error) }, 'the office outbox could not be read');
      }
    } while (this.again && this.state === 'running');
    this.loop = null;
    if (this.state === 'running') {
      this.timer = setTimeout(() => this.kick(), this.settings.pollMs);
      this.timer.unref();
    }
  }

  /** Delivers due messages until none is left (or the worker stops); returns how many it tried. */
  async drain(): Promise<number> {
    let tried = 0;
    while (this.state !== 'stopped') {
      const message = await claimOfficeMessage(this.db, { now: this.now(), leaseMs: this.settings.leaseMs });
      if (message === null) break;
      await this.deliver(message);
      tried += 1;
    }
    return tried;
  }

  /** One attempt at one claimed message. */
  private async deliver(message: OfficeMessage): Promise<void> {
    const { reference } = message;
    let code: string;
    if (message.attempts > this.settings.maxAttempts) {
      // The last attempt's worker died with the lease: nothing was reported as sent.
      code = 'lease_expired';
    } else {
      const sent = await this.compose(message)
        .then((email) => this.mailer.send(email))
        .then(
          () => null,
          (error: unknown) => errorCodeOf(error),
        );
      if (sent === null) {
        // Outside the send's error path: a database failure here must not count as a failed send.
        await markOfficeMessageSent(this.db, message.id, this.now());
        await this.audit(message, 'sent', {});
        this.logger?.info({ event: 'office_message_sent', reference, attempts: message.attempts }, 'office email sent');
        return;
      }
      code = sent;
    }
    if (message.attempts >= this.settings.maxAttempts) {
      await markOfficeMessageFailed(this.db, message.id, code);
      await this.audit(message, 'failed', { error: code });
      // The agency's alert: the code and the reference only, never the office, the parent or the text.
      this.logger?.error({ event: 'office_message_failed', code, reference }, 'an office email was given up; the office must be told by other means');
      return;
    }
    const nextAttemptAt = new Date(this.now().getTime() + backoffMs(message.attempts, this.settings));
    await retryOfficeMessageLater(this.db, message.id, { errorCode: code, nextAttemptAt });
    this.logger?.warn({ event: 'office_message_retry', code, reference, attempts: message.attempts }, 'an office email will be tried again');
  }

  private async compose(message: OfficeMessage): Promise<OfficeEmail> {
    const office = await findOffice(this.db, message.officeId);
    if (office === null) throw Object.assign(new Error('the office of a queued message is gone'), { code: 'office_missing' });
    const name = await findPersonName(this.db, message.personId);
    return composeOfficeEmail({
      reference: message.reference,
      office,
      parentName: name === null ? message.personId : `${name.firstName} ${name.lastName}`,
      caseNumber: message.caseNumber ?? '',
      channel: message.channelKind,
      locale: isLocale(message.locale) ? message.locale : 'en',
      message: message.body,
    });
  }

  private async audit(message: OfficeMessage, outcome: 'sent' | 'failed', detail: Record<string, unknown>): Promise<void> {
    await recordAudit(this.db, {
      action: 'office_message',
      outcome,
      personId: message.personId,
      caseNumber: message.caseNumber,
      channel: message.channel,
      detail: { messageId: message.id, reference: message.reference, attempts: message.attempts, ...detail },
    });
  }
}
