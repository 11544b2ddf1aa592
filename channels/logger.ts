/**
 * Structured JSON logs, one logger for the whole process (restify's own lines included). Personal
 * data never reaches a log line: fields with a sensitive name are censored at any depth, every
 * string passes through `redactText` (anything the SSN or PIN parser would accept), and request and
 * error objects are reduced to what an operator needs. Each line written while serving a request
 * carries that request's id, the one its `X-Request-Id` header answered with: the server gives each
 * request a child logger bound to it (`req.log`), and turns get it through their context.
 */
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';
import { findSensitiveSpans, maskSensitive, redactText } from '../db/sensitive.js';

export type { Logger };

/** Log redaction: one definition of an SSN or PIN with the parsers, in db/sensitive.ts. */
export { redactText };

/**
 * For transcripts a parent may read back (the Direct Line echo): whatever the bot would take for an
 * SSN or PIN becomes dots of the same shape, so the chat never shows it even as the parent's own
 * words. Zip codes are masked too; that is the price of never storing a PIN.
 */
export const maskSensitiveNumbers = maskSensitive;

const CENSOR = '[redacted]';

/** Field names (compared lower-case, without `-` and `_`) whose value is never written. */
const SENSITIVE_KEYS = new Set([
  'ssn',
  'pin',
  'pincode',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'xtwiliosignature',
  'signature',
  'body',
  'text',
  'value',
  'codeverifier',
  'nonce',
  'email',
  'phone',
  'parentnumber',
]);

/** Our own identifiers, kept verbatim when they look like one (a UUID may hold a PIN-sized run). */
const ID_KEYS = new Set(['requestId', 'correlationId']);
const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

const MAX_DEPTH = 8;
const MAX_ENTRIES = 50;
const MAX_STRING = 4000;

const normalizedKey = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** An HTTP request (Node's or restify's): the method and the route or path, never headers' secrets or the query. */
function requestSummary(req: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const getRoute = req.getRoute;
  const route = typeof getRoute === 'function' ? (getRoute.call(req) as { path?: unknown } | null)?.path : undefined;
  const url = typeof req.url === 'string' ? req.url.split('?')[0] : undefined;
  return {
    method: req.method,
    route: typeof route === 'string' ? route : undefined,
    path: typeof route === 'string' ? undefined : redactText(url ?? ''),
    headers: scrub(req.headers, depth + 1, seen),
  };
}

/**
 * A copy of `value` safe to write: sensitive fields censored and strings redacted at any depth,
 * cycles and depth cut, errors, requests, responses and buffers reduced to plain data.
 */
export function scrub(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  switch (typeof value) {
    case 'string':
      return redactText(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
    case 'number':
      // A nine-digit integer could be an SSN typed as a number.
      return Number.isInteger(value) && Math.abs(value) >= 1e8 && Math.abs(value) < 1e9 ? CENSOR : value;
    case 'bigint':
      return redactText(value.toString());
    case 'function':
    case 'symbol':
      return undefined;
    case 'undefined':
    case 'boolean':
      return value;
  }
  if (!isRecord(value)) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return '[binary]';
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map((item) => scrub(item, depth + 1, seen));
    if (value instanceof Error) {
      const out: Record<string, unknown> = { type: value.name, message: redactText(value.message), stack: redactText(value.stack ?? '') };
      Object.assign(out, scrubEntries(value, depth, seen));
      if (value.cause !== undefined) out.cause = scrub(value.cause, depth + 1, seen);
      return out;
    }
    if (typeof value.method === 'string' && isRecord(value.headers) && typeof value.url === 'string') return requestSummary(value, depth, seen);
    if (typeof value.statusCode === 'number' && typeof value.getHeaders === 'function') return { statusCode: value.statusCode };
    return scrubEntries(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function scrubEntries(value: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(value)) {
    if (++count > MAX_ENTRIES) {
      out['…'] = `${Object.keys(value).length - MAX_ENTRIES} more`;
      break;
    }
    const item = value[key];
    if (item === undefined) continue;
    // A map keyed by what a parent typed must not leak through its keys either.
    const name = redactText(key);
    if (SENSITIVE_KEYS.has(normalizedKey(key))) out[name] = CENSOR;
    else if (ID_KEYS.has(key) && typeof item === 'string' && ID_SHAPE.test(item)) out[name] = item;
    else out[name] = scrub(item, depth + 1, seen);
  }
  return out;
}

/**
 * The caller's `X-Request-Id` when it is a plain token (so a proxy's id follows the request through
 * our lines), otherwise a fresh one. An id holding an SSN- or PIN-shaped number is never reused.
 */
export function requestIdFrom(header: unknown): string {
  if (typeof header === 'string' && ID_SHAPE.test(header) && findSensitiveSpans(header).length === 0) return header;
  return randomUUID();
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'child-support-assistant' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The walker below does the real work at any depth; these paths are a second net for the top.
      redact: { paths: ['ssn', 'pin', 'text', 'body', 'password', 'token', 'authorization', '*.authorization', '*.cookie'], censor: CENSOR },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrub(bindings) as Record<string, unknown>,
        log: (object) => scrub(object) as Record<string, unknown>,
      },
      hooks: {
        // The message is formatted here so that interpolated values are scrubbed like fields.
        logMethod(args: Parameters<LogFn>, method: LogFn) {
          const [first, ...rest] = args as unknown[];
          const message = (parts: unknown[]): string => redactText(format(...parts.map((part) => (isRecord(part) ? scrub(part) : part))));
          if (typeof first === 'string') {
            method.call(this, message([first, ...rest]));
          } else if (first instanceof Error) {
            method.call(this, { err: first }, rest.length > 0 ? message(rest) : first.name);
          } else if (rest.length > 0) {
            method.call(this, first as object, message(rest));
          } else {
            method.call(this, first as object);
          }
        },
      },
    },
    options.destination,
  );
}
