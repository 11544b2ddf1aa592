/**
 * "Email my office": a verified parent writes a message that is emailed to the office handling one
 * of their cases. The office is found through the parent's own case, never named by them. The
 * message is read back only as its length (a shared screen or a relay operator should not hear it
 * twice), and after a yes it is queued in the outbox, which a worker delivers (with retries) while
 * the parent is told the reference. The confirmation carries a key minted when the question was
 * asked, so a doubled "yes", a retried post or a "yes" again after a turn died mid-way queues one
 * message, and the parent is told it is already on its way.
 */
import { randomUUID } from 'node:crypto';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidator,
  type WaterfallStepContext,
} from '../framework.js';
import type { TurnContext } from 'botbuilder';
import { listCases, type CaseSummary } from '../../db/account/cases.js';
import { findCaseOffice, findQueuedOfficeMessage, type Office } from '../../db/repositories/officeMessages.js';
import { useSession } from '../../db/repositories/sessions.js';
import { officeHours } from './hours.js';
import { isReroute } from '../account/reroute.js';
import { auditTurn, conversationKeyOf } from '../auth/conversation.js';
import { VERIFY_DIALOG, VerifyDialog, verifiedPersonOf } from '../auth/VerifyDialog.js';
import { CASE_CHOICE_DIALOG, CaseChoiceDialog, isCaseSelection, type CaseChoiceOptions } from '../cases/CaseChoiceDialog.js';
import { caseChoiceOf } from '../cases/caseChoice.js';
import type { AccountDeps } from '../deps.js';
import { turnLog } from '../log.js';
import { MAX_REASKS, textResult } from '../linking/validators.js';
import { yesNo } from '../pin/yesNo.js';
import { localeOf, reply, sayFor } from '../reply.js';
import { channelKindOf, checkOfficeMessage, errorCodeOf, formatPhone, MAX_OFFICE_MESSAGE, type MessageCheck } from './officeMessage.js';
import type { OfficeOutbox, QueuedOfficeMessageRef } from './ports.js';

export const CONTACT_OFFICE_DIALOG = 'ContactOfficeDialog';
const CONTACT_OFFICE_WATERFALL = 'ContactOfficeDialog.waterfall';
/** The prompt waiting for the parent's free text; the main dialog lets long answers through to it. */
export const OFFICE_MESSAGE_PROMPT = 'ContactOfficeDialog.message';
const CONFIRM_PROMPT = 'ContactOfficeDialog.confirm';

const RETRY_KEYS: Record<Extract<MessageCheck, { ok: false }>['reason'], string> = {
  empty: 'office.retry_empty',
  too_long: 'office.retry_too_long',
  control: 'office.retry_control',
  sensitive: 'office.retry_sensitive',
};

/** What the waterfall keeps between turns. `message` is held only until the yes or no. */
interface ContactValues {
  text?: string;
  personId?: string;
  cases?: CaseSummary[];
  caseNumber?: string;
  office?: Office;
  message?: string;
  /** Minted when the yes-or-no is asked: the idempotency key of this one confirmation. */
  confirmation?: string;
}

function valuesOf(step: WaterfallStepContext): ContactValues {
  return step.values as ContactValues;
}

/** Each refusal says what was wrong with the message; after `MAX_REASKS` the next step gives up. */
const messageValidator: PromptValidator<string> = async (prompt) => {
  const check = checkOfficeMessage(prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '');
  if (check.ok || prompt.attemptCount > MAX_REASKS) return true;
  prompt.options.retryPrompt = sayFor(prompt.context)(RETRY_KEYS[check.reason], { count: check.length, limit: MAX_OFFICE_MESSAGE });
  return false;
};

const confirmValidator: PromptValidator<string> = async (prompt) => {
  const value = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
  return yesNo(value) !== null || prompt.attemptCount > MAX_REASKS;
};

