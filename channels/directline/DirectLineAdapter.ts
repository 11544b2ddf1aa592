/**
 * The bot adapter behind our own Direct Line server. Instead of calling a connector service it
 * writes the bot's activities into the conversation's log in the database, where the client's
 * stream or next poll finds them; so any instance can run a turn and any other can deliver its replies.
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
import { AppError } from '../../db/errors.js';
import { appendActivity, deleteActivities, findConversation } from '../../db/repositories/directline.js';
import type { Database } from '../../db/schema.js';
import { renderForTurn } from '../text/TtyRenderingMiddleware.js';
import { forgetBeforeOf, isSignedOutEvent } from '../../dialogs/auth/signedOut.js';

export const DIRECT_LINE_CHANNEL_ID = 'directline';
export const DEFAULT_BOT_ID = 'child-support-assistant';

/** Longest pause a `delay` activity may impose; a turn holds the user's HTTP request open. */
const MAX_DELAY_MS = 5000;

export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface DirectLineAdapterOptions {
  readonly db: Kysely<Database>;
  /** Stamped on every activity as `serviceUrl`; our public address. */
  readonly serviceUrl: string;
  /** The bot's account id in every conversation. */
  readonly botId?: string;
  readonly botName?: string;
  /** Injected clock for timestamps. */
  readonly now?: () => Date;
  /**
   * Told of each stored activity once it is committed, so this instance's open streams send it at
   * once (other instances hear of it by NOTIFY).
   */
  readonly onStored?: (conversationId: string, seq: number) => void;
}

/** Activity id as Direct Line spells it: conversation id, a bar, the sequence number. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${seq}`;
}

/** The sequence number in one of our activity ids, or undefined for any other id. */
export function seqOf(conversationId: string, id: string | undefined): number | undefined {
  const prefix = `${conversationId}|`;
  if (id === undefined || !id.startsWith(prefix)) return undefined;
  const seq = Number(id.slice(prefix.length));
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** Dates become ISO strings and undefined fields vanish, exactly as the client will read them. */
export function toActivityJson(activity: Partial<Activity>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
}

export class DirectLineAdapter extends BotAdapter {
  readonly botId: string;
  readonly botName: string | undefined;
  readonly serviceUrl: string;
  private readonly db: Kysely<Database>;
  private readonly now: () => Date;
  private readonly onStored: (conversationId: string, seq: number) => void;

  constructor(options: DirectLineAdapterOptions) {
    super();
    this.db = options.db;
    this.serviceUrl = options.serviceUrl;
    this.botId = options.botId ?? DEFAULT_BOT_ID;
    this.botName = options.botName;
    this.now = options.now ?? (() => new Date());
    this.onStored = options.onStored ?? (() => undefined);
  }

  /**
   * Runs one turn through the middleware pipeline, so `use(...)` and `onTurnError` behave as on
   * CloudAdapter; an error the pipeline does not handle is rethrown to the caller.
   */
  async processActivity(activity: Partial<Activity>, logic: TurnLogic): Promise<void> {
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    // A turn in TTY mode is shown as a TTY shows it: the bot decides the mode, the channel renders.
    for (const activity of renderForTurn(context, activities)) {
      switch (activity.type) {
        case 'delay': {
          // botbuilder's own adapters honour 'delay' although ActivityTypes does not list it.
          const ms = typeof activity.value === 'number' ? Math.min(Math.max(activity.value, 0), MAX_DELAY_MS) : 1000;
          await new Promise((resolve) => setTimeout(resolve, ms));
          responses.push({ id: '' });
          break;
        }
        // Nothing to deliver: invoke responses belong to an HTTP exchange we do not have, traces
        // are for the Emulator, and a typing indicator would reach a polling client too late.
        case ActivityTypes.InvokeResponse:
        case ActivityTypes.Trace:
        case ActivityTypes.Typing:
          responses.push({ id: '' });
          break;
        default:
          responses.push({ id: await this.store(context, activity) });
      }
    }
    return responses;
  }

  private async store(context: TurnContext, activity: Partial<Activity>): Promise<string> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
    if (conversationId === undefined || conversationId === '') {
      throw new AppError('bad_request', 'an outgoing Direct Line activity names no conversation');
    }
    const build = (seq: number, conversation: { userId: string; locale: string }): Record<string, unknown> =>
      toActivityJson({
        ...activity,
        type: activity.type ?? ActivityTypes.Message,
        id: activityId(conversationId, seq),
        timestamp: this.now(),
        channelId: DIRECT_LINE_CHANNEL_ID,
        serviceUrl: this.serviceUrl,
        conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: this.botId, name: activity.from?.name ?? this.botName ?? this.botId, role: 'bot' },
        recipient: { id: conversation.userId, name: '', role: 'user' },
        locale: activity.locale ?? conversation.locale,
      });
    // Sign-out: the log (which a reloaded page replays) keeps nothing from before it. Deleted and
    // appended in one transaction, so a poll sees either the old transcript or only what follows.
    const stored = isSignedOutEvent(activity)
      ? await this.db.transaction().execute(async (trx) => {
          await deleteActivities(trx, conversationId, seqOf(conversationId, forgetBeforeOf(activity)));
          return appendActivity(trx, conversationId, build);
        })
      : await appendActivity(this.db, conversationId, build);
    if (stored === null) throw new AppError('not_found', 'the Direct Line conversation does not exist');
    this.onStored(conversationId, stored.seq);
    return activityId(conversationId, stored.seq);
  }

  /** Sent activities are final: Direct Line clients have no way to learn of an edit. */
  override async updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
    throw new AppError('bad_request', 'Direct Line activities cannot be updated');
  }

  override async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    throw new AppError('bad_request', 'Direct Line activities cannot be deleted');
  }

  /**
   * Proactive turn (e.g. after sign-in completes in another browser tab): the logic's replies land
   * in the conversation's log like any other bot activity.
   */
  override async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (conversationId === undefined) throw new AppError('bad_request', 'the conversation reference names no conversation');
    const conversation = await findConversation(this.db, conversationId);
    if (conversation === null) throw new AppError('not_found', 'the Direct Line conversation does not exist');
    const continuation: Partial<Activity> = {
      type: ActivityTypes.Event,
      name: ActivityEventNames.ContinueConversation,
      channelId: DIRECT_LINE_CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      locale: reference.locale ?? conversation.locale,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: conversation.userId, name: '', role: 'user' },
      recipient: { id: this.botId, name: this.botName ?? this.botId, role: 'bot' },
    };
    await this.processActivity(continuation, logic);
  }

  /**
   * The app id or claims identity is not needed: this adapter serves one bot and trusts its own
   * callers. Both signatures of BotAdapter are accepted (with or without an audience).
   */
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
