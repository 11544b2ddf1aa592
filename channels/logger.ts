/**
 * Structured JSON logs. Personal data never reaches a log line: known fields are censored by path,
 * and any free text passes through `redactText`, which masks anything shaped like an SSN or a PIN.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

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

/** Masks 9-digit SSN shapes (with or without separators) and standalone 4-6 digit runs (PINs). */
export function redactText(input: string): string {
  return input
    .replace(/\b\d{3}[\s.-]?\d{2}[\s.-]?\d{4}\b/g, '[redacted-ssn]')
    .replace(/(?<![\d$.,-])\d{4,6}(?![\d.,-])/g, '[redacted-number]');
}

/**
 * For transcripts a parent may read back (the Direct Line echo): SSN shapes and standalone 5-digit
 * runs (PINs) become dots of the same shape, so the chat never shows them even as the parent's own
 * words. Zip codes are masked too; that is the price of never storing a PIN.
 */
export function maskSensitiveNumbers(input: string): string {
  return input
    .replace(/(?<!\d)\d{3}([\s.-]?)\d{2}([\s.-]?)\d{4}(?!\d)/g, (_m, a: string, b: string) => `•••${a}••${b}••••`)
    .replace(/(?<![\d$.,])\d{5}(?![\d.,])/g, '•••••');
}

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
