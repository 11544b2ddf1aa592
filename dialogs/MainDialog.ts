/**
 * Routes each message to an answer or a dialog, and does nothing else. A new flow is one entry in
 * `routes` (`{ dialogId }`) plus one `addDialog`; it then inherits the interruptions of the base.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import {
  Dialog,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from './framework.js';
import type { Kysely } from 'kysely';
import { turnLog, type Log } from './log.js';
import { isSignOff } from './text/mode.js';
import { conversationMetLock } from '../db/repositories/audit.js';
import { endSessions } from '../db/repositories/sessions.js';
import type { Database } from '../db/schema.js';
import { BALANCE_DIALOG, BalanceDialog } from './account/BalanceDialog.js';
import { CLARIFY_DIALOG, ClarifyDialog, isClarified } from './clarify/ClarifyDialog.js';
import { DISBURSEMENTS_DIALOG, DisbursementsDialog } from './account/DisbursementsDialog.js';
import { LAST_PAYMENT_DIALOG, LastPaymentDialog } from './account/LastPaymentDialog.js';
import { menuFor } from './account/menu.js';
import { PAYMENT_HISTORY_DIALOG, PaymentHistoryDialog, isPrintWord } from './account/PaymentHistoryDialog.js';
import { isReroute } from './account/reroute.js';
import { conversationKeyOf } from './auth/conversation.js';
import type { SignInPort } from './auth/ports.js';
import { SIGN_IN_DIALOG, SignInDialog, type SignInOptions } from './auth/SignInDialog.js';
import { SIGN_IN_WAIT_DIALOG, isSignInCompleted } from './auth/SignInWaitDialog.js';
import type { AccountDeps } from './deps.js';
import { looksSensitive } from './input/screenInput.js';
import { InterruptibleDialog } from './InterruptibleDialog.js';
import { isPersonRequest } from './office/personRequest.js';
import { CONTACT_OFFICE_DIALOG, ContactOfficeDialog, OFFICE_MESSAGE_PROMPT } from './office/ContactOfficeDialog.js';
import { mayInterruptFreeText } from './office/officeMessage.js';
import type { OfficeOutbox } from './office/ports.js';
import { PIN_HELP_DIALOG, PinHelpDialog } from './pin/PinHelpDialog.js';
import { reminderAction } from './reminders/intent.js';
import type { RemindersPort } from './reminders/ports.js';
import { REMINDERS_DIALOG, RemindersDialog } from './reminders/RemindersDialog.js';
import { DOCUMENT_DIALOG, DocumentDialog } from './documents/DocumentDialog.js';
import type { DocumentPort } from './documents/ports.js';
import type { Intent, Recognition, Recognizer } from './recognizer/Recognizer.js';

export const MAIN_DIALOG = 'MainDialog';
const MAIN_WATERFALL = 'MainDialog.waterfall';
/** How long after a lock an SSN or PIN typed out of turn is answered with the lock notice. */
const LOCK_NOTICE_MS = 24 * 60 * 60 * 1000;

/** Either a dialog to start (it receives the `Recognition` as options) or a one-turn answer. */
export type Route =
  | { readonly dialogId: string }
  | { readonly reply: (step: WaterfallStepContext, recognition: Recognition) => Promise<void> };

export interface MainDialogDeps {
  recognizer: Recognizer;
  logger?: Log;
  db: Kysely<Database>;
  signIn: SignInPort;
  /** The key `db/crypto.hmacSsn` uses; the same one the data was loaded with. */
  ssnHmacKey: string;
  /** The clock for sessions and lockouts; tests pass a fixed one. */
  now?: () => Date;
  /** Queues messages to local offices for delivery; without one, "email my office" names the helpline instead. */
  officeOutbox?: OfficeOutbox;
  /** Renders statements, notices, coupons and printable histories; without one, they are unavailable. */
  documents?: DocumentPort;
  /** Texts the web chat's one-time code and hashes numbers as STOP does; without one, reminders are unavailable. */
  reminders?: RemindersPort;
}

/** The innermost active dialog: only a dialog actually waiting for sign-in may see its event. */
function leafDialogId(dc: DialogContext): string | undefined {
  let current = dc;
  for (let child = current.child; child !== undefined; child = current.child) current = child;
  return current.activeDialog?.id;
}

