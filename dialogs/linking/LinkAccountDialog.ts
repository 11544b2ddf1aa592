/**
 * Links a NY.gov sign-in to a child support account, once, by the SSN and the PIN that was mailed
 * with the order notice. Only the SSN's HMAC is kept between steps (dialog state is stored in the
 * database). An unknown SSN and a wrong PIN get the same words, so the chat never confirms whose
 * SSN it is; after three misses in a row the parent is told kindly that no account could be matched
 * to this sign-in and where to get help, whatever the reason was.
 */
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../framework.js';
import { findIdentityLink, linkIdentity } from '../../db/repositories/identities.js';
import { isLocked, LOCK_MS, lockReachedInConversation } from '../../db/repositories/lockout.js';
import { auditTurn, conversationKeyOf } from '../auth/conversation.js';
import type { SignInIdentity } from '../auth/ports.js';
import type { AccountDeps } from '../deps.js';
import { reply } from '../reply.js';
import { keepSsnAndPromptForPin, promptForSsn, takeCredentials } from './credentialSteps.js';
import { pinValidator, ssnValidator } from './validators.js';
import { verifyByPin, type PinVerification } from './verifyByPin.js';

export const LINK_ACCOUNT_DIALOG = 'LinkAccountDialog';
const LINK_WATERFALL = 'LinkAccountDialog.waterfall';
const SSN_PROMPT = 'LinkAccountDialog.ssn';
const PIN_PROMPT = 'LinkAccountDialog.pin';

/** Misses (unknown SSN or wrong PIN, not told apart) before the parent is pointed to the helpline. */
export const MAX_LINK_MISSES = 3;

export interface LinkAccountOptions {
  readonly identity: SignInIdentity;
  /** Misses so far in this conversation's attempt; absent on the first round. */
  readonly misses?: number;
}

export interface LinkedPerson {
  readonly personId: string;
}

export class LinkAccountDialog extends ComponentDialog {
  constructor(private readonly deps: AccountDeps) {
    super(LINK_ACCOUNT_DIALOG);
    this.addDialog(new TextPrompt(SSN_PROMPT, ssnValidator));
    this.addDialog(new TextPrompt(PIN_PROMPT, pinValidator));
    this.addDialog(
      new WaterfallDialog<LinkAccountOptions>(LINK_WATERFALL, [
        this.askSsnStep.bind(this),
        this.askPinStep.bind(this),
        this.checkStep.bind(this),
      ]),
    );
    this.initialDialogId = LINK_WATERFALL;
  }

  private async askSsnStep(step: WaterfallStepContext<LinkAccountOptions>): Promise<DialogTurnResult> {
    const { identity } = step.options;
    const misses = step.options.misses ?? 0;
    if (misses === 0) {
      const link = await findIdentityLink(this.deps.db, identity);
      if (link !== null && isLocked(link.lockedUntil, this.deps.now())) {
        await this.audit(step, 'locked', null, { scope: 'identity' });
        await reply(step.context, 'linking.locked');
        return step.endDialog(undefined);
      }
      await reply(step.context, 'linking.intro');
    }
    return promptForSsn(step, SSN_PROMPT);
  }

  private async askPinStep(step: WaterfallStepContext<LinkAccountOptions>): Promise<DialogTurnResult> {
    return keepSsnAndPromptForPin(step, PIN_PROMPT, this.deps.ssnHmacKey);
  }

  private async checkStep(step: WaterfallStepContext<LinkAccountOptions>): Promise<DialogTurnResult> {
    const credentials = await takeCredentials(step);
    if (credentials === null) return step.endDialog(undefined);
    const { pin, ssnHmac } = credentials;
    const { identity } = step.options;
    const now = this.deps.now();
    const result = await verifyByPin(this.deps.db, { ssnHmac, pin, identity, now });
    if (result.outcome === 'verified') {
      const linkedTo = await linkIdentity(this.deps.db, identity, result.personId, now);
      if (linkedTo === result.personId) {
        await this.audit(step, 'success', result.personId);
        await reply(step.context, 'linking.success');
        return step.endDialog({ personId: result.personId } satisfies LinkedPerson);
      }
      // The identity was linked to someone else meanwhile: never let one sign-in open two accounts.
      await this.audit(step, 'failure', result.personId);
      await reply(step.context, 'linking.not_found');
      return step.endDialog(undefined);
    }
    if (result.outcome === 'locked') {
      // One audit row per lock: the attempt that reached it writes the lockout row and nothing else.
      if (result.lockedNow) {
        await this.auditLockout(step, result);
        await reply(step.context, 'linking.locked');
        return step.endDialog(undefined);
      }
      await this.audit(step, 'locked', result.personId, { scope: result.scope });
      // Only the conversation that reached a person's lock is told; anywhere else it gets the words
      // of a mismatch, so "locked" never confirms whose SSN it is. The identity is the parent's own.
      if (result.scope === 'identity' || (await this.lockReachedHere(step, result.personId))) {
        await reply(step.context, 'linking.locked');
        return step.endDialog(undefined);
      }
    } else {
      await this.audit(step, 'failure', result.personId);
    }
    // The parent may keep trying until the lock: from the third miss on, the answer also explains
    // that no account may match this sign-in, with the helpline. Nothing says which part was wrong.
    const misses = (step.options.misses ?? 0) + 1;
    await reply(step.context, misses >= MAX_LINK_MISSES ? 'linking.not_found' : 'linking.no_match');
    return step.replaceDialog(LINK_WATERFALL, { identity, misses } satisfies LinkAccountOptions);
  }

  private async lockReachedHere(step: WaterfallStepContext<LinkAccountOptions>, personId: string | null): Promise<boolean> {
    if (personId === null) return false;
    const since = new Date(this.deps.now().getTime() - LOCK_MS);
    return lockReachedInConversation(this.deps.db, conversationKeyOf(step.context), personId, since);
  }

  private async audit(
    step: WaterfallStepContext<LinkAccountOptions>,
    outcome: string,
    personId: string | null,
    detail?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    const { identity } = step.options;
    await auditTurn(this.deps.db, step.context, {
      action: 'link_attempt',
      outcome,
      personId,
      identityIssuer: identity.issuer,
      identitySubject: identity.subject,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  private async auditLockout(step: WaterfallStepContext<LinkAccountOptions>, result: Extract<PinVerification, { outcome: 'locked' }>): Promise<void> {
    const { identity } = step.options;
    await auditTurn(this.deps.db, step.context, {
      action: 'lockout',
      outcome: result.scope,
      personId: result.personId,
      identityIssuer: identity.issuer,
      identitySubject: identity.subject,
      detail: { scope: result.scope, locks: result.locks },
    });
  }
}
