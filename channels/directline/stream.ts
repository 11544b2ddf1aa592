/**
 * Direct Line streaming: the `streamUrl` WebSocket that pushes `{activities, watermark}` as soon as
 * an activity is stored, as Azure's Direct Line does, so Web Chat shows a reply without waiting for
 * its next poll. The database stays the only truth: a socket is told "something new in conversation
 * C up to seq N" (in process, or by PostgreSQL NOTIFY from another instance) and reads what it has
 * not sent yet from the activity log, so a notice lost or doubled costs a query, never an activity.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Kysely } from 'kysely';
import { WebSocket, WebSocketServer } from 'ws';
import { isAppError } from '../../db/errors.js';
import { findConversation, listActivities } from '../../db/repositories/directline.js';
import type { Database } from '../../db/schema.js';
import { clientAddress, clientKey, type RateLimiter } from '../limits.js';
import type { Logger } from '../logger.js';
import type { Request } from '../server.js';
import type { DirectLineClaims, DirectLineTokens } from './tokens.js';

/** Close codes (4000–4999 are the application's). */
export const CLOSE_TOKEN_EXPIRED = 4001;
export const CLOSE_REPLACED = 4002;
export const CLOSE_TOO_SLOW = 4003;
const CLOSE_GOING_AWAY = 1001;

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;
const PAGE_SIZE = 100;

export interface StreamHubOptions {
  readonly db: Kysely<Database>;
  readonly tokens: DirectLineTokens;
  readonly logger: Logger;
  /** Our public address; the `streamUrl` is the same host with the WebSocket scheme. */
  readonly publicUrl: string;
  /** Socket opens count in the `start` bucket, like conversation starts. */
  readonly limiter?: RateLimiter;
  readonly trustProxy?: number;
  /** Sockets one conversation may hold on this instance; the oldest gives way to a new one. */
  readonly maxSocketsPerConversation?: number;
  /** How often an idle socket gets an empty keep-alive message (and a ping that must be answered). */
  readonly keepAliveMs?: number;
  /** A client that leaves more than this unread is cut off; it reconnects from its watermark. */
  readonly maxBufferedBytes?: number;
}

interface Stream {
  readonly ws: WebSocket;
  readonly conversationId: string;
  /** The last seq sent (or the client's watermark). */
  watermark: number;
  /** The highest seq announced so far. */
  wanted: number;
  pumping: boolean;
  alive: boolean;
  expiry: NodeJS.Timeout | null;
}

