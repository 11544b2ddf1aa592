/**
 * Our own Direct Line 3.0 endpoints: polling, and a `streamUrl` (see stream.ts) when a stream hub
 * is given. The web page gets a token from
 * `/api/directline/token` instead of holding a secret; every later call proves its conversation
 * with that token. Conversations and activities live only in the database, so a poll may hit a
 * different instance than the post it follows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError, isAppError, type AppErrorCode } from '../../db/errors.js';
import {
  appendActivity,
  createConversation,
  findConversation,
  listActivities,
  markConversationStarted,
  type DirectLineConversation,
} from '../../db/repositories/directline.js';
import type { Database } from '../../db/schema.js';
import { MAX_INPUT_LENGTH } from '../../dialogs/input/screenInput.js';
import { MAX_ACTIVITY_BYTES, jsonShapeProblem } from '../limits.js';
import { requestLog, type Request, type Response, type Server } from '../server.js';
import { withTurnLog } from '../../dialogs/log.js';
import { DIRECT_LINE_CHANNEL_ID, DirectLineAdapter, activityId, toActivityJson } from './DirectLineAdapter.js';
import type { BrowserBinding } from './browser.js';
import type { DirectLineStreamHub } from './stream.js';
import { MAX_CONVERSATION_LIFETIME_SECONDS, type DirectLineClaims, type DirectLineTokens } from './tokens.js';

export interface DirectLineDeps {
  readonly db: Kysely<Database>;
  readonly adapter: DirectLineAdapter;
  readonly bot: { run(context: TurnContext): Promise<void> };
  readonly tokens: DirectLineTokens;
  /** Remembers which browser asked for a conversation's token (sign-in and document links check it). */
  readonly browsers?: BrowserBinding;
  /** Defaults to the adapter's bot id, which its replies carry. */
  readonly botId?: string;
  /** Applied to the user's text before it is stored; identity when absent. */
  readonly maskStoredText?: (text: string) => string;
  /** Answers a `streamUrl` on start and reconnect and hears of each stored activity; polling only when absent. */
  readonly stream?: DirectLineStreamHub;
}

export const DEFAULT_LOCALE = 'en-US';
/** Direct Line's own page size. */
export const MAX_ACTIVITIES_PER_GET = 100;
const MAX_LOCALE_LENGTH = 35;

/**
 * Keeps a well-formed BCP-47 tag as the client gave it; anything else becomes the default, so a
 * junk value never reaches the bot's language choice.
 */
export function normalizeLocaleTag(tag: unknown): string {
  return validLocaleTag(tag) ?? DEFAULT_LOCALE;
}

function validLocaleTag(tag: unknown): string | null {
  if (typeof tag !== 'string') return null;
  const trimmed = tag.trim();
  if (trimmed.length > MAX_LOCALE_LENGTH || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(trimmed)) return null;
  try {
    Intl.getCanonicalLocales(trimmed);
  } catch {
    return null;
  }
  return trimmed;
}

const Attachment = z.object({
  contentType: z.string().max(256),
  contentUrl: z.string().max(4096).optional(),
  content: z.unknown().optional(),
  name: z.string().max(1024).optional(),
  thumbnailUrl: z.string().max(4096).optional(),
});

/**
 * What a client may say. Unknown fields are dropped and `from`, `id`, `timestamp`, `conversation`
 * and `recipient` are set by the server, so a client cannot speak as another user.
 */
const IncomingActivity = z.object({
  type: z.enum([ActivityTypes.Message, ActivityTypes.Event, ActivityTypes.Typing]),
  text: z.string().optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().max(64).optional(),
  name: z.string().max(256).optional(),
  value: z.unknown().optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  attachments: z.array(Attachment).max(20).optional(),
  entities: z.array(z.looseObject({ type: z.string().max(256) })).max(20).optional(),
  replyToId: z.string().max(512).optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
});
type IncomingActivity = z.infer<typeof IncomingActivity>;

