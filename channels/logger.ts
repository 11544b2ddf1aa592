/**
 * Structured JSON logs. Personal data never reaches a log line: known fields are censored by path,
 * and any free text passes through `redactText`, which masks anything shaped like an SSN or a PIN.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { maskSensitive, redactText } from '../db/sensitive.js';

export type { Logger };

const REDACT_PATHS = [
  'ssn',
  'pin',
  'text',
  'body',
  'password',
  'token',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-twilio-signature"]',
  '*.ssn',
  '*.pin',
  '*.text',
  '*.Body',
  '*.password',
  '*.token',
  'activity.text',
  'activity.value',
];

/** Log redaction: one definition of an SSN or PIN with the parsers, in db/sensitive.ts. */
export { redactText };

/**
 * For transcripts a parent may read back (the Direct Line echo): whatever the bot would take for an
 * SSN or PIN becomes dots of the same shape, so the chat never shows it even as the parent's own
 * words. Zip codes are masked too; that is the price of never storing a PIN.
 */
export const maskSensitiveNumbers = maskSensitive;

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'child-support-assistant' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Free-text messages are scrubbed too: a stray interpolation must not leak an SSN.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination,
  );
}
