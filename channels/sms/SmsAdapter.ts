/**
 * The bot adapter for Twilio SMS. A turn's replies are collected, not sent one by one: an SMS turn
 * is answered as one text (one "GA" on a TTY), rendered for the phone and cut into pages that fit
 * three segments. The webhook answers with the first page in TwiML (every page when the turn ends
 * in a question, so the question is the last text sent); a turn without a webhook
 * (sign-in finished, a late answer) goes out through the Twilio REST client instead.
 */
import {
  ActivityEventNames,
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Kysely } from 'kysely';
import { AppError, isAppError } from '../../db/errors.js';
import { isDatabaseOutage } from '../../db/health.js';
import { findConversation, isOptedOut, saveReplyState, type SmsConversation } from '../../db/repositories/sms.js';
import { peekSession } from '../../db/repositories/sessions.js';
import type { Database } from '../../db/schema.js';
import { conversationKey } from '../../dialogs/auth/conversation.js';
import { translator } from '../../locales/i18n.js';
import type { Logger } from '../logger.js';
import { SMS_CHANNEL_ID, textTurnOf } from '../../dialogs/text/mode.js';
import { foldToGsm7, paginate, renderActivities } from '../text/render.js';
import { renderTty } from '../text/tty.js';
import type { SmsSender } from './twilio.js';

export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface SmsAdapterOptions {
  readonly db: Kysely<Database>;
  /** Null when Twilio credentials are missing: replies outside a webhook are then dropped (logged). */
  readonly sender: SmsSender | null;
  /** Hashes a phone number (opt-outs, user ids); the same function the routes use. */
  readonly phoneHash: (phone: string) => string;
  readonly serviceUrl: string;
  readonly logger: Logger;
  readonly botId?: string;
  readonly now?: () => Date;
}

export interface SmsTurnOptions {
  /** HELP: the program facts carriers require go first, as a message of their own. */
  readonly carrierHelp?: boolean;
}

/** A turn's outcome: what to send now, in order (the first page only; the rest waits for MORE). */
export interface SmsTurnResult {
  readonly pages: readonly string[];
}

const REPLIES_KEY = Symbol('SmsReplies');

/** Whether a turn's last page asks the parent something: a question mark, or numbered choices. */
export function asksQuestion(lastPage: string, hasChoices: boolean): boolean {
  return hasChoices || /[?？¿]/u.test(lastPage);
}

export class SmsAdapter extends BotAdapter {
  readonly botId: string;
  readonly serviceUrl: string;
  private readonly db: Kysely<Database>;
  private readonly sender: SmsSender | null;
  private readonly phoneHash: (phone: string) => string;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(options: SmsAdapterOptions) {
    super();
    this.db = options.db;
    this.sender = options.sender;
    this.phoneHash = options.phoneHash;
    this.serviceUrl = options.serviceUrl;
    this.logger = options.logger;
    this.botId = options.botId ?? 'child-support-assistant';
    this.now = options.now ?? (() => new Date());
  }

  /** The activity a parent's text becomes. The conversation id and user id are hashes. */
  messageActivity(message: {
    readonly messageSid: string;
    readonly conversation: SmsConversation;
    readonly text: string;
    readonly tty: boolean;
  }): Partial<Activity> {
    return {
      type: ActivityTypes.Message,
      id: message.messageSid,
      timestamp: this.now(),
      channelId: SMS_CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      conversation: { id: message.conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.userId(message.conversation), name: '', role: 'user' },
      recipient: { id: this.botId, name: this.botId, role: 'bot' },
      text: message.text,
      textFormat: 'plain',
      channelData: { tty: message.tty },
    };
  }

  private userId(conversation: SmsConversation): string {
    return `sms-${this.phoneHash(conversation.parentNumber).slice(0, 32)}`;
  }

  /** Runs one turn and renders its replies; the caller decides how they travel. */
  async processActivity(activity: Partial<Activity>, logic: TurnLogic, options: SmsTurnOptions = {}): Promise<SmsTurnResult> {
    const context = new TurnContext(this, activity);
    const replies: Partial<Activity>[] = [];
    context.turnState.set(REPLIES_KEY, replies);
    await this.runMiddleware(context, logic);
    const result = await this.render(context, replies);
    if (options.carrierHelp !== true) return result;
    const turn = textTurnOf(context);
    const facts = translator(turn.tty ? 'en' : turn.locale())('sms.help');
    // On a TTY the turn still ends in one "GA": the bot's answer after the facts carries it.
    return { pages: [turn.tty ? renderTty(facts).replace(/ GA$/, '') : facts, ...result.pages] };
  }

