/**
 * Carries office emails: over SMTP when `SMTP_URL` is set, otherwise as `.eml` files in `MAIL_DIR`,
 * so development and tests produce real, openable messages without a mail server. Both go through
 * nodemailer, so the file is exactly what SMTP would have carried. It knows nothing of cases or
 * parents: the email arrives composed, and nothing of it is logged.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
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

/** A parent waits for the answer in the chat (and Twilio for the webhook): fail in seconds, not minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 } as const;

function messageBytes(info: unknown): Buffer {
  const message = typeof info === 'object' && info !== null ? (info as { message?: unknown }).message : undefined;
  if (!Buffer.isBuffer(message)) throw Object.assign(new Error('the mail transport returned no message'), { code: 'EMESSAGE' });
  return message;
}

export class FileOrSmtpMailer implements OfficeMailer {
  private readonly transport: MailTransport;
  private readonly toFiles: boolean;

  constructor(
    private readonly settings: MailSettings,
    options: { transport?: MailTransport } = {},
  ) {
    this.toFiles = settings.smtpUrl === null;
    this.transport =
      options.transport ??
      (settings.smtpUrl === null
        ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
        : nodemailer.createTransport({ url: settings.smtpUrl, ...SMTP_TIMEOUTS }));
  }

  /** Where a file-mode email lands: `<dir>/<id>.eml`. */
  fileOf(id: number): string {
    return join(this.settings.dir, `${id}.eml`);
  }

  async send(email: OfficeEmail): Promise<void> {
    const mail: SendMailOptions = {
      from: this.settings.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      // Out-of-office and other automatic replies must not come back to an unread address.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Office-Message-Id': String(email.id) },
    };
    const info = await this.transport.sendMail(mail);
    if (!this.toFiles) return;
    const bytes = messageBytes(info);
    await mkdir(this.settings.dir, { recursive: true });
    // Written whole, then renamed: a reader of the folder never sees half a message.
    const target = this.fileOf(email.id);
    const partial = `${target}.partial`;
    await writeFile(partial, bytes, { mode: 0o600 });
    await rename(partial, target);
  }
}
