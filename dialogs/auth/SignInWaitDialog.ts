/**
 * Sends the NY.gov sign-in link and waits for the sign-in edge to say it was used. Anything the
 * parent types meanwhile (that is not help, cancel…, which the main dialog answers first) gets the
 * SAME link again: the sign-in port hands back the pending link while it is unopened and has a few
 * minutes left, and a new one only after that (nine links used to pile up, one per message). A
 * request for a person gets the helpline and the office email option, with the link in one short
 * line; a long message (often a worried one) a calm answer with the helpline and the link; thanks
 * and goodbye a goodbye, and no link. The
 * link's token is never kept in bot state.
 *
 * A sign-in finished outside the chat's own browser (a forwarded link, or any SMS conversation) is
 * not announced: its page shows a 6-digit code, and it counts only when that code is typed here
 * (the Bot Framework "magic code"). So a link forwarded to someone else opens nothing for the
 * chat that sent it. The bot never sends the code, and does not say when such a sign-in happened
 * (that would tell whoever holds the chat when to ask for it); the link message says beforehand
 * that a code may come.
 */
import { ActionTypes, ActivityTypes, CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from '../framework.js';
import type { AccountDeps } from '../deps.js';
import { turnLog } from '../log.js';
import { isPersonRequest } from '../office/personRequest.js';
import { loadLexicon } from '../recognizer/lexicon.js';
import { SmallTalk } from '../recognizer/SmallTalk.js';
import { localeOf, reply, sayFor } from '../reply.js';
import { auditTurn } from './conversation.js';
import { SIGN_IN_COMPLETED_EVENT, type SignInCodeResult, type SignInIdentity } from './ports.js';

export const SIGN_IN_WAIT_DIALOG = 'SignInWaitDialog';

export interface SignInWaitOptions {
  /** The completion event is the current activity: take it now instead of sending a link. */
  readonly fromEvent?: boolean;
}

/**
 * A message long enough that it is more than a stray word while waiting: twelve words, or twenty
 * Chinese characters. It is answered calmly with the helpline, not with a bare reminder.
 */
export function isLongMessage(text: string | undefined): boolean {
  if (text === undefined) return false;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return han >= 20 || words >= 12;
}

export function isSignInCompleted(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Event && activity.name === SIGN_IN_COMPLETED_EVENT;
}

/** Six digits, spaces (or dashes) between them allowed: the code as a person may type it. */
export function signInCodeOf(text: string | undefined): string | null {
  if (text === undefined || !/^[\d\s-]+$/.test(text)) return null;
  const digits = text.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

let smallTalk: SmallTalk | undefined;

/** "thx bye", "谢谢，再见", "gracias, adios": a message that is only thanks and goodbye (the same phrase lists the recognizer uses). */
function isGoodbye(text: string): boolean {
  smallTalk ??= new SmallTalk(loadLexicon());
  return smallTalk.match(text) === 'goodbye';
}

/** The event's value comes from outside: only a plain `{ requestId: string }` is looked at. */
function requestIdOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const requestId: unknown = (value as { requestId?: unknown }).requestId;
  return typeof requestId === 'string' && requestId.length > 0 && requestId.length <= 200 ? requestId : null;
}

export class SignInWaitDialog extends Dialog<SignInWaitOptions> {
  constructor(private readonly deps: AccountDeps) {
    super(SIGN_IN_WAIT_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: SignInWaitOptions): Promise<DialogTurnResult> {
    if (options?.fromEvent === true) return this.takeCompleted(dc, true);
    await this.sendLink(dc.context, 'auth.sign_in_link');
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (isSignInCompleted(activity)) return this.takeCompleted(dc, false);
    if (activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const code = signInCodeOf(activity.text);
    if (code !== null) return this.takeByCode(dc, code);
    const text = activity.text ?? '';
    if (isGoodbye(text)) {
      // A goodbye, not the link once more; the wait goes on, so the link already sent still works.
      await reply(dc.context, 'goodbye.reply');
    } else if (isPersonRequest(text)) {
      await reply(dc.context, 'office.person');
      await this.sendLink(dc.context, 'auth.sign_in_still');
    } else if (isLongMessage(text)) {
      await this.sendLink(dc.context, 'auth.sign_in_worried');
    } else {
      await this.sendLink(dc.context, 'auth.sign_in_reminder');
    }
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, _instance: DialogInstance): Promise<void> {
    await this.sendLink(context, 'auth.sign_in_reminder');
  }

  /** Plain text that works alone (SMS, TTY), plus a button where the channel can show one. */
  private async sendLink(context: TurnContext, key: string): Promise<void> {
    const locale = localeOf(context);
    const say = sayFor(context);
    const { url, expiresAt } = await this.deps.signIn.createLink({
      conversation: TurnContext.getConversationReference(context.activity),
      channel: context.activity.channelId,
      locale,
    });
    const minutes = Math.max(1, Math.round((expiresAt.getTime() - this.deps.now().getTime()) / 60_000));
    const text = say(key, { url, count: minutes });
    const card = CardFactory.heroCard('', undefined, [{ type: ActionTypes.OpenUrl, title: say('auth.sign_in_button'), value: url }]);
    await context.sendActivity(MessageFactory.attachment(card, text));
  }

  /** The code from the page of a sign-in finished in another browser; it never leaves this turn. */
  private async takeByCode(dc: DialogContext, code: string): Promise<DialogTurnResult> {
    const { context } = dc;
    const result: SignInCodeResult = await this.deps.signIn.checkCode(context.activity.conversation.id, code);
    if (result.outcome === 'verified') {
      const { identity } = result;
      await auditTurn(this.deps.db, context, {
        action: 'sign_in',
        outcome: 'success',
        identityIssuer: identity.issuer,
        identitySubject: identity.subject,
        detail: { by: 'code' },
      });
      return dc.endDialog({ issuer: identity.issuer, subject: identity.subject });
    }
    if (result.outcome === 'wrong') {
      await auditTurn(this.deps.db, context, { action: 'sign_in', outcome: result.ended ? 'code_ended' : 'code_wrong' });
      turnLog(dc.context, this.deps.logger)?.warn({ code: result.ended ? 'signin_code_ended' : 'signin_code_wrong' }, 'wrong sign-in code');
      if (result.ended) {
        await this.sendLink(context, 'auth.code_ended');
        return Dialog.EndOfTurn;
      }
      await reply(context, 'auth.code_wrong');
      return Dialog.EndOfTurn;
    }
    await this.sendLink(context, 'auth.code_none');
    return Dialog.EndOfTurn;
  }

  private async takeCompleted(dc: DialogContext, stray: boolean): Promise<DialogTurnResult> {
    const { context } = dc;
    const requestId = requestIdOf(context.activity.value);
    const identity: SignInIdentity | null =
      requestId === null ? null : await this.deps.signIn.takeCompleted(requestId, context.activity.conversation.id);
    if (identity === null) {
      // A stale, repeated or forged event proves nothing; it is recorded, and never trusted.
      await auditTurn(this.deps.db, context, { action: 'sign_in', outcome: 'rejected' });
      turnLog(dc.context, this.deps.logger)?.warn({ event: SIGN_IN_COMPLETED_EVENT }, 'sign-in completion not accepted');
      if (stray) return dc.endDialog(undefined);
      await this.sendLink(context, 'auth.sign_in_not_completed');
      return Dialog.EndOfTurn;
    }
    await auditTurn(this.deps.db, context, {
      action: 'sign_in',
      outcome: 'success',
      identityIssuer: identity.issuer,
      identitySubject: identity.subject,
    });
    return dc.endDialog({ issuer: identity.issuer, subject: identity.subject });
  }
}
