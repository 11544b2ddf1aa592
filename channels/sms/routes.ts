/**
 * `POST /api/sms`, Twilio's incoming-message webhook. The signature is checked before anything
 * else is read. Each MessageSid runs once; carrier keywords (STOP, START, HELP…) are answered here,
 * only on SMS and only when the message is just the keyword; everything else becomes a turn whose
 * replies come back as TwiML. The message body is never stored and never logged.
 */
import { createHmac } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type Twilio from 'twilio';
import { endSessions, useSession } from '../../db/repositories/sessions.js';
import {
  claimMessage,
  clearReplyState,
  deleteStalePages,
  isOptedOut,
  recordOptIn,
  recordOptOut,
  takeNextPage,
  upsertConversation,
  type SmsConversation,
} from '../../db/repositories/sms.js';
import { isAppError } from '../../db/errors.js';
import { isDatabaseOutage } from '../../db/health.js';
import type { Database } from '../../db/schema.js';
import { isLocale, translator, type Locale } from '../../locales/i18n.js';
import { conversationKey } from '../../dialogs/auth/conversation.js';
import { SMS_CHANNEL_ID } from '../../dialogs/text/mode.js';
import type { Logger } from '../logger.js';
import { requestLog, type Request, type Response, type Server } from '../server.js';
import { withTurnLog } from '../../dialogs/log.js';
import { renderTty } from '../text/tty.js';
import type { SmsAdapter, SmsTurnOptions } from './SmsAdapter.js';

export const SMS_PATH = '/api/sms';

/** Twilio's default opt-out words (REVOKE and OPTOUT since the 2025 consent rules). */
export const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
export const OPT_IN_KEYWORDS: ReadonlySet<string> = new Set(['START', 'YES', 'UNSTOP']);
export const HELP_KEYWORDS: ReadonlySet<string> = new Set(['HELP', 'INFO']);

/** Every word a carrier or Twilio reads as a command: never to be asked for with another meaning. */
export const CARRIER_KEYWORDS: ReadonlySet<string> = new Set([...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, ...HELP_KEYWORDS]);

const SWEEP_EVERY_MS = 60_000;

/** Twilio gives up on a webhook after 15 s; a slower turn is answered later by the REST client. */
export const WEBHOOK_DEADLINE_MS = 10_000;

export interface SmsRouteDeps {
  readonly db: Kysely<Database>;
  readonly adapter: SmsAdapter;
  readonly bot: {
    run(context: TurnContext): Promise<void>;
    /** Forgets the turn's conversation: dialog and data state, the parent's profile. */
    forget(context: TurnContext): Promise<void>;
  };
  /** Null: the route answers 503, since no request could be proven to come from Twilio. */
  readonly authToken: string | null;
  /** No trailing slash: Twilio signs the URL it was configured with, `PUBLIC_URL` + path. */
  readonly publicUrl: string;
  readonly ttyNumbers: readonly string[];
  readonly hashes: SmsHashes;
  readonly now?: () => Date;
  readonly deadlineMs?: number;
  /** Counts a text by its number's hash (and for everyone); false when over the limit. */
  readonly rateLimit?: (phoneHash: string) => Promise<boolean>;
  /** Whether the bot put this conversation in TTY mode (a "GA" earlier): HELP and START answer in TTY then. */
  readonly ttyMode?: (conversationId: string) => Promise<boolean>;
}

export interface SmsHashes {
  /** The conversation id: one per (parent's number, our number). */
  conversationId(parentNumber: string, ourNumber: string): string;
  /** Opt-outs and user ids: a phone number never appears in clear there. */
  phone(number: string): string;
}

/** Keyed with a server secret, so the hashes of the few billion phone numbers cannot be tabled. */
export function createSmsHashes(secret: string): SmsHashes {
  const hmac = (text: string): string => createHmac('sha256', secret).update(text, 'utf8').digest('hex');
  return {
    conversationId: (parentNumber, ourNumber) => hmac(`sms-conversation:${parentNumber}|${ourNumber}`),
    phone: (number) => hmac(`sms-phone:${number}`),
  };
}

/** The posted fields as Twilio signed them: every one, strings (repeated fields as lists). */
function postedFields(req: Request): Record<string, string | string[]> {
  const body: unknown = req.body;
  const out: Record<string, string | string[]> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return out;
}

