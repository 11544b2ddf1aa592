/**
 * Routes each message to an answer or a dialog, and does nothing else. A new flow is one entry in
 * `routes` (`{ dialogId }`) plus one `addDialog`; it then inherits the interruptions of the base.
 */
import {
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Logger } from '../channels/logger.js';
import { looksSensitive } from './input/screenInput.js';
import { InterruptibleDialog } from './InterruptibleDialog.js';
import type { Intent, Recognition, Recognizer } from './recognizer/Recognizer.js';

export const MAIN_DIALOG = 'MainDialog';
const MAIN_WATERFALL = 'MainDialog.waterfall';

/** Either a dialog to start (it receives the `Recognition` as options) or a one-turn answer. */
export type Route =
  | { readonly dialogId: string }
  | { readonly reply: (step: WaterfallStepContext, recognition: Recognition) => Promise<void> };

export interface MainDialogDeps {
  recognizer: Recognizer;
  logger?: Logger;
}

export class MainDialog extends InterruptibleDialog {
  private readonly routes: Readonly<Record<Intent, Route>>;

  constructor({ recognizer, logger }: MainDialogDeps) {
    super(MAIN_DIALOG, recognizer, logger);
    const say = (key: string): Route => ({ reply: (step) => this.say(step.context, key) });
    // Account questions need sign-in, which is not built yet: say so honestly and name the helpline.
    const accountUnavailable = say('account.unavailable');
    this.routes = {
      balance: accountUnavailable,
      last_payment: accountUnavailable,
      payment_history: accountUnavailable,
      disbursements: accountUnavailable,
      statement: accountUnavailable,
      monthly_notice: accountUnavailable,
      payment_coupon: accountUnavailable,
      contact_office: accountUnavailable,
      sign_in: accountUnavailable,
      pin_help: say('pin.help'),
      greeting: say('greeting.reply'),
      cancel: say('cancel.nothing'),
      none: say('none.reply'),
      help: { reply: (step, recognition) => this.showHelp(step.context, recognition) },
      sign_out: { reply: (step) => this.signOut(step.context) },
      language: {
        reply: async (step, recognition) => {
          const { locale } = recognition.entities;
          if (locale === undefined) await this.say(step.context, 'language.options');
          else await this.switchLanguage(step.context, locale);
        },
      },
    };
    this.addDialog(new WaterfallDialog(MAIN_WATERFALL, [this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const text = await this.screen(step.context);
    if (text === undefined) return step.endDialog();
    if (looksSensitive(text)) {
      await this.say(step.context, 'input.sensitive');
      return step.endDialog();
    }
    const recognition = await this.recognizer.recognize(text, this.locale(step.context));
    this.logger?.debug({ intent: recognition.intent, score: recognition.score }, 'message routed');
    const route = this.routes[recognition.intent];
    if ('dialogId' in route) return step.beginDialog(route.dialogId, recognition);
    await route.reply(step, recognition);
    return step.endDialog();
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
