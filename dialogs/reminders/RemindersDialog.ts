/**
 * SMS reminders: on, off and status. Turning them on is a consent a regulator may ask about, so it
 * runs in a fixed order: the parent is verified (SSN and PIN on SMS, NY.gov in web chat), the number
 * is proven (on SMS it is the number texting; in web chat a 6-digit code is texted to the number
 * typed), the terms are shown in full, and only the agreement word records the consent, with the
 * exact text shown. Ending them needs no verification on SMS: anyone holding the phone may stop
 * texts to it.
 */
import { createHmac, randomInt } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidator,
  type WaterfallStepContext,
} from '../framework.js';
import { listCases } from '../../db/account/cases.js';
import { endConsents, listActiveConsents, recordConsent, type ConsentKind, type ReminderConsent } from '../../db/repositories/reminders.js';
import { findConversation, isOptedOut } from '../../db/repositories/sms.js';
import { auditTurn } from '../auth/conversation.js';
import { VERIFY_DIALOG, VerifyDialog, verifiedPersonOf } from '../auth/VerifyDialog.js';
import type { AccountDeps } from '../deps.js';
import { formatDate, lastFour } from '../format.js';
import { localeOf, sayFor } from '../reply.js';
import { SMS_CHANNEL_ID, textTurnOf } from '../text/mode.js';
import type { Recognition } from '../recognizer/Recognizer.js';
import { isAgreement, reminderAction, usMobileNumber, type ReminderAction } from './intent.js';
import type { RemindersPort } from './ports.js';

export const REMINDERS_DIALOG = 'RemindersDialog';
const WATERFALL = 'RemindersDialog.waterfall';
const NUMBER_PROMPT = 'RemindersDialog.number';
const CODE_PROMPT = 'RemindersDialog.code';
const AGREE_PROMPT = 'RemindersDialog.agree';
const CODE_TTL_MS = 10 * 60_000;
const MAX_TRIES = 3;

interface Values {
  action?: ReminderAction;
  personId?: string;
  kinds?: ConsentKind[];
  phone?: string;
  codeHash?: string;
  codeExpires?: number;
  words?: string;
}

function values(step: WaterfallStepContext): Values {
  return step.values as Values;
}

function answerOf(step: WaterfallStepContext): string {
  return typeof step.result === 'string' ? step.result : '';
}

const numberValidator: PromptValidator<string> = async (prompt) => {
  const value = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
  return usMobileNumber(value) !== null || prompt.attemptCount >= MAX_TRIES;
};

/** The prompt only checks the shape; the code itself is checked in the step (it holds the hash). */
const codeValidator: PromptValidator<string> = async (prompt) => {
  const value = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
  return /^\s*\d{6}\s*$/.test(value) || prompt.attemptCount >= MAX_TRIES;
};

export class RemindersDialog extends ComponentDialog {
  constructor(
    private readonly deps: AccountDeps,
    private readonly port: RemindersPort,
  ) {
    super(REMINDERS_DIALOG);
    this.addDialog(new VerifyDialog(deps));
    this.addDialog(new TextPrompt(NUMBER_PROMPT, numberValidator));
    this.addDialog(new TextPrompt(CODE_PROMPT, codeValidator));
    this.addDialog(new TextPrompt(AGREE_PROMPT));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.startStep.bind(this),
        this.verifiedStep.bind(this),
        this.numberStep.bind(this),
        this.codeStep.bind(this),
        this.agreeStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  /** The number texting us, on SMS; null elsewhere. */
  private async smsNumber(context: TurnContext): Promise<string | null> {
    return (await this.smsNumbers(context))?.parentNumber ?? null;
  }

  /** On SMS, the parent's number and ours (a TTY line, say, which their reminders then come from). */
  private async smsNumbers(context: TurnContext): Promise<{ parentNumber: string; ourNumber: string } | null> {
    if (context.activity.channelId !== SMS_CHANNEL_ID) return null;
    return findConversation(this.deps.db, context.activity.conversation.id);
  }

  private async startStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const recognition = step.options as Partial<Recognition> | undefined;
    const text = step.context.activity.text ?? '';
    const action = reminderAction(text) ?? (recognition?.intent === 'reminders' ? 'on' : 'status');
    values(step).action = action;
    const say = sayFor(step.context);
    const phone = await this.smsNumber(step.context);
    // On SMS, ending and asking need no verification: they are about this phone, not an account.
    if (phone !== null && action === 'off') {
      const ended = await endConsents(this.deps.db, { phoneHash: this.port.phoneHash(phone) }, 'sms_stop_reminders', this.deps.now());
      await step.context.sendActivity(say(ended > 0 ? 'reminders.off' : 'reminders.off_none'));
      return step.endDialog();
    }
    if (phone !== null && action === 'status') {
      const hash = this.port.phoneHash(phone);
      await step.context.sendActivity(await this.status(step.context, await listActiveConsents(this.deps.db, { phoneHash: hash }), await isOptedOut(this.deps.db, hash)));
      return step.endDialog();
    }
    return step.beginDialog(VERIFY_DIALOG);
  }

