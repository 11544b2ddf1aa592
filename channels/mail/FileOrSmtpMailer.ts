/**
 * Carries office emails: over SMTP when `SMTP_URL` is set, otherwise as `.eml` files in `MAIL_DIR`,
 * so development and tests produce real, openable messages without a mail server. Both go through
 * nodemailer, so the file is exactly what SMTP would have carried. It knows nothing of cases or
 * parents: the email arrives composed, and nothing of it is logged.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import type { OfficeEmail, OfficeMailer } from '../../dialogs/office/ports.js';

export interface MailSettings {
  /** `smtp://` or `smtps://`; null writes files instead. */
  readonly smtpUrl: string | null;
  readonly from: string;
  readonly dir: string;
}

/** The one nodemailer call used; tests may hand in another transport. */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<unknown>;
}

/** Fail in seconds, not minutes: a hung server must not hold a worker's lease until it runs out. */
const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 } as const;

/** A reference is a file name and part of a header: letters, digits and dashes only. */
const SAFE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/**
 * `<OCS-7K3QH@childsupport.example.gov>`: the same for every attempt at one message, so a resend
 * after a crash mid-send is recognisably the same email and the office's mail system can drop the
 * copy. The domain is the sender's, as RFC 5322 suggests for uniqueness.
 */
export function messageIdOf(reference: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${reference}@${domain.toLowerCase()}>`;
}

function messageBytes(info: unknown): Buffer {
  const message = typeof info === 'object' && info !== null ? (info as { message?: unknown }).message : undefined;
  if (!Buffer.isBuffer(message)) throw Object.assign(new Error('the mail transport returned no message'), { code: 'EMESSAGE' });
  return message;
}

export class FileOrSmtpMailer implements OfficeMailer {
  /**
   * Made at the first email: nodemailer is loaded only then, so a process that never writes to
   * the office (most of them) keeps its three megabytes of heap free.
   */
  private transport: Promise<MailTransport> | null;
  private readonly toFiles: boolean;

  constructor(
    private readonly settings: MailSettings,
    options: { transport?: MailTransport } = {},
  ) {
    this.toFiles = settings.smtpUrl === null;
    this.transport = options.transport === undefined ? null : Promise.resolve(options.transport);
  }

  private async createTransport(): Promise<MailTransport> {
    const { default: nodemailer } = await import('nodemailer');
    const { smtpUrl } = this.settings;
    return smtpUrl === null
      ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
      : nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS });
  }

  /** Where a file-mode email lands: `<dir>/<reference>.eml`; a resend replaces it, never adds one. */
  fileOf(reference: string): string {
    return join(this.settings.dir, `${reference}.eml`);
  }

  async send(email: OfficeEmail): Promise<void> {
    if (!SAFE_REFERENCE.test(email.reference)) throw Object.assign(new Error('the office message reference is malformed'), { code: 'EREFERENCE' });
    const mail: SendMailOptions = {
      from: this.settings.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      messageId: messageIdOf(email.reference, this.settings.from),
      // Out-of-office and other automatic replies must not come back to an unread address.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Office-Reference': email.reference },
    };
    this.transport ??= this.createTransport();
    const info = await (await this.transport).sendMail(mail);
    if (!this.toFiles) return;
    const bytes = messageBytes(info);
    await mkdir(this.settings.dir, { recursive: true });
    // Written whole, then renamed: a reader of the folder never sees half a message.
    const target = this.fileOf(email.reference);
    // A name of its own: two workers resending the same message never write into one half file.
    const partial = `${target}.${randomUUID()}.partial`;
    await writeFile(partial, bytes, { mode: 0o600 });
    await rename(partial, target);
  }
}