/** The first seq after which a stream sends: Direct Line writes "-" or nothing for "from the start". */
function parseStreamWatermark(value: string | null): number | null {
  if (value === null || value === '' || value === '-') return 0;
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

export class DirectLineStreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly byConversation = new Map<string, Set<Stream>>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly maxSockets: number;
  private readonly maxBuffered: number;
  private readonly wsBase: string;
  private closing = false;

  constructor(private readonly options: StreamHubOptions) {
    this.maxSockets = options.maxSocketsPerConversation ?? 5;
    this.maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    const base = new URL(options.publicUrl);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    this.wsBase = base.toString().replace(/\/$/, '');
    this.keepAlive = setInterval(() => this.beat(), options.keepAliveMs ?? 30_000);
    this.keepAlive.unref();
  }

  /** Sockets open on this instance (a metric). */
  get size(): number {
    let n = 0;
    for (const set of this.byConversation.values()) n += set.size;
    return n;
  }

  /** The `streamUrl` for a conversation, resuming after `watermark`. */
  async streamUrl(claims: DirectLineClaims, watermark: number | null): Promise<string> {
    const token = await this.options.tokens.issueStream(claims);
    const query = new URLSearchParams({ watermark: watermark === null || watermark === 0 ? '-' : String(watermark), t: token });
    return `${this.wsBase}/v3/directline/conversations/${encodeURIComponent(claims.conversationId)}/stream?${query.toString()}`;
  }

  /** Takes the HTTP server's upgrade requests: only the stream path is ours. */
  attach(server: HttpServer): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      this.upgrade(req, socket, head).catch((error: unknown) => {
        this.options.logger.error({ err: { name: error instanceof Error ? error.name : typeof error } }, 'direct line stream upgrade failed');
        refuse(socket, 500, 'Internal Server Error');
      });
    });
  }

  /** Something was stored in the conversation, up to `seq`: its sockets send what they lack. */
  notify(conversationId: string, seq: number): void {
    const streams = this.byConversation.get(conversationId);
    if (streams === undefined) return;
    for (const stream of streams) {
      if (seq <= stream.watermark) continue;
      stream.wanted = Math.max(stream.wanted, seq);
      this.pump(stream);
    }
  }

  /** Notices may have been lost (the listening connection dropped): every socket looks again. */
  resync(): void {
    for (const streams of this.byConversation.values()) {
      for (const stream of streams) {
        stream.wanted = Number.MAX_SAFE_INTEGER;
        this.pump(stream);
      }
    }
  }

  /** Server stop: every socket is told the server is going away, and gone within a second. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keepAlive);
    const all = [...this.byConversation.values()].flatMap((set) => [...set]);
    await Promise.all(
      all.map(
        (stream) =>
          new Promise<void>((resolve) => {
            if (stream.ws.readyState === WebSocket.CLOSED) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              stream.ws.terminate();
              resolve();
            }, 1000);
            stream.ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            stream.ws.close(CLOSE_GOING_AWAY, 'server stopping');
          }),
      ),
    );
    this.byConversation.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (this.closing || match === null) {
      refuse(socket, this.closing ? 503 : 404, this.closing ? 'Service Unavailable' : 'Not Found');
      return;
    }
    const conversationId = decodeURIComponent(match[1] ?? '');
    if (this.options.limiter !== undefined) {
      const key = clientKey(clientAddress(req as unknown as Request, this.options.trustProxy ?? 0));
      const verdict = await this.options.limiter.check('start', key).catch(() => ({ allowed: true }));
      if (!verdict.allowed) {
        refuse(socket, 429, 'Too Many Requests');
        return;
      }
    }
    const watermark = parseStreamWatermark(url.searchParams.get('watermark'));
    if (watermark === null) {
      refuse(socket, 400, 'Bad Request');
      return;
    }
    let claims: DirectLineClaims;
    try {
      claims = await this.options.tokens.verifyStream(url.searchParams.get('t') ?? '');
    } catch (error) {
      if (!isAppError(error)) throw error;
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    if (claims.conversationId !== conversationId) {
      refuse(socket, 403, 'Forbidden');
      return;
    }
    const conversation = await findConversation(this.options.db, conversationId);
    if (conversation === null || conversation.userId !== claims.userId) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (this.closing) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, claims, watermark));
  }

  private open(ws: WebSocket, claims: DirectLineClaims, watermark: number): void {
    const stream: Stream = {
      ws,
      conversationId: claims.conversationId,
      watermark,
      // What was stored before the socket opened is sent at once.
      wanted: Number.MAX_SAFE_INTEGER,
      pumping: false,
      alive: true,
      expiry: null,
    };
    let streams = this.byConversation.get(stream.conversationId);
    if (streams === undefined) {
      streams = new Set();
      this.byConversation.set(stream.conversationId, streams);
    }
    while (streams.size >= this.maxSockets) {
      const oldest = streams.values().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
      oldest.ws.close(CLOSE_REPLACED, 'too many sockets for this conversation');
    }
    streams.add(stream);
    const remainingMs = this.options.tokens.remainingSeconds(claims) * 1000;
    stream.expiry = setTimeout(() => ws.close(CLOSE_TOKEN_EXPIRED, 'token expired'), remainingMs);
    stream.expiry.unref();
    ws.on('pong', () => {
      stream.alive = true;
    });
    // The client's own keep-alives are empty messages; nothing a client says is acted on.
    ws.on('message', () => {
      stream.alive = true;
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.forget(stream));
    this.pump(stream);
  }

  private forget(stream: Stream): void {
    if (stream.expiry !== null) clearTimeout(stream.expiry);
    stream.expiry = null;
    const streams = this.byConversation.get(stream.conversationId);
    if (streams === undefined) return;
    streams.delete(stream);
    if (streams.size === 0) this.byConversation.delete(stream.conversationId);
  }

  /** One reader per socket at a time; notices that arrive meanwhile make it read once more. */
  private pump(stream: Stream): void {
    if (stream.pumping) return;
    stream.pumping = true;
    this.drain(stream)
      .catch((error: unknown) => {
        // The database failed: the socket is closed, and the client reconnects (or polls).
        this.options.logger.warn({ code: isAppError(error) ? error.code : 'stream_read_failed' }, 'direct line stream read failed');
        stream.ws.close(1011, 'internal error');
      })
      .finally(() => {
        stream.pumping = false;
      });
  }

  private async drain(stream: Stream): Promise<void> {
    while (stream.wanted > stream.watermark && stream.ws.readyState === WebSocket.OPEN) {
      const wanted = stream.wanted;
      const rows = await listActivities(this.options.db, stream.conversationId, stream.watermark, PAGE_SIZE);
      if (stream.ws.readyState !== WebSocket.OPEN) return;
      const last = rows.at(-1);
      if (last === undefined) {
        // Nothing past the watermark: all announced is sent (or was deleted at sign-out).
        if (stream.wanted === wanted) stream.wanted = stream.watermark;
        continue;
      }
      if (stream.ws.bufferedAmount > this.maxBuffered) {
        // Not reading fast enough: drop it rather than buffer without bound; it resumes from its watermark.
        this.options.logger.warn({ code: 'stream_too_slow' }, 'direct line stream cut off');
        stream.ws.close(CLOSE_TOO_SLOW, 'client too slow');
        return;
      }
      stream.watermark = last.seq;
      stream.ws.send(JSON.stringify({ activities: rows.map((r) => r.activity), watermark: String(last.seq) }));
      if (rows.length === PAGE_SIZE) stream.wanted = Math.max(stream.wanted, last.seq + 1);
    }
  }

  /** Keep-alive, as Azure's: an empty message; a socket that did not answer the last ping is dropped. */
  private beat(): void {
    for (const streams of this.byConversation.values()) {
      for (const stream of streams) {
        if (!stream.alive) {
          this.forget(stream);
          stream.ws.terminate();
          continue;
        }
        stream.alive = false;
        if (stream.ws.readyState !== WebSocket.OPEN) continue;
        stream.ws.send('');
        stream.ws.ping();
      }
    }
  }
}