const STATUS: Partial<Record<AppErrorCode, number>> = {
  bad_request: 400,
  token_invalid: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  // The database is gone or too slow: Web Chat shows the post as failed and offers to retry.
  database_unavailable: 503,
};

/** Only the error's name and code are logged: messages of lower layers may quote user data. */
function errorSummary(error: unknown): { name: string; code: string | undefined } {
  return { name: error instanceof Error ? error.name : typeof error, code: isAppError(error) ? error.code : undefined };
}

function sendError(req: Request, res: Response, error: unknown): void {
  if (isAppError(error)) {
    const status = STATUS[error.code];
    if (status !== undefined) {
      res.send(status, { error: { code: error.code, message: error.message } });
      return;
    }
  }
  requestLog(req).error({ err: errorSummary(error) }, 'direct line request failed');
  res.send(500, { error: { code: 'internal', message: 'internal error' } });
}

/** Wraps a handler so every failure becomes a JSON error answer instead of restify's default. */
function handle(fn: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await fn(req, res);
    } catch (error) {
      sendError(req, res, error);
    }
  };
}

function bearer(req: Request): string {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (match === null) throw new AppError('token_invalid', 'a Bearer token is required');
  return match[1] ?? '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Web Chat sends `null` for some absent fields; treat them as absent. */
function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

/**
 * The body as the client sent it, in bytes: the `pre` limit reads Content-Length, this catches a
 * chunked body that has none.
 */
function rawBodyBytes(req: Request): number {
  const raw: unknown = (req as Request & { rawBody?: unknown }).rawBody;
  if (typeof raw === 'string') return Buffer.byteLength(raw, 'utf8');
  return Buffer.isBuffer(raw) ? raw.length : 0;
}

function parseActivity(body: unknown): IncomingActivity {
  if (!isRecord(body)) throw new AppError('bad_request', 'the body must be a JSON activity');
  // Before zod and before anything serializes it: these would otherwise fail later as a 500.
  const problem = jsonShapeProblem(body);
  if (problem === 'too_deep') throw new AppError('bad_request', 'the activity is nested too deeply');
  if (problem === 'nul_character') throw new AppError('bad_request', 'the activity contains a NUL character');
  const parsed = IncomingActivity.safeParse(withoutNulls(body));
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new AppError('bad_request', `the activity is malformed: ${fields}`);
  }
  return parsed.data;
}

/** Each free-form part of a stored activity (value, channelData, an attachment's content, an entity). */
const MAX_STORED_PART_BYTES = 4096;

function fits(value: unknown): boolean {
  const json = JSON.stringify(value);
  return json === undefined || Buffer.byteLength(json, 'utf8') <= MAX_STORED_PART_BYTES;
}

/**
 * What is kept of a posted activity: the bot reads the whole activity in memory, but the stored
 * copy (the client's echo and the transcript) keeps text up to the input cap and free-form parts
 * only when small, so posts cannot fill the database. Web Chat's `clientActivityID` survives, since
 * Web Chat matches its echo by it.
 */
export function storedCopy(activity: Partial<Activity>): Partial<Activity> {
  const copy: Partial<Activity> = { ...activity };
  if (typeof copy.text === 'string') copy.text = [...copy.text].slice(0, MAX_INPUT_LENGTH).join('');
  if (copy.value !== undefined && !fits(copy.value)) delete copy.value;
  if (copy.channelData !== undefined && !fits(copy.channelData)) {
    const clientActivityId: unknown = isRecord(copy.channelData) ? copy.channelData.clientActivityID : undefined;
    copy.channelData = typeof clientActivityId === 'string' && clientActivityId.length <= 256 ? { clientActivityID: clientActivityId } : undefined;
  }
  if (copy.attachments !== undefined) {
    copy.attachments = copy.attachments.map((a) => (fits(a.content) ? a : { ...a, content: undefined }));
  }
  if (copy.entities !== undefined) copy.entities = copy.entities.filter((e) => fits(e));
  return copy;
}

function parseWatermark(value: unknown): number {
  if (value === undefined || value === '') return 0;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw new AppError('bad_request', 'the watermark is malformed');
  return Number(value);
}

