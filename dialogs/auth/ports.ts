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
}
