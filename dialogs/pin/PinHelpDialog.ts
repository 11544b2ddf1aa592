/**
 * "I lost my PIN": where the PIN came from and the helpline; and, for a parent whose sign-in is
 * verified in this conversation, a new PIN mailed to the address on file once they confirm their
 * SSN. The SSN must be the session person's own; any other gets the same words as a wrong link
 * attempt, and the address is never shown.
 */
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidator,
  type WaterfallStepContext,
} from '../framework.js';
import { hmacSsn, normalizeSsn } from '../../db/crypto.js';
import { ssnHmacMatchesPerson } from '../../db/repositories/people.js';
import { requestPinMail } from '../../db/repositories/pinMail.js';
import { peekSession, useSession } from '../../db/repositories/sessions.js';
import { auditTurn, conversationKeyOf } from '../auth/conversation.js';
import type { AccountDeps } from '../deps.js';
import { MAX_LINK_MISSES } from '../linking/LinkAccountDialog.js';
import { MAX_REASKS, ssnValidator, textResult } from '../linking/validators.js';
import { reply, sayFor } from '../reply.js';
import { yesNo } from './yesNo.js';

export const PIN_HELP_DIALOG = 'PinHelpDialog';
const PIN_HELP_WATERFALL = 'PinHelpDialog.waterfall';
const CONFIRM_PROMPT = 'PinHelpDialog.confirm';
const SSN_PROMPT = 'PinHelpDialog.ssn';

interface PinHelpOptions {
  /** Set when coming back round after an SSN that did not match. */
  readonly misses?: number;
}

const confirmValidator: PromptValidator<string> = async (prompt) => {
  const value = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
  return yesNo(value) !== null || prompt.attemptCount > MAX_REASKS;
};

function optionsOf(value: unknown): PinHelpOptions {
  if (typeof value !== 'object' || value === null) return {};
  const misses = (value as { misses?: unknown }).misses;
  return typeof misses === 'number' ? { misses } : {};
}

export class PinHelpDialog extends ComponentDialog {
  constructor(private readonly deps: AccountDeps) {
    super(PIN_HELP_DIALOG);
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, confirmValidator));
    this.addDialog(new TextPrompt(SSN_PROMPT, ssnValidator));
    this.addDialog(
      new WaterfallDialog(PIN_HELP_WATERFALL, [
        this.explainStep.bind(this),
        this.confirmStep.bind(this),
        this.checkStep.bind(this),
      ]),
    );
    this.initialDialogId = PIN_HELP_WATERFALL;
  }

  private async explainStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const say = sayFor(step.context);
    if ((optionsOf(step.options).misses ?? 0) > 0) return step.next('yes');
    await step.context.sendActivity(say('pin.help'));
    const session = await peekSession(this.deps.db, conversationKeyOf(step.context), this.deps.now());
    if (session === null) {
      await step.context.sendActivity(say('pin.mail_after_sign_in'));
      return step.endDialog();
    }
    return step.prompt(CONFIRM_PROMPT, { prompt: say('pin.offer_mail'), retryPrompt: say('pin.offer_mail_retry') });
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (yesNo(textResult(step.result)) !== 'yes') {
      await reply(step.context, 'pin.mail_declined');
      return step.endDialog();
    }
    const say = sayFor(step.context);
    return step.prompt(SSN_PROMPT, { prompt: say('pin.ask_ssn'), retryPrompt: say('linking.ssn_invalid') });
  }

  private async checkStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ssn = normalizeSsn(textResult(step.result));
    if (ssn === null) {
      await reply(step.context, 'linking.gave_up');
      return step.endDialog();
    }
    const session = await useSession(this.deps.db, conversationKeyOf(step.context), this.deps.now());
    if (session === null) {
      await reply(step.context, 'pin.mail_after_sign_in');
      return step.endDialog();
    }
    const channel = step.context.activity.channelId;
    const matches = await ssnHmacMatchesPerson(this.deps.db, session.personId, hmacSsn(this.deps.ssnHmacKey, ssn));
    if (!matches) {
      await auditTurn(this.deps.db, step.context, { action: 'pin_remail_request', outcome: 'failure', personId: session.personId });
      const misses = (optionsOf(step.options).misses ?? 0) + 1;
      if (misses >= MAX_LINK_MISSES) {
        await reply(step.context, 'pin.mail_not_matched');
        return step.endDialog();
      }
      await reply(step.context, 'linking.no_match');
      return step.replaceDialog(PIN_HELP_WATERFALL, { misses } satisfies PinHelpOptions);
    }
    await requestPinMail(this.deps.db, { personId: session.personId, channel, now: this.deps.now() });
    await auditTurn(this.deps.db, step.context, { action: 'pin_remail_request', outcome: 'success', personId: session.personId });
    await reply(step.context, 'pin.mail_requested');
    return step.endDialog();
  }
}
