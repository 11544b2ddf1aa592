/**
 * Rate limits for the routes an outsider can call without an account: Direct Line token creation,
 * conversation starts and refreshes, activity posts, sign-in links and SMS texts. Each check counts
 * the client (its IP address, or for SMS its number's hash) and everyone at once in one database
 * upsert, so the limits hold across every instance on one database. Over a limit the answer is 429
 * with `Retry-After`, decided before the request body is read.
 */
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Kysely } from 'kysely';
import type { RateLimit, RateLimitBucket, RateLimitConfig } from '../config.js';
import { hitRateLimit } from '../db/repositories/rateLimits.js';
import type { Database } from '../db/schema.js';
import type { Logger } from './logger.js';
import type { Request, Response, Server } from './server.js';

/**
 * The largest activity a client may post. A typed message is at most 2,000 characters (up to
 * 8 KB in UTF-8) plus Web Chat's envelope; four times that is generous and still keeps a flood of
 * posts from filling the database.
 */
export const MAX_ACTIVITY_BYTES = 32 * 1024;

export type LimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: LimitVerdict = Object.freeze({ allowed: true });
/** Blocked keys remembered in memory; beyond this the oldest entries are dropped (they are only a shortcut). */
const MAX_CACHED_BLOCKS = 10_000;

export interface RateLimiterOptions {
  readonly db: Kysely<Database>;
  readonly config: RateLimitConfig;
  /** Keys the client part of a counter, so no address or phone hash sits in the table in clear. */
  readonly secret: string;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Fixed windows (every counter restarts at each multiple of the window), chosen over a sliding
 * window because a check stays one upsert of two rows; the price is that a client may reach twice
 * its limit across a window boundary, which the limits' margin absorbs.
 */
export class RateLimiter {
  private readonly db: Kysely<Database>;
  private readonly config: RateLimitConfig;
  private readonly secret: string;
  private readonly logger: Logger;
  private readonly now: () => Date;
  /**
   * Counter key → end of its window, for counters already over their limit. A counter only grows
   * within its window, so the answer stays 429 until then and a flood costs no database work.
   */
  private readonly blocked = new Map<string, number>();

  constructor(options: RateLimiterOptions) {
    this.db = options.db;
    this.config = options.config;
    this.secret = options.secret;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  /** Counts one request of client `who` in `bucket`; fails open (with a log line) if the database fails. */
  async check(bucket: RateLimitBucket, who: string): Promise<LimitVerdict> {
    const limit: RateLimit = this.config.buckets[bucket];
    if (limit.perClient === 0 && limit.total === 0) return ALLOWED;
    const nowMs = this.now().getTime();
    const windowMs = this.config.windowSeconds * 1000;
    const windowStart = Math.floor(nowMs / windowMs) * windowMs;
    const windowEnd = windowStart + windowMs;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowEnd - nowMs) / 1000));

    const client = limit.perClient > 0 ? { key: `${bucket}|${this.clientHash(who)}|${windowStart}`, limit: limit.perClient } : null;
    const total = limit.total > 0 ? { key: `${bucket}|*|${windowStart}`, limit: limit.total } : null;
    if ([client, total].some((c) => c !== null && (this.blocked.get(c.key) ?? 0) > nowMs)) return { allowed: false, retryAfterSeconds };

    let counts: { client: number | null; total: number | null };
    try {
      counts = await hitRateLimit(this.db, { client, totalKey: total?.key ?? null, expiresAt: new Date(windowEnd) });
    } catch (error) {
      // The request itself will meet the same database; refusing everyone here would add nothing.
      this.logger.warn({ code: 'rate_limit_unavailable', err: { name: error instanceof Error ? error.name : typeof error } }, 'rate limit check failed');
      return ALLOWED;
    }
    let over = false;
    if (client !== null && (counts.client ?? 0) > client.limit) {
      over = true;
      this.remember(client.key, windowEnd, nowMs);
    }
    // The overall counter is not touched (null) when the client's own limit refused the hit.
    if (total !== null && counts.total !== null && counts.total > total.limit) {
      over = true;
      this.remember(total.key, windowEnd, nowMs);
    }
    return over ? { allowed: false, retryAfterSeconds } : ALLOWED;
  }

  private clientHash(client: string): string {
    return createHmac('sha256', this.secret).update(`rate-limit-client:${client}`, 'utf8').digest('base64url').slice(0, 22);
  }

  private remember(key: string, until: number, nowMs: number): void {
    if (this.blocked.size >= MAX_CACHED_BLOCKS) {
      for (const [k, end] of this.blocked) if (end <= nowMs) this.blocked.delete(k);
      if (this.blocked.size >= MAX_CACHED_BLOCKS) {
        const oldest = this.blocked.keys().next();
        if (oldest.done !== true) this.blocked.delete(oldest.value);
      }
    }
    this.blocked.set(key, until);
  }
}

