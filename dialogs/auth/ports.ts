/**
 * What the conversation needs from the sign-in edge. The channel side (channels/signin) implements
 * it and index.ts hands it in, so dialogs never know about OpenID Connect or HTTP.
 */
import type { ConversationReference } from 'botbuilder';
import type { Locale } from '../../locales/i18n.js';

/** The event the sign-in callback sends into the conversation; its value is `{ requestId }`. */
export const SIGN_IN_COMPLETED_EVENT = 'signin/completed';

export interface SignInIdentity {
  readonly issuer: string;
  readonly subject: string;
}

/** A sign-in code typed in the chat, checked against this conversation's sign-ins that wait for one. */
export type SignInCodeResult =
  | { readonly outcome: 'verified'; readonly identity: SignInIdentity }
  /** `ended`: that was the fifth wrong code, the sign-in is spent. */
  | { readonly outcome: 'wrong'; readonly ended: boolean }
  /** Nothing waits for a code here (none, more than 5 minutes old, spent, or taken). */
  | { readonly outcome: 'none' };

export interface SignInPort {
  /**
   * A one-time absolute link under PUBLIC_URL, valid 10 minutes, bound to this conversation. After
   * the parent signs in, the edge sends SIGN_IN_COMPLETED_EVENT into this same conversation.
   */
  createLink(request: {
    readonly conversation: Partial<ConversationReference>;
    readonly channel: string;
    readonly locale: Locale;
  }): Promise<{ readonly url: string; readonly expiresAt: Date }>;

  /**
   * The identity from a completed sign-in of this conversation, handed out once. Null when the
   * request is unknown, unfinished, expired, of another conversation or already taken, so a forged
   * event proves nothing.
   */
  takeCompleted(requestId: string, conversationId: string): Promise<SignInIdentity | null>;

  /**
   * A sign-in finished outside the chat's own browser (a forwarded link, a phone's browser after an
   * SMS) is not announced to the conversation: its page shows a 6-digit code instead, which must be
   * typed in this conversation within 5 minutes of the sign-in. The right code hands the identity
   * over once; the fifth wrong one ends that sign-in.
   */
  checkCode(conversationId: string, code: string): Promise<SignInCodeResult>;
}
