/**
 * The gate in front of every account question. A live verified session of this conversation lets
 * the question through at once; otherwise the parent signs in with NY.gov and, the first time, links
 * that sign-in to their child support account. The result says which person the question is for.
 */
import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../framework.js';
import { findIdentityLink } from '../../db/repositories/identities.js';
import { createSession, useSession } from '../../db/repositories/sessions.js';
import type { AccountDeps } from '../deps.js';
import { SMS_CHANNEL_ID } from '../text/mode.js';
import { LINK_ACCOUNT_DIALOG, LinkAccountDialog, type LinkAccountOptions, type LinkedPerson } from '../linking/LinkAccountDialog.js';
import { TEXT_VERIFY_DIALOG, TextVerifyDialog } from '../linking/TextVerifyDialog.js';
import { reply } from '../reply.js';
import { conversationKeyOf } from './conversation.js';
import { sessionOf } from '../language/turnLanguage.js';
import type { SignInIdentity } from './ports.js';
import { SIGN_IN_WAIT_DIALOG, SignInWaitDialog, type SignInWaitOptions } from './SignInWaitDialog.js';

export const VERIFY_DIALOG = 'VerifyDialog';
const VERIFY_WATERFALL = 'VerifyDialog.waterfall';

export interface VerifyOptions extends SignInWaitOptions {
  /**
   * Only a NY.gov sign-in will do (documents): an SSN+PIN session of a text channel is not enough,
   * and a text channel gets the sign-in link too.
   */
  readonly requireNyGov?: boolean;
}

export interface VerifiedPerson {
  readonly personId: string;
  /** False when an existing session was reused: the parent was already signed in. */
  readonly fresh: boolean;
}

/** What the waterfall keeps between turns: who signed in, never anything they typed. */
interface VerifyValues {
  identity?: SignInIdentity;
}

function valuesOf(step: WaterfallStepContext<VerifyOptions>): VerifyValues {
  return step.values as VerifyValues;
}

function isIdentity(value: unknown): value is SignInIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const { issuer, subject } = value as Partial<SignInIdentity>;
  return typeof issuer === 'string' && typeof subject === 'string';
}

function isLinkedPerson(value: unknown): value is LinkedPerson {
  return typeof value === 'object' && value !== null && typeof (value as Partial<LinkedPerson>).personId === 'string';
}

/** Only the SMS channel may verify by SSN and PIN typed in the chat. */
export function mayVerifyInChat(context: TurnContext): boolean {
  return context.activity.channelId === SMS_CHANNEL_ID;
}

export class VerifyDialog extends ComponentDialog {
  constructor(private readonly deps: AccountDeps) {
    super(VERIFY_DIALOG);
    this.addDialog(new SignInWaitDialog(deps));
    this.addDialog(new LinkAccountDialog(deps));
    this.addDialog(new TextVerifyDialog(deps));
    this.addDialog(
      new WaterfallDialog<VerifyOptions>(VERIFY_WATERFALL, [
        this.sessionStep.bind(this),
        this.identityStep.bind(this),
        this.linkedStep.bind(this),
      ]),
    );
    this.initialDialogId = VERIFY_WATERFALL;
  }

  private async sessionStep(step: WaterfallStepContext<VerifyOptions>): Promise<DialogTurnResult> {
    const fromEvent = step.options.fromEvent === true;
    if (!fromEvent) {
      const session = await useSession(this.deps.db, conversationKeyOf(step.context), this.deps.now());
      if (session !== null && (step.options.requireNyGov !== true || session.method === 'nygov')) {
        return step.endDialog({ personId: session.personId, fresh: false } satisfies VerifiedPerson);
      }
      // SMS (TTY numbers too) verifies in the chat, as the phone line does: a link may be impossible
      // to open there. Web chat never does, TTY mode or not: TTY conventions change how replies look,
      // never the way in, or anyone could probe SSNs there one fresh conversation after another.
      if (step.options.requireNyGov !== true && mayVerifyInChat(step.context)) return step.beginDialog(TEXT_VERIFY_DIALOG);
    }
    return step.beginDialog(SIGN_IN_WAIT_DIALOG, { fromEvent } satisfies SignInWaitOptions);
  }

  private async identityStep(step: WaterfallStepContext<VerifyOptions>): Promise<DialogTurnResult> {
    const identity = step.result;
    // The text channels' SSN+PIN check already opened its session and says who it is.
    if (!isIdentity(identity)) return step.endDialog(isLinkedPerson(identity) ? verifiedPersonOf(identity) : undefined);
    const link = await findIdentityLink(this.deps.db, identity);
    if (link?.personId != null) {
      await this.openSession(step, link.personId, identity);
      await reply(step.context, 'auth.signed_in');
      return step.endDialog({ personId: link.personId, fresh: true } satisfies VerifiedPerson);
    }
    valuesOf(step).identity = { issuer: identity.issuer, subject: identity.subject };
    return step.beginDialog(LINK_ACCOUNT_DIALOG, { identity } satisfies LinkAccountOptions);
  }

  private async linkedStep(step: WaterfallStepContext<VerifyOptions>): Promise<DialogTurnResult> {
    const linked = step.result;
    const identity: unknown = valuesOf(step).identity;
    if (!isLinkedPerson(linked) || !isIdentity(identity)) return step.endDialog(undefined);
    await this.openSession(step, linked.personId, identity);
    return step.endDialog({ personId: linked.personId, fresh: true } satisfies VerifiedPerson);
  }

  private async openSession(step: WaterfallStepContext<VerifyOptions>, personId: string, identity: SignInIdentity): Promise<void> {
    await createSession(
      this.deps.db,
      { conversationKey: conversationKeyOf(step.context), personId, method: 'nygov', issuer: identity.issuer, subject: identity.subject },
      this.deps.now(),
    );
    await sessionOf(step.context).markSignedIn();
  }
}

/** For the dialogs that run the gate: the gate's result, checked rather than cast. */
export function verifiedPersonOf(result: unknown): VerifiedPerson | null {
  if (!isLinkedPerson(result)) return null;
  const fresh = (result as { fresh?: unknown }).fresh;
  return { personId: result.personId, fresh: fresh === true };
}