export function registerDirectLineRoutes(server: Server, deps: DirectLineDeps): void {
  const { db, adapter, bot, tokens } = deps;
  const botId = deps.botId ?? adapter.botId;
  const maskStoredText = deps.maskStoredText ?? ((text: string) => text);
  const botAccount = { id: botId, name: adapter.botName ?? botId, role: 'bot' };
  const conversationAccount = (id: string): Activity['conversation'] => ({ id, isGroup: false, conversationType: 'personal', name: '' });

  async function authenticate(req: Request): Promise<{ token: string; claims: DirectLineClaims }> {
    const token = bearer(req);
    return { token, claims: await tokens.verify(token) };
  }

  /** A valid token only opens its own conversation. */
  async function authorize(req: Request): Promise<{ token: string; claims: DirectLineClaims }> {
    const auth = await authenticate(req);
    if (auth.claims.conversationId !== req.params.id) {
      throw new AppError('forbidden', 'the token belongs to another conversation');
    }
    return auth;
  }

  /** Every route checks the token's user against the conversation's, not only its conversation id. */
  async function existing(claims: DirectLineClaims): Promise<DirectLineConversation> {
    const conversation = await findConversation(db, claims.conversationId);
    if (conversation === null || conversation.userId !== claims.userId) {
      throw new AppError('not_found', 'the conversation does not exist');
    }
    return conversation;
  }

  /** No token of a conversation outlives this, however often it is refreshed. */
  const lifetimeEnd = (conversation: DirectLineConversation): Date =>
    new Date(conversation.createdAt.getTime() + MAX_CONVERSATION_LIFETIME_SECONDS * 1000);

  /**
   * Bot failures are the bot's to answer (onTurnError); the HTTP exchange still succeeds. Only when
   * the database could not even take the bot's calm answer does the post fail (503).
   */
  async function runTurn(req: Request, activity: Partial<Activity>): Promise<void> {
    const log = requestLog(req);
    try {
      await adapter.processActivity(activity, withTurnLog(log, (context) => bot.run(context)));
    } catch (error) {
      log.error({ err: errorSummary(error), activityType: activity.type }, 'direct line turn failed');
      if (isAppError(error, 'database_unavailable')) throw error;
    }
  }

  server.post(
    '/api/directline/token',
    handle(async (req, res) => {
      const body: unknown = req.body;
      const locale = normalizeLocaleTag(isRecord(body) ? body.locale : undefined);
      const browser = deps.browsers?.identify(req.header('cookie'));
      const conversation = await createConversation(db, {
        id: randomBytes(18).toString('base64url'),
        userId: `dl_${randomBytes(12).toString('base64url')}`,
        locale,
        browserHash: browser?.hash ?? null,
      });
      if (browser?.setCookie != null) res.header('Set-Cookie', browser.setCookie);
      const issued = await tokens.issue({ conversationId: conversation.id, userId: conversation.userId }, lifetimeEnd(conversation));
      res.send(200, { token: issued.token, conversationId: conversation.id, expires_in: issued.expiresIn });
    }),
  );

  server.post(
    '/v3/directline/conversations',
    handle(async (req, res) => {
      const { token, claims } = await authenticate(req);
      const conversation = await existing(claims);
      const first = await markConversationStarted(db, conversation.id);
      if (first) {
        await runTurn(req, {
          type: ActivityTypes.ConversationUpdate,
          id: randomUUID(),
          timestamp: new Date(),
          channelId: DIRECT_LINE_CHANNEL_ID,
          serviceUrl: adapter.serviceUrl,
          locale: conversation.locale,
          conversation: conversationAccount(conversation.id),
          from: { id: conversation.userId, name: '', role: 'user' },
          recipient: botAccount,
          membersAdded: [{ id: conversation.userId, name: '', role: 'user' }],
        });
      }
      res.send(first ? 201 : 200, {
        conversationId: conversation.id,
        token,
        expires_in: tokens.remainingSeconds(claims),
        ...(deps.stream === undefined ? {} : { streamUrl: await deps.stream.streamUrl(claims, null) }),
      });
    }),
  );

  server.get(
    '/v3/directline/conversations/:id',
    handle(async (req, res) => {
      const { token, claims } = await authorize(req);
      const conversation = await existing(claims);
      // Direct Line's reconnect: a fresh streamUrl that resumes after the client's watermark.
      const query: unknown = req.query;
      let watermark = 0;
      try {
        watermark = parseWatermark(isRecord(query) ? query.watermark : undefined);
      } catch {
        // A reconnect with a watermark we cannot read replays from the start rather than failing.
      }
      res.send(200, {
        conversationId: conversation.id,
        token,
        expires_in: tokens.remainingSeconds(claims),
        ...(deps.stream === undefined ? {} : { streamUrl: await deps.stream.streamUrl(claims, watermark) }),
      });
    }),
  );

  server.post(
    '/v3/directline/conversations/:id/activities',
    handle(async (req, res) => {
      const { claims } = await authorize(req);
      if (rawBodyBytes(req) > MAX_ACTIVITY_BYTES) {
        res.send(413, { error: { code: 'too_large', message: `an activity may be at most ${MAX_ACTIVITY_BYTES} bytes` } });
        return;
      }
      const incoming = parseActivity(req.body);
      if (incoming.type === ActivityTypes.Typing) {
        // Not stored and no turn: the bot has nothing to say to a typing indicator.
        res.send(200, { id: `${claims.conversationId}|typing-${randomUUID()}` });
        return;
      }
      const { localTimestamp, ...fields } = incoming;
      const localTime = localTimestamp === undefined ? undefined : new Date(localTimestamp);
      let activity: Partial<Activity> | undefined;
      const stored = await appendActivity(db, claims.conversationId, (seq, conversation) => {
        // Thrown inside the transaction, so the sequence number it took is given back.
        if (conversation.userId !== claims.userId) throw new AppError('not_found', 'the conversation does not exist');
        activity = {
          ...fields,
          localTimestamp: localTime !== undefined && !Number.isNaN(localTime.getTime()) ? localTime : undefined,
          id: activityId(claims.conversationId, seq),
          timestamp: new Date(),
          channelId: DIRECT_LINE_CHANNEL_ID,
          serviceUrl: adapter.serviceUrl,
          conversation: conversationAccount(claims.conversationId),
          from: { id: claims.userId, name: '', role: 'user' },
          recipient: botAccount,
          locale: validLocaleTag(fields.locale) ?? conversation.locale,
        };
        // The stored copy (what the client's echo and any later reader see) is masked; the bot
        // gets the words as typed, once, in memory.
        const text = activity.text;
        return toActivityJson(storedCopy(text === undefined ? activity : { ...activity, text: maskStoredText(text) }));
      });
      if (stored === null || activity === undefined) throw new AppError('not_found', 'the conversation does not exist');
      // The echo goes out at once; other instances hear of it by NOTIFY.
      deps.stream?.notify(claims.conversationId, stored.seq);
      await runTurn(req, activity);
      res.send(200, { id: activity.id });
    }),
  );

  server.get(
    '/v3/directline/conversations/:id/activities',
    handle(async (req, res) => {
      const { claims } = await authorize(req);
      await existing(claims);
      const query: unknown = req.query;
      const after = parseWatermark(isRecord(query) ? query.watermark : undefined);
      const rows = await listActivities(db, claims.conversationId, after, MAX_ACTIVITIES_PER_GET);
      const last = rows.at(-1);
      res.send(200, { activities: rows.map((r) => r.activity), watermark: String(last === undefined ? after : last.seq) });
    }),
  );

  server.post(
    '/v3/directline/tokens/refresh',
    handle(async (req, res) => {
      const { claims } = await authenticate(req);
      const conversation = await existing(claims);
      const issued = await tokens.issue({ conversationId: conversation.id, userId: conversation.userId }, lifetimeEnd(conversation));
      res.send(200, { conversationId: conversation.id, token: issued.token, expires_in: issued.expiresIn });
    }),
  );
}