export class MainDialog extends InterruptibleDialog {
  private readonly routes: Readonly<Record<Intent, Route>>;
  private readonly deps: AccountDeps;

  constructor({ recognizer, logger, db, signIn, ssnHmacKey, now, officeOutbox, documents, reminders }: MainDialogDeps) {
    super(MAIN_DIALOG, recognizer, logger);
    this.deps = { db, signIn, ssnHmacKey, now: now ?? (() => new Date()), ...(logger === undefined ? {} : { logger }) };
    const say = (key: string): Route => ({ reply: (step) => this.say(step.context, key) });
    // Questions whose answers are not built yet: say so honestly and name the helpline.
    const accountUnavailable = say('account.unavailable');
    this.routes = {
      balance: { dialogId: BALANCE_DIALOG },
      last_payment: { dialogId: LAST_PAYMENT_DIALOG },
      payment_history: { dialogId: PAYMENT_HISTORY_DIALOG },
      disbursements: { dialogId: DISBURSEMENTS_DIALOG },
      statement: documents === undefined ? accountUnavailable : { dialogId: DOCUMENT_DIALOG },
      monthly_notice: documents === undefined ? accountUnavailable : { dialogId: DOCUMENT_DIALOG },
      payment_coupon: documents === undefined ? accountUnavailable : { dialogId: DOCUMENT_DIALOG },
      contact_office: officeOutbox === undefined ? accountUnavailable : { dialogId: CONTACT_OFFICE_DIALOG },
      sign_in: { dialogId: SIGN_IN_DIALOG },
      pin_help: { dialogId: PIN_HELP_DIALOG },
      greeting: say('greeting.reply'),
      cancel: say('cancel.nothing'),
      // Not understood: offer the likeliest choices, then a person (see ClarifyDialog).
      none: { dialogId: CLARIFY_DIALOG },
      goodbye: say('goodbye.reply'),
      // Without Twilio there is no way to text anyone: say so honestly.
      reminders: reminders === undefined ? say('reminders.unavailable') : { dialogId: REMINDERS_DIALOG },
      help: {
        reply: async (step, recognition) => {
          await step.context.sendActivity(await menuFor(this.deps, step.context, recognition.entities.view === 'menu' ? 'menu' : 'help'));
        },
      },
      sign_out: { reply: (step) => this.signOut(step.context) },
      language: {
        reply: async (step, recognition) => {
          const { locale } = recognition.entities;
          if (locale === undefined) await this.say(step.context, 'language.options');
          else await this.switchLanguage(step.context, locale);
        },
      },
    };
    this.addDialog(new BalanceDialog(this.deps));
    this.addDialog(new LastPaymentDialog(this.deps));
    this.addDialog(new PaymentHistoryDialog(this.deps, documents));
    if (documents !== undefined) this.addDialog(new DocumentDialog(this.deps, documents));
    this.addDialog(new DisbursementsDialog(this.deps));
    this.addDialog(new SignInDialog(this.deps));
    this.addDialog(new PinHelpDialog(this.deps));
    if (officeOutbox !== undefined) this.addDialog(new ContactOfficeDialog(this.deps, officeOutbox));
    if (reminders !== undefined) this.addDialog(new RemindersDialog(this.deps, reminders));
    this.addDialog(new ClarifyDialog(recognizer));
    this.addDialog(new WaterfallDialog(MAIN_WATERFALL, [this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  /**
   * The bot hands in the sign-in completion event as well as messages. It reaches only a dialog
   * waiting for it; anywhere else (say, half-way through typing the SSN) it is dropped unread.
   */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = innerDc.context;
    if (isSignOff(innerDc.context)) {
      await this.closeConversation(innerDc.context);
      return innerDc.cancelAllDialogs();
    }
    // A message to the office is the parent's own words: "I need help with…" is not a call for help.
    if (activity.type === ActivityTypes.Message && leafDialogId(innerDc) === OFFICE_MESSAGE_PROMPT && !mayInterruptFreeText(activity.text ?? '')) {
      return innerDc.continueDialog();
    }
    if (activity.type === ActivityTypes.Message) return super.onContinueDialog(innerDc);
    if (isSignInCompleted(activity) && leafDialogId(innerDc) === SIGN_IN_WAIT_DIALOG) return super.onContinueDialog(innerDc);
    // Waiting only for a "did you mean" answer is not waiting: a finished sign-in still signs in.
    if (isSignInCompleted(activity) && leafDialogId(innerDc) === CLARIFY_DIALOG) {
      await innerDc.cancelAllDialogs();
      return innerDc.beginDialog(MAIN_WATERFALL);
    }
    turnLog(innerDc.context, this.logger)?.info({ activityType: activity.type }, 'non-message activity ignored by the active dialog');
    return Dialog.EndOfTurn;
  }

  /** Ends the verified session on the server before the conversation forgets its own state. */
  protected override async signOut(context: TurnContext): Promise<void> {
    await endSessions(this.deps.db, conversationKeyOf(context), this.deps.now());
    await super.signOut(context);
  }

  /** "SK" on a TTY: whatever was going on ends, the verified session too, with a short closing. */
  private async closeConversation(context: TurnContext): Promise<void> {
    await endSessions(this.deps.db, conversationKeyOf(context), this.deps.now());
    await this.say(context, 'tty.closing');
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isSignOff(step.context)) {
      await this.closeConversation(step.context);
      return step.endDialog();
    }
    const chosen = (step.options as { chosen?: Recognition } | undefined)?.chosen;
    if (chosen !== undefined) return this.follow(step, chosen);
    if (step.context.activity.type !== ActivityTypes.Message) {
      // A sign-in finished while nothing was waiting for it still signs the parent in.
      if (isSignInCompleted(step.context.activity)) return step.beginDialog(SIGN_IN_DIALOG, { fromEvent: true } satisfies SignInOptions);
      return step.endDialog();
    }
    const text = await this.screen(step.context);
    if (text === undefined) return step.endDialog();
    if (looksSensitive(text)) {
      const since = new Date(this.deps.now().getTime() - LOCK_NOTICE_MS);
      const locked = await conversationMetLock(this.deps.db, conversationKeyOf(step.context), since);
      await this.say(step.context, locked ? 'linking.locked' : 'input.sensitive');
      return step.endDialog();
    }
    // "print" with no payment history on screen: say how to get one printed.
    if (isPrintWord(text)) {
      await this.say(step.context, 'documents.chat.print_nothing');
      return step.endDialog();
    }
    let recognition = await this.recognizer.recognize(text, this.locale(step.context));
    // "stop reminders" reads as cancel to the model; the reminder words settle it (see reminders/intent.ts).
    const overridable = recognition.score < 0.5 || ['cancel', 'none', 'greeting', 'goodbye'].includes(recognition.intent);
    if (recognition.intent !== 'reminders' && overridable && reminderAction(text) !== null) recognition = { intent: 'reminders', score: 1, entities: {} };
    turnLog(step.context, this.logger)?.debug({ intent: recognition.intent, score: recognition.score }, 'message routed');
    return this.follow(step, recognition);
  }

  private async follow(step: WaterfallStepContext, recognition: Recognition): Promise<DialogTurnResult> {
    const route = this.routes[recognition.intent];
    // "agent", "talk to a person" are filed under contact_office with "email my office": a parent
    // asking for a person gets the helpline (and the email option) now, not a sign-in link.
    if (recognition.intent === 'contact_office' && 'dialogId' in route && isPersonRequest(step.context.activity.text ?? '')) {
      await this.say(step.context, 'office.person');
      return step.endDialog();
    }
    if ('dialogId' in route) return step.beginDialog(route.dialogId, recognition);
    await route.reply(step, recognition);
    return step.endDialog();
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // A dialog waiting for "more" or a case got another question: route this same message afresh.
    if (isReroute(step.result)) return step.replaceDialog(MAIN_WATERFALL);
    // The parent picked one of the offered choices: answer it for the question first asked.
    if (isClarified(step.result)) {
      step.context.activity.text = step.result.text;
      const chosen: Recognition = { intent: step.result.clarified, score: 1, entities: {} };
      return step.replaceDialog(MAIN_WATERFALL, { chosen });
    }
    return step.endDialog(step.result);
  }
}