/** Drops the IPv4-mapped prefix, so one IPv4 client is one key however the socket reports it. */
function plainAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice('::ffff:'.length) : trimmed;
}

/** The first four groups of an IPv6 address: one subscriber gets a whole /64, so that is one client. */
function ipv6Prefix64(address: string): string {
  const bare = address.split('%')[0] ?? address;
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The key a client is counted under: its IPv4 address, or its IPv6 /64. */
export function clientKey(address: string): string {
  const plain = plainAddress(address);
  return isIPv6(plain) ? ipv6Prefix64(plain) : plain;
}

/**
 * The client's address. With `trustProxy` = N, each of the N proxies in front of us appended the
 * address it saw to X-Forwarded-For, so the client is the Nth entry from the right (entries left
 * of it are the client's own word). With 0 the header is ignored: anyone can write it.
 */
export function clientAddress(req: Request, trustProxy: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  // Nearest first: the socket (our own proxy), then what each proxy saw, right to left.
  const chain = [socket, ...forwarded.reverse()];
  return chain[Math.min(trustProxy, chain.length - 1)] ?? socket;
}

export function sendTooManyRequests(res: Response, retryAfterSeconds: number): void {
  res.header('Retry-After', String(retryAfterSeconds));
  res.send(429, { error: { code: 'rate_limited', message: 'too many requests; try again later' } });
}

interface Rule {
  readonly methods: readonly string[];
  readonly path: RegExp;
  readonly bucket: RateLimitBucket;
}

/** The routes an outsider reaches without an account. SMS is counted inside its route, after the signature. */
const RULES: readonly Rule[] = [
  { methods: ['POST'], path: /^\/api\/directline\/token\/?$/i, bucket: 'token' },
  { methods: ['POST'], path: /^\/v3\/directline\/conversations\/?$/i, bucket: 'start' },
  { methods: ['POST'], path: /^\/v3\/directline\/tokens\/refresh\/?$/i, bucket: 'start' },
  { methods: ['POST'], path: /^\/v3\/directline\/conversations\/[^/]+\/activities\/?$/i, bucket: 'post' },
  { methods: ['GET', 'POST'], path: /^\/signin(\/|$)/i, bucket: 'signin' },
];

const ACTIVITY_POST = /^\/v3\/directline\/conversations\/[^/]+\/activities\/?$/i;

export interface RequestLimitDeps {
  readonly limiter: RateLimiter;
  readonly trustProxy: number;
}

/**
 * Installs the checks as a `pre` handler: it runs before routing and body parsing, so a refused
 * request costs one upsert (none once its counter is known to be over) and its body is never read.
 */
export function registerRequestLimits(server: Server, deps: RequestLimitDeps): void {
  server.pre((req: Request, res: Response, next: (result?: false) => void) => {
    const path = req.getPath();
    const method = req.method ?? 'GET';
    if (method === 'POST' && ACTIVITY_POST.test(path) && Number(req.headers['content-length'] ?? 0) > MAX_ACTIVITY_BYTES) {
      res.header('Connection', 'close');
      res.send(413, { error: { code: 'too_large', message: `an activity may be at most ${MAX_ACTIVITY_BYTES} bytes` } });
      next(false);
      return;
    }
    const rule = RULES.find((r) => r.methods.includes(method) && r.path.test(path));
    if (rule === undefined) {
      next();
      return;
    }
    deps.limiter.check(rule.bucket, clientKey(clientAddress(req, deps.trustProxy))).then(
      (verdict) => {
        if (verdict.allowed) {
          next();
          return;
        }
        sendTooManyRequests(res, verdict.retryAfterSeconds);
        next(false);
      },
      () => next(),
    );
  });
}

/** Deeper than any activity a real client sends (Adaptive Card values nest a few levels). */
export const MAX_JSON_DEPTH = 32;

export type JsonShapeProblem = 'too_deep' | 'nul_character';

/**
 * Finds what the database or a serializer would fail on later, as a 500: nesting deeper than
 * `maxDepth` (JSON.stringify recurses and overflows the stack) and NUL characters (PostgreSQL
 * text and jsonb refuse U+0000). Iterative, so the check itself cannot overflow.
 */
export function jsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonShapeProblem | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    const current = item.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return 'nul_character';
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (item.depth >= maxDepth) return 'too_deep';
    if (Array.isArray(current)) {
      for (const element of current) stack.push({ value: element, depth: item.depth + 1 });
      continue;
    }
    for (const [key, element] of Object.entries(current)) {
      if (key.includes('\u0000')) return 'nul_character';
      stack.push({ value: element, depth: item.depth + 1 });
    }
  }
  return null;
}
