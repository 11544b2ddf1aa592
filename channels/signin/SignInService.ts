/**
 * The sign-in port the dialogs use. The link token exists only in the link the parent receives;
 * the database keeps its SHA-256, so a leaked table cannot be turned back into working links.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { AppError } from '../../db/errors.js';
import { checkSignInCode, insertSignInRequest, takeCompletedSignIn } from '../../db/repositories/signIn.js';
import type { Database } from '../../db/schema.js';
import type { SignInCodeResult, SignInIdentity, SignInPort } from '../../dialogs/auth/ports.js';
import type { Locale } from '../../locales/i18n.js';

/** How long a sign-in link works: long enough to sign in, short enough that a stale chat cannot. */
export const SIGN_IN_LINK_TTL_MS = 10 * 60 * 1000;

/** A link token: 32 random bytes, base64url, exactly 43 characters. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh sign-in code: 6 digits, uniformly drawn, leading zeros kept. */
export function newSignInCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface SignInServiceOptions {
  readonly db: Kysely<Database>;
  /** Base of the link; no trailing slash. */
  readonly publicUrl: string;
  readonly now?: () => Date;
}

export class SignInService implements SignInPort {
  private readonly db: Kysely<Database>;
  private readonly publicUrl: string;
  private readonly now: () => Date;

  constructor(options: SignInServiceOptions) {
    this.db = options.db;
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
  }

  async createLink(request: {
    readonly conversation: Partial<ConversationReference>;
    readonly channel: string;
    readonly locale: Locale;
  }): Promise<{ readonly url: string; readonly expiresAt: Date }> {
    const conversationId = request.conversation.conversation?.id;
    if (conversationId === undefined || conversationId === '') {
      throw new AppError('bad_request', 'a sign-in link needs a conversation reference with a conversation id');
    }
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + SIGN_IN_LINK_TTL_MS);
    // A round trip through JSON is exactly what the column will give back later.
    const conversationRef = JSON.parse(JSON.stringify(request.conversation)) as Record<string, unknown>;
    await insertSignInRequest(this.db, {
      id: hashLinkToken(token),
      channel: request.channel,
      conversationId,
      conversationRef,
      locale: request.locale,
      createdAt,
      expiresAt,
    });
    return { url: `${this.publicUrl}/signin/${token}`, expiresAt };
  }

  takeCompleted(requestId: string, conversationId: string): Promise<SignInIdentity | null> {
    return takeCompletedSignIn(this.db, requestId, conversationId, this.now());
  }

  checkCode(conversationId: string, code: string): Promise<SignInCodeResult> {
    return checkSignInCode(this.db, conversationId, code, this.now());
  }
}