  private async render(context: TurnContext, replies: readonly Partial<Activity>[]): Promise<SmsTurnResult> {
    const conversationId = context.activity.conversation?.id;
    if (conversationId === undefined) return { pages: [] };
    const turn = textTurnOf(context);
    const locale = turn.tty ? 'en' : turn.locale();
    const rendered = renderActivities(replies, locale);
    const now = this.now();
    if (rendered.text.trim() === '') {
      // A turn that says nothing still replaces what the last reply left for "1", "2"… and MORE.
      await saveReplyState(this.db, conversationId, { choices: [], pages: [] }, now);
      return { pages: [] };
    }
    const more = translator(locale)('sms.more');
    const pages = turn.tty ? paginate(renderTty(rendered.text), renderTty(more)) : paginate(foldToGsm7(rendered.text), foldToGsm7(more));
    // What waits for MORE is tied to the session live now: it may hold account data, which must
    // not outlive that session (MORE checks it, and a sweep deletes it once the session is over).
    // A turn that ends in a question sends every page now, so the question is on the last text
    // sent and not behind MORE (the parent's next text answers it; MORE would not reach it).
    const sendNow = asksQuestion(pages.at(-1) ?? '', rendered.choices.length > 0) ? pages.length : 1;
    try {
      const session = await peekSession(this.db, conversationKey(SMS_CHANNEL_ID, conversationId), now);
      await saveReplyState(
        this.db,
        conversationId,
        { choices: rendered.choices, pages: pages.slice(sendNow), sessionId: session?.id ?? null, locale },
        now,
      );
    } catch (error) {
      // The database is gone (the calm answer of a failed turn, most likely): the parent still gets
      // this text; only MORE and the numbered choices are lost with it.
      if (!isAppError(error, 'database_unavailable') && !isDatabaseOutage(error)) throw error;
      this.logger.error({ code: 'sms_reply_state_lost' }, 'SMS reply sent without its paging state: database unavailable');
    }
    return { pages: pages.slice(0, sendNow) };
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get<Partial<Activity>[] | undefined>(REPLIES_KEY);
    if (replies === undefined) throw new AppError('bad_request', 'an SMS reply outside a turn');
    return activities.map((activity) => {
      // Typing, delays and traces mean nothing on SMS; events are for the web page.
      if ((activity.type ?? ActivityTypes.Message) === ActivityTypes.Message) replies.push(activity);
      return { id: '' };
    });
  }

  override async updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
    throw new AppError('bad_request', 'an SMS cannot be edited');
  }

  override async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    throw new AppError('bad_request', 'an SMS cannot be deleted');
  }

  /** Sends pages through the REST client, unless the number has opted out since. */
  async deliver(conversation: SmsConversation, pages: readonly string[]): Promise<void> {
    if (pages.length === 0) return;
    if (await isOptedOut(this.db, this.phoneHash(conversation.parentNumber))) return;
    if (this.sender === null) {
      this.logger.warn({ code: 'sms_sender_missing' }, 'an SMS could not be sent: Twilio is not configured');
      return;
    }
    for (const body of pages) await this.sender.send({ to: conversation.parentNumber, from: conversation.ourNumber, body });
  }

  /** A turn nobody texted for (sign-in finished): its replies go out through the REST client. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (conversationId === undefined) throw new AppError('bad_request', 'the conversation reference names no conversation');
    const conversation = await findConversation(this.db, conversationId);
    if (conversation === null) throw new AppError('not_found', 'the SMS conversation does not exist');
    // An opted-out number gets nothing, so nothing is run for it either (a sign-in finished after STOP).
    if (await isOptedOut(this.db, this.phoneHash(conversation.parentNumber))) {
      this.logger.info({ code: 'sms_continuation_opted_out' }, 'a continuation for an opted-out number was dropped');
      return;
    }
    const continuation: Partial<Activity> = {
      type: ActivityTypes.Event,
      name: ActivityEventNames.ContinueConversation,
      timestamp: this.now(),
      channelId: SMS_CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.userId(conversation), name: '', role: 'user' },
      recipient: { id: this.botId, name: this.botId, role: 'bot' },
      ...(reference.locale === undefined ? {} : { locale: reference.locale }),
    };
    const result = await this.processActivity(continuation, logic);
    await this.deliver(conversation, result.pages);
  }

  override async continueConversationAsync(
    _botAppIdOrIdentity: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: TurnLogic | string,
    maybeLogic?: TurnLogic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (logic === undefined) throw new AppError('bad_request', 'continueConversationAsync needs a logic callback');
    await this.continueConversation(reference, logic);
  }
}
