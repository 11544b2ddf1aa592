/**
 * "Sign in" on its own, and a sign-in completed when nothing was waiting for it (the parent
 * cancelled, or the conversation was restarted): the gate runs, then the parent is told what next.
 */
import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../framework.js';
import { textTurnOf } from '../text/mode.js';
import type { AccountDeps } from '../deps.js';
import { reply } from '../reply.js';
import { mayVerifyInChat, VERIFY_DIALOG, VerifyDialog, verifiedPersonOf, type VerifyOptions } from './VerifyDialog.js';

export const SIGN_IN_DIALOG = 'SignInDialog';
const SIGN_IN_WATERFALL = 'SignInDialog.waterfall';

export type SignInOptions = VerifyOptions;

function isSignInOptions(value: unknown): value is SignInOptions {
  return typeof value === 'object' && value !== null && (value as SignInOptions).fromEvent === true;
}

export class SignInDialog extends ComponentDialog {
  constructor(deps: AccountDeps) {
    super(SIGN_IN_DIALOG);
    this.addDialog(new VerifyDialog(deps));
    this.addDialog(new WaterfallDialog(SIGN_IN_WATERFALL, [this.verifyStep.bind(this), this.doneStep.bind(this)]));
    this.initialDialogId = SIGN_IN_WATERFALL;
  }

  private async verifyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // The main dialog starts this with the recognition as options; only a true `fromEvent` counts.
    if (isSignInOptions(step.options)) return step.beginDialog(VERIFY_DIALOG, { fromEvent: true } satisfies VerifyOptions);
    // A TTY over SMS cannot open a link: the parent is told what works instead and verified by SSN
    // and PIN. A TTY user in web chat gets the link like everyone there (web chat is NY.gov only).
    if (textTurnOf(step.context).tty && mayVerifyInChat(step.context)) {
      await reply(step.context, 'auth.tty_sign_in');
      return step.beginDialog(VERIFY_DIALOG, {} satisfies VerifyOptions);
    }
    // Asking to sign in means NY.gov, also by SMS: SSN and PIN alone never open documents.
    return step.beginDialog(VERIFY_DIALOG, { requireNyGov: true } satisfies VerifyOptions);
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const verified = verifiedPersonOf(step.result);
    if (verified !== null) await reply(step.context, verified.fresh ? 'auth.ready' : 'auth.already_signed_in');
    return step.endDialog();
  }
}