  private async verifiedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const verified = verifiedPersonOf(step.result);
    if (verified === null) return step.endDialog();
    const v = values(step);
    const say = sayFor(step.context);
    const now = this.deps.now();
    if (v.action === 'off') {
      const ended = await endConsents(this.deps.db, { personId: verified.personId }, `${step.context.activity.channelId}_stop_reminders`, now);
      await auditTurn(this.deps.db, step.context, { action: 'reminders', outcome: 'ended', personId: verified.personId, detail: { ended } });
      await step.context.sendActivity(say(ended > 0 ? 'reminders.off' : 'reminders.off_none'));
      return step.endDialog();
    }
    if (v.action === 'status') {
      const consents = await listActiveConsents(this.deps.db, { personId: verified.personId });
      const optedOut = consents.length > 0 && (await isOptedOut(this.deps.db, consents[0]?.phoneHash ?? ''));
      await step.context.sendActivity(await this.status(step.context, consents, optedOut));
      return step.endDialog();
    }
    const cases = await listCases(this.deps.db, verified.personId);
    const kinds: ConsentKind[] = [];
    if (cases.some((c) => c.role === 'noncustodial')) kinds.push('due');
    if (cases.some((c) => c.role === 'custodial')) kinds.push('disbursement');
    if (kinds.length === 0) {
      await step.context.sendActivity(say('balance.no_cases'));
      return step.endDialog();
    }
    v.personId = verified.personId;
    v.kinds = kinds;
    const phone = await this.smsNumber(step.context);
    if (phone !== null) {
      v.phone = phone;
      return this.showTerms(step);
    }
    const ask = say('reminders.ask_number');
    return step.prompt(NUMBER_PROMPT, { prompt: ask, retryPrompt: say('reminders.bad_number') });
  }

  /** Web chat: the typed number gets a one-time code; only the phone's holder can type it back. */
  private async numberStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = values(step);
    // SMS showed the terms already (the number is the one texting): this is the answer to them.
    if (v.words !== undefined) return step.next(step.result);
    const say = sayFor(step.context);
    const phone = usMobileNumber(answerOf(step));
    if (phone === null) {
      await step.context.sendActivity(say('reminders.gave_up'));
      return step.endDialog();
    }
    if (await isOptedOut(this.deps.db, this.port.phoneHash(phone))) {
      await step.context.sendActivity(say('reminders.number_opted_out'));
      return step.endDialog();
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const sent = await this.port.sendText(phone, sayFor(step.context)('reminders.code_text', { code })).catch(() => false);
    if (!sent) {
      await step.context.sendActivity(say('reminders.texting_unavailable'));
      return step.endDialog();
    }
    v.phone = phone;
    v.codeHash = this.codeHash(phone, code);
    v.codeExpires = this.deps.now().getTime() + CODE_TTL_MS;
    const ask = say('reminders.code_sent', { last4: lastFour(phone) });
    return step.prompt(CODE_PROMPT, { prompt: ask, retryPrompt: say('reminders.code_shape') });
  }

  private async codeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = values(step);
    if (v.words !== undefined) return step.next(step.result);
    if (v.codeHash === undefined) return step.endDialog();
    const say = sayFor(step.context);
    const typed = answerOf(step).trim();
    const ok = v.phone !== undefined && v.codeExpires !== undefined && this.deps.now().getTime() <= v.codeExpires && this.codeHash(v.phone, typed) === v.codeHash;
    delete v.codeHash;
    if (!ok) {
      await step.context.sendActivity(say('reminders.code_failed'));
      return step.endDialog();
    }
    return this.showTerms(step);
  }

  private async showTerms(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = values(step);
    const say = sayFor(step.context);
    const what = (v.kinds ?? []).map((k) => say(`reminders.what.${k}`)).join(' ');
    const words = say('reminders.terms', { what, last4: lastFour(v.phone ?? '') });
    v.words = words;
    return step.prompt(AGREE_PROMPT, { prompt: words });
  }

  private async agreeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = values(step);
    const say = sayFor(step.context);
    const answer = answerOf(step);
    if (v.personId === undefined || v.phone === undefined || v.words === undefined || v.kinds === undefined) return step.endDialog();
    if (!isAgreement(answer)) {
      await step.context.sendActivity(say('reminders.not_agreed'));
      return step.endDialog();
    }
    const now = this.deps.now();
    const phoneHash = this.port.phoneHash(v.phone);
    const ourNumber = (await this.smsNumbers(step.context))?.ourNumber ?? null;
    for (const kind of v.kinds) {
      await recordConsent(
        this.deps.db,
        {
          personId: v.personId,
          phone: v.phone,
          phoneHash,
          kind,
          locale: localeOf(step.context),
          tty: textTurnOf(step.context).tty,
          ourNumber,
          channel: step.context.activity.channelId,
          wordsShown: v.words,
          agreedWith: answer.trim().slice(0, 20),
        },
        now,
      );
    }
    await auditTurn(this.deps.db, step.context, { action: 'reminders', outcome: 'consented', personId: v.personId, detail: { kinds: v.kinds } });
    await step.context.sendActivity(say('reminders.on', { last4: lastFour(v.phone) }));
    return step.endDialog();
  }

  private codeHash(phone: string, code: string): string {
    return createHmac('sha256', this.deps.ssnHmacKey).update(`reminder-code:${phone}:${code}`).digest('hex');
  }

  private async status(context: TurnContext, consents: readonly ReminderConsent[], optedOut: boolean): Promise<string> {
    const say = sayFor(context);
    const first = consents[0];
    if (first === undefined) return say('reminders.status_off');
    if (optedOut) return say('reminders.status_paused');
    const what = consents.map((c) => say(`reminders.kind.${c.kind}`)).join(', ');
    const since = formatDate(first.consentedAt.toISOString().slice(0, 10), localeOf(context));
    return say('reminders.status_on', { what, last4: lastFour(first.phone), date: since });
  }
}