export class ContactOfficeDialog extends ComponentDialog {
  constructor(
    private readonly deps: AccountDeps,
    private readonly outbox: OfficeOutbox,
  ) {
    super(CONTACT_OFFICE_DIALOG);
    this.addDialog(new VerifyDialog(deps));
    this.addDialog(new CaseChoiceDialog(deps));
    this.addDialog(new TextPrompt(OFFICE_MESSAGE_PROMPT, messageValidator));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, confirmValidator));
    this.addDialog(
      new WaterfallDialog(CONTACT_OFFICE_WATERFALL, [
        this.verifyStep.bind(this),
        this.casesStep.bind(this),
        this.oneCaseStep.bind(this),
        this.askStep.bind(this),
        this.confirmStep.bind(this),
        this.sendStep.bind(this),
      ]),
    );
    this.initialDialogId = CONTACT_OFFICE_WATERFALL;
  }

  private async verifyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    valuesOf(step).text = step.context.activity.text ?? '';
    return step.beginDialog(VERIFY_DIALOG);
  }

  private async casesStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const verified = verifiedPersonOf(step.result);
    if (verified === null) return step.endDialog();
    const values = valuesOf(step);
    const cases = await listCases(this.deps.db, verified.personId);
    if (cases.length === 0) {
      await reply(step.context, 'balance.no_cases');
      return step.endDialog();
    }
    values.personId = verified.personId;
    values.cases = cases;
    return step.beginDialog(CASE_CHOICE_DIALOG, { personId: verified.personId, text: values.text ?? '', cases } satisfies CaseChoiceOptions);
  }

  /** A message goes to one office: "all" (said now or remembered) is asked once more, for one case. */
  private async oneCaseStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isReroute(step.result)) return step.endDialog(step.result);
    const { personId, cases } = valuesOf(step);
    if (!isCaseSelection(step.result) || personId === undefined || cases === undefined) return step.endDialog();
    if (step.result.caseNumbers.length === 1) return step.next(step.result);
    await reply(step.context, 'office.one_case');
    caseChoiceOf(step.context).set(undefined);
    return step.beginDialog(CASE_CHOICE_DIALOG, { personId, text: '', cases } satisfies CaseChoiceOptions);
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isReroute(step.result)) return step.endDialog(step.result);
    const values = valuesOf(step);
    const [caseNumber, ...others] = isCaseSelection(step.result) ? step.result.caseNumbers : [];
    if (caseNumber === undefined || others.length > 0 || values.personId === undefined) {
      if (isCaseSelection(step.result)) await reply(step.context, 'office.gave_up');
      return step.endDialog();
    }
    const office = await findCaseOffice(this.deps.db, values.personId, caseNumber);
    if (office === null) {
      turnLog(step.context, this.deps.logger)?.error({ event: 'office_missing' }, 'a case of a verified parent has no office');
      await reply(step.context, 'errors.generic');
      return step.endDialog();
    }
    values.caseNumber = caseNumber;
    values.office = office;
    const ask = sayFor(step.context)('office.ask_message', { office: office.name, limit: MAX_OFFICE_MESSAGE });
    return step.prompt(OFFICE_MESSAGE_PROMPT, { prompt: ask, retryPrompt: ask });
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = valuesOf(step);
    const check = checkOfficeMessage(textResult(step.result));
    if (!check.ok || values.office === undefined) {
      await reply(step.context, 'office.gave_up');
      return step.endDialog();
    }
    values.message = check.text;
    values.confirmation = randomUUID();
    const say = sayFor(step.context);
    return step.prompt(CONFIRM_PROMPT, {
      prompt: say('office.confirm', { count: check.length, office: values.office.name }),
      retryPrompt: say('office.confirm_retry'),
    });
  }

  private async sendStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = valuesOf(step);
    const { personId, caseNumber, office, message, confirmation } = values;
    delete values.message;
    if (personId === undefined || caseNumber === undefined || office === undefined || message === undefined || confirmation === undefined) {
      return step.endDialog();
    }
    // This very confirmation was queued by a turn that then died before its state was saved: say so,
    // whatever the answer now, rather than "not sent" or "sign-in ended".
    const queued = await findQueuedOfficeMessage(this.deps.db, personId, confirmation);
    if (queued !== null) {
      const known = this.contactOf(step.context, office);
      await reply(step.context, 'office.already_sent', { office: known.office, phone: known.phone, hours: known.hours, reference: queued.reference });
      return step.endDialog();
    }
    if (yesNo(textResult(step.result)) !== 'yes') {
      await reply(step.context, 'office.not_sent');
      return step.endDialog();
    }
    // Typing a long message can outlast the session; a message is sent only in a live one.
    const session = await useSession(this.deps.db, conversationKeyOf(step.context), this.deps.now());
    if (session === null || session.personId !== personId) {
      await reply(step.context, 'office.session_ended');
      return step.endDialog();
    }
    await this.queue(step, { personId, caseNumber, office, message, confirmation });
    return step.endDialog();
  }

  private async queue(
    step: WaterfallStepContext,
    { personId, caseNumber, office, message, confirmation }: { personId: string; caseNumber: string; office: Office; message: string; confirmation: string },
  ): Promise<void> {
    const channel = channelKindOf(step.context);
    const contact = this.contactOf(step.context, office);
    let queued: QueuedOfficeMessageRef;
    try {
      queued = await this.outbox.queue({
        idempotencyKey: confirmation,
        officeId: office.id,
        personId,
        caseNumber,
        channel: step.context.activity.channelId,
        channelKind: channel,
        locale: localeOf(step.context),
        body: message,
      });
    } catch (error) {
      turnLog(step.context, this.deps.logger)?.error({ event: 'office_message_not_queued', code: errorCodeOf(error) }, 'an office message could not be queued');
      await reply(step.context, 'office.failed', { office: contact.office, phone: contact.phone, hours: contact.hours });
      return;
    }
    const { id, reference, created } = queued;
    if (!created) {
      await reply(step.context, 'office.already_sent', { office: contact.office, phone: contact.phone, hours: contact.hours, reference });
      return;
    }
    const detail = { messageId: id, reference, officeId: office.id, characters: [...message].length, channel };
    await auditTurn(this.deps.db, step.context, { action: 'office_message', outcome: 'queued', personId, caseNumber, detail });
    await reply(step.context, 'office.sent', { office: contact.office, phone: contact.phone, hours: contact.hours, reference });
  }

  /** The office's name, phone and hours as the parent reads them (hours in the parent's language). */
  private contactOf(context: TurnContext, office: Office): { office: string; phone: string; hours: string } {
    return { office: office.name, phone: formatPhone(office.phone), hours: officeHours(sayFor(context), localeOf(context), office.hours) };
  }
}
