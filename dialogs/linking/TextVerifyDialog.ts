/**
 * Verification in text-only conversations (SMS, TTY), as the agency's automated phone line does it:
 * SSN, then the mailed PIN, typed in the chat. Success opens a 'ssn_pin' session (15 minutes idle)
 * that covers balance, payments, disbursements and the office email; documents still need NY.gov.
 * The person's PIN counter and lock apply as for linking, and this conversation's own counter
 * catches guessing with unknown SSNs, which no person's counter would see.
 */
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../framework.js';
import { isLocked, LOCK_MS, lockReachedInConversation } from '../../db/repositories/lockout.js';
import { createSession } from '../../db/repositories/sessions.js';
import {
  findTextVerifyFailures,
  recordTextVerifyFailure,
  resetTextVerifyFailures,
} from '../../db/repositories/textVerify.js';
import { auditTurn, conversationKeyOf } from '../auth/conversation.js';
import { sessionOf } from '../language/turnLanguage.js';
import type { AccountDeps } from '../deps.js';
import { reply } from '../reply.js';
import { MAX_LINK_MISSES } from './LinkAccountDialog.js';
import { keepSsnAndPromptForPin, promptForSsn, takeCredentials } from './credentialSteps.js';
import { pinValidator, ssnValidator } from './validators.js';
import { verifyByPin } from './verifyByPin.js';

export const TEXT_VERIFY_DIALOG = 'TextVerifyDialog';
const TEXT_VERIFY_WATERFALL = 'TextVerifyDialog.waterfall';
const SSN_PROMPT = 'TextVerifyDialog.ssn';
const PIN_PROMPT = 'TextVerifyDialog.pin';

export interface TextVerifyOptions {
  readonly misses?: number;
}

/** The gate's result shape (`VerifiedPerson`), so VerifyDialog can hand it straight on. */
export interface TextVerified {
  readonly personId: string;
  readonly fresh: true;
}

export class TextVerifyDialog extends ComponentDialog {
  constructor(private readonly deps: AccountDeps) {
    super(TEXT_VERIFY_DIALOG);
    this.addDialog(new TextPrompt(SSN_PROMPT, ssnValidator));
    this.addDialog(new TextPrompt(PIN_PROMPT, pinValidator));
    this.addDialog(
      new WaterfallDialog<TextVerifyOptions>(TEXT_VERIFY_WATERFALL, [
        this.askSsnStep.bind(this),
        this.askPinStep.bind(this),
        this.checkStep.bind(this),
      ]),
    );
    this.initialDialogId = TEXT_VERIFY_WATERFALL;
  }

  private async askSsnStep(step: WaterfallStepContext<TextVerifyOptions>): Promise<DialogTurnResult> {
    if ((step.options.misses ?? 0) === 0) {
      const failures = await findTextVerifyFailures(this.deps.db, conversationKeyOf(step.context));
      if (failures !== null && isLocked(failures.lockedUntil, this.deps.now())) {
        await auditTurn(this.deps.db, step.context, { action: 'text_verify', outcome: 'locked', detail: { scope: 'conversation' } });
        await reply(step.context, 'linking.locked');
        return step.endDialog(undefined);
      }
      await reply(step.context, 'textVerify.intro');
    }
    return promptForSsn(step, SSN_PROMPT);
  }

  private async askPinStep(step: WaterfallStepContext<TextVerifyOptions>): Promise<DialogTurnResult> {
    return keepSsnAndPromptForPin(step, PIN_PROMPT, this.deps.ssnHmacKey);
  }

  private async checkStep(step: WaterfallStepContext<TextVerifyOptions>): Promise<DialogTurnResult> {
    const credentials = await takeCredentials(step);
    if (credentials === null) return step.endDialog(undefined);
    const { pin, ssnHmac } = credentials;
    const { db } = this.deps;
    const key = conversationKeyOf(step.context);
    const now = this.deps.now();
    // The conversation's own lock may have been reached from another instance meanwhile.
    const failures = await findTextVerifyFailures(db, key);
    if (failures !== null && isLocked(failures.lockedUntil, now)) {
      await auditTurn(db, step.context, { action: 'text_verify', outcome: 'locked', detail: { scope: 'conversation' } });
      await reply(step.context, 'linking.locked');
      return step.endDialog(undefined);
    }
    const result = await verifyByPin(db, { ssnHmac, pin, now });
    if (result.outcome === 'verified') {
      await resetTextVerifyFailures(db, key, now);
      await createSession(db, { conversationKey: key, personId: result.personId, method: 'ssn_pin' }, now);
      await sessionOf(step.context).markSignedIn();
      await auditTurn(db, step.context, { action: 'text_verify', outcome: 'success', personId: result.personId });
      await reply(step.context, 'textVerify.verified');
      return step.endDialog({ personId: result.personId, fresh: true } satisfies TextVerified);
    }
    if (result.outcome === 'locked') {
      // One audit row per lock: the attempt that reached it writes the lockout row and nothing else.
      if (result.lockedNow) {
        await auditTurn(db, step.context, { action: 'lockout', outcome: result.scope, personId: result.personId, detail: { scope: result.scope, locks: result.locks } });
        await reply(step.context, 'linking.locked');
        return step.endDialog(undefined);
      }
      await auditTurn(db, step.context, { action: 'text_verify', outcome: 'locked', personId: result.personId, detail: { scope: result.scope } });
      // Only the conversation that reached a person's lock is told. Anywhere else the attempt is a
      // miss like any other, counted against this conversation, in the same words: "locked" would
      // confirm that the SSN is someone's.
      const reachedHere =
        result.personId !== null && (await lockReachedInConversation(db, key, result.personId, new Date(now.getTime() - LOCK_MS)));
      if (reachedHere) {
        await reply(step.context, 'linking.locked');
        return step.endDialog(undefined);
      }
    }
    const count = await recordTextVerifyFailure(db, key, now);
    if (count.lockedNow) {
      await auditTurn(db, step.context, { action: 'lockout', outcome: 'conversation', personId: result.personId, detail: { scope: 'conversation' } });
    } else if (result.outcome !== 'locked') {
      await auditTurn(db, step.context, { action: 'text_verify', outcome: 'failure', personId: result.personId });
    }
    if (isLocked(count.lockedUntil, now)) {
      await reply(step.context, 'linking.locked');
      return step.endDialog(undefined);
    }
    // As in linking: the parent may keep trying until the lock, with the fuller answer from the third miss.
    const misses = (step.options.misses ?? 0) + 1;
    await reply(step.context, misses >= MAX_LINK_MISSES ? 'textVerify.not_found' : 'textVerify.no_match');
    return step.replaceDialog(TEXT_VERIFY_WATERFALL, { misses } satisfies TextVerifyOptions);
  }
}