function field(fields: Record<string, string | string[]>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Twilio's library (six megabytes of heap), loaded at the first webhook rather than at start: an
 * instance that never receives a text never holds it.
 */
let twilioModule: Promise<typeof Twilio> | undefined;

export function loadTwilio(): Promise<typeof Twilio> {
  twilioModule ??= import('twilio').then((module) => module.default);
  return twilioModule;
}

function twiml(twilio: typeof Twilio, res: Response, pages: readonly string[]): void {
  const answer = new twilio.twiml.MessagingResponse();
  for (const page of pages) answer.message(page);
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
  res.end(answer.toString());
}

/** What a message is, as a carrier keyword: only the keyword alone, any case, a full stop allowed. */
export function carrierKeyword(text: string): string | null {
  const word = text.trim().replace(/[.!]+$/, '').toUpperCase();
  return /^[A-Z]+$/.test(word) ? word : null;
}

export type KeywordKind = 'opt_out' | 'opt_in' | 'yes' | 'help';

/**
 * The message as a carrier keyword, or null. Twilio's Advanced Opt-Out marks the keywords it
 * handled (its own or configured ones) with `OptOutType`, which wins over our list.
 */
export function keywordOf(body: string, optOutType?: string): KeywordKind | null {
  const word = carrierKeyword(body);
  // Whether "YES" opts in depends on the number having opted out, which only the route knows.
  if (word === 'YES') return 'yes';
  switch ((optOutType ?? '').toUpperCase()) {
    case 'STOP':
      return 'opt_out';
    case 'START':
      return 'opt_in';
    case 'HELP':
      return 'help';
    default:
      break;
  }
  if (word === null) return null;
  if (OPT_OUT_KEYWORDS.has(word)) return 'opt_out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opt_in';
  if (HELP_KEYWORDS.has(word)) return 'help';
  return null;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function registerSmsRoutes(server: Server, deps: SmsRouteDeps): void {
  const { db, adapter, bot, hashes } = deps;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const now = deps.now ?? (() => new Date());
  const deadlineMs = deps.deadlineMs ?? WEBHOOK_DEADLINE_MS;
  const ttyNumbers = new Set(deps.ttyNumbers);

  /** Replies the route writes itself, in the conversation's mode (TTY numbers get Baudot text). */
  const own = (key: string, tty: boolean, locale: Locale): string => {
    const t = translator(tty ? 'en' : locale);
    const text = t(key, { balance: t('commands.balance') });
    return tty ? renderTty(text) : text;
  };

  /**
   * The next page of the last long reply. A page saved under a verified session is served only while
   * that session is live (and touches it, as any account answer does); otherwise every saved page is
   * deleted and the parent is told to verify again.
   */
  async function nextPage(conversation: SmsConversation, tty: boolean, at: Date, log: Logger): Promise<string[]> {
    let sessionId: string | null = null;
    if (conversation.replySessionId !== null) {
      const session = await useSession(db, conversationKey(SMS_CHANNEL_ID, conversation.id), at);
      if (session === null || session.id !== conversation.replySessionId) {
        await clearReplyState(db, conversation.id, at);
        log.info({ code: 'sms_pages_session_ended' }, 'saved SMS pages deleted: their session ended');
        const locale = isLocale(conversation.replyLocale) ? conversation.replyLocale : 'en';
        return [own('account.session_ended', tty, locale)];
      }
      sessionId = session.id;
    }
    const page = await takeNextPage(db, conversation.id, at, sessionId);
    return page === null ? [] : [page];
  }

  /**
   * STOP and START: the conversation starts from nothing. Its dialog and data state, the parent's
   * profile, the verified session and every saved page go.
   */
  async function forget(conversation: SmsConversation, messageSid: string, tty: boolean, at: Date, log: Logger): Promise<void> {
    await endSessions(db, conversationKey(SMS_CHANNEL_ID, conversation.id), at);
    const activity = adapter.messageActivity({ messageSid, conversation, text: '', tty });
    await adapter.processActivity(activity, withTurnLog(log, (context) => bot.forget(context)));
    await clearReplyState(db, conversation.id, at);
  }

  /** Pages whose session is over are deleted at rest too; at most once a minute per instance. */
  let lastSweep = 0;
  async function sweepStalePages(at: Date, log: Logger): Promise<void> {
    if (at.getTime() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = at.getTime();
    try {
      const cleared = await deleteStalePages(db, at);
      if (cleared > 0) log.info({ code: 'sms_stale_pages_deleted', count: cleared }, 'stale SMS pages deleted');
    } catch (error) {
      log.warn({ code: 'sms_sweep_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'stale SMS pages sweep failed');
    }
  }

  async function runTurn(
    conversation: SmsConversation,
    messageSid: string,
    text: string,
    tty: boolean,
    log: Logger,
    options: SmsTurnOptions = {},
  ): Promise<string[] | null> {
    const activity = adapter.messageActivity({ messageSid, conversation, text, tty });
    const turn = adapter.processActivity(activity, withTurnLog(log, (context) => bot.run(context)), options);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), deadlineMs);
    });
    try {
      const result = await Promise.race([turn, late]);
      if (result !== null) return [...result.pages];
    } finally {
      clearTimeout(timer);
    }
    // Too slow for the webhook: the answer follows by the REST client when the turn is done.
    turn.then(
      (result) => adapter.deliver(conversation, result.pages),
      () => undefined,
    ).catch((error: unknown) => log.error({ code: 'sms_late_send_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'late SMS answer failed'));
    return null;
  }

  server.post(SMS_PATH, async (req: Request, res: Response) => {
    const log = requestLog(req);
    try {
      if (deps.authToken === null) {
        res.send(503, { error: { code: 'sms_unavailable', message: 'SMS is not configured' } });
        return;
      }
      const twilio = await loadTwilio();
      const signature = req.header('x-twilio-signature');
      if (signature === undefined || signature === '') {
        res.send(400, { error: { code: 'bad_request', message: 'X-Twilio-Signature is required' } });
        return;
      }
      const fields = postedFields(req);
      if (!twilio.validateRequest(deps.authToken, signature, `${publicUrl}${req.url ?? SMS_PATH}`, fields)) {
        log.warn({ code: 'sms_signature_invalid' }, 'SMS webhook with a wrong signature refused');
        res.send(403, { error: { code: 'forbidden', message: 'the signature does not match' } });
        return;
      }

      const messageSid = field(fields, 'MessageSid') ?? field(fields, 'SmsSid');
      const from = field(fields, 'From');
      const to = field(fields, 'To');
      if (messageSid === undefined || from === undefined || to === undefined || !E164.test(from) || !E164.test(to)) {
        res.send(400, { error: { code: 'bad_request', message: 'MessageSid, From and To are required' } });
        return;
      }
      // Over the limit the text is dropped with an empty answer: a 429 would be retried and flagged by
      // Twilio, and a "slow down" reply would spend a text on every message of a flood.
      if (deps.rateLimit !== undefined && !(await deps.rateLimit(hashes.phone(from)))) {
        twiml(twilio, res, []);
        return;
      }
      const body = field(fields, 'Body') ?? '';
      const at = now();
      const conversation = await upsertConversation(db, { id: hashes.conversationId(from, to), parentNumber: from, ourNumber: to }, at);
      if (!(await claimMessage(db, messageSid, conversation.id, at))) {
        log.info({ code: 'sms_duplicate' }, 'SMS already handled');
        twiml(twilio, res, []);
        return;
      }
      const ttyNumber = ttyNumbers.has(to);
      const phoneHash = hashes.phone(from);
      const keyword = keywordOf(body, field(fields, 'OptOutType'));
      await sweepStalePages(at, log);

      if (keyword === 'opt_out') {
        // Twilio answers STOP itself and blocks delivery; we record it, forget the conversation and stay silent.
        await recordOptOut(db, phoneHash, at);
        await forget(conversation, messageSid, ttyNumber, at, log);
        log.info({ code: 'sms_opt_out' }, 'SMS opt-out recorded');
        twiml(twilio, res, []);
        return;
      }
      const optedOut = await isOptedOut(db, phoneHash);
      // "YES" is an answer to our questions too: it opts in only a number that had opted out.
      if (keyword === 'opt_in' || (keyword === 'yes' && optedOut)) {
        await recordOptIn(db, phoneHash);
        // A fresh start: whatever dialog was waiting (an office email, a PIN) must not take the next text.
        await forget(conversation, messageSid, ttyNumber, at, log);
        log.info({ code: 'sms_opt_in' }, 'SMS opt-in recorded');
        twiml(twilio, res, [own('sms.opted_in', ttyNumber || ((await deps.ttyMode?.(conversation.id)) ?? false), 'en')]);
        return;
      }
      if (optedOut) {
        twiml(twilio, res, []);
        return;
      }
      if (keyword === 'help') {
        // The bot's own help (what "help" promises), after the program facts carriers require.
        const pages = await runTurn(conversation, messageSid, 'help', ttyNumber, log, { carrierHelp: true });
        twiml(twilio, res, pages ?? []);
        return;
      }
      if (/^more(\s+ga)?[.!]?$/i.test(body.trim()) && conversation.pages.length > 0) {
        twiml(twilio, res, await nextPage(conversation, ttyNumber, at, log));
        return;
      }
      // "1", "2"…: the numbered choices of the last reply, as if the parent typed the choice.
      const number = /^\s*(\d{1,2})\s*(?:ga)?\s*$/i.exec(body)?.[1];
      const choice = number === undefined ? undefined : conversation.choices.find((c) => c.number === Number(number));
      if (choice !== undefined) await clearReplyState(db, conversation.id, at);
      const pages = await runTurn(conversation, messageSid, choice?.value ?? body, ttyNumber, log);
      twiml(twilio, res, pages ?? []);
    } catch (error) {
      log.error({ code: 'sms_webhook_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'SMS webhook failed');
      if (res.headersSent) return;
      // Without the database the conversation's language is unknown: the calm answer in English,
      // with the helpline, rather than silence (a 500 would leave the parent with nothing).
      if (isAppError(error, 'database_unavailable') || isDatabaseOutage(error)) twiml(await loadTwilio(), res, [own('errors.generic', ttyNumbers.has(field(postedFields(req), 'To') ?? ''), 'en')]);
      else res.send(500, { error: { code: 'internal', message: 'internal error' } });
    }
  });
}
