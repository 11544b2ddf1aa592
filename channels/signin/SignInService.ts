/**
 * The sign-in port the dialogs use. The database finds a request by the SHA-256 of its link token.
 * So that a parent who writes while a sign-in is pending gets the SAME link again (not one more
 * each time), an unopened request also keeps its token sealed with AES-256-GCM under a key derived
 * from the session secret, with the request id as associated data: a leaked table without the
 * secret yields no working link, and a sealed token cannot be moved to another row. The seal is
 * erased when the link is opened, and the row is swept after it expires.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { AppError } from '../../db/errors.js';
import { checkSignInCode, findPendingSignInLink, insertSignInRequest, takeCompletedSignIn } from '../../db/repositories/signIn.js';
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

/**
 * A pending link is sent again only while it has this long left: a link about to expire would
 * fail in the parent's hands, so a fresh one is made instead.
 */
export const SIGN_IN_LINK_REUSE_MIN_MS = 3 * 60 * 1000;

/** The key that seals link tokens; its own HKDF label, so no other use of the secret shares it. */
export function linkSealKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'child-support-assistant', 'sign-in-link-seal-v1', 32));
}

/** `v1.<iv>.<ciphertext>.<tag>`, base64url; the request id is bound in as associated data. */
export function sealLinkToken(key: Buffer, requestId: string, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(requestId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The token, or null when the seal is not ours (another key, another row, tampered). */
export function openLinkToken(key: Buffer, requestId: string, sealed: string): string | null {
  const [version, iv, data, tag] = sealed.split('.');
  if (version !== 'v1' || iv === undefined || data === undefined || tag === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(requestId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const token = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    return LINK_TOKEN_PATTERN.test(token) && hashLinkToken(token) === requestId ? token : null;
  } catch {
    return null;
  }
}

export interface SignInServiceOptions {
  readonly db: Kysely<Database>;
  /** Base of the link; no trailing slash. */
  readonly publicUrl: string;
  /** The session secret: pending links are sealed under a key derived from it. */
  readonly secret: string;
  readonly now?: () => Date;
}

export class SignInService implements SignInPort {
  private readonly db: Kysely<Database>;
  private readonly publicUrl: string;
  private readonly now: () => Date;
  private readonly sealKey: Buffer;

  constructor(options: SignInServiceOptions) {
    this.db = options.db;
    this.sealKey = linkSealKey(options.secret);
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The conversation's pending link when it is unopened, unfinished, in the same language and has
   * at least three minutes left; otherwise a new one. The same URL each time the parent writes.
   */
  async createLink(request: {
    readonly conversation: Partial<ConversationReference>;
    readonly channel: string;
    readonly locale: Locale;
  }): Promise<{ readonly url: string; readonly expiresAt: Date }> {
    const conversationId = request.conversation.conversation?.id;
    if (conversationId === undefined || conversationId === '') {
      throw new AppError('bad_request', 'a sign-in link needs a conversation reference with a conversation id');
    }
    const createdAt = this.now();
    const pending = await findPendingSignInLink(this.db, conversationId, request.locale, new Date(createdAt.getTime() + SIGN_IN_LINK_REUSE_MIN_MS));
    const reused = pending === null ? null : openLinkToken(this.sealKey, pending.id, pending.linkTokenSealed);
    if (pending !== null && reused !== null) return { url: `${this.publicUrl}/signin/${reused}`, expiresAt: pending.expiresAt };
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(createdAt.getTime() + SIGN_IN_LINK_TTL_MS);
    // A round trip through JSON is exactly what the column will give back later.
    const conversationRef = JSON.parse(JSON.stringify(request.conversation)) as Record<string, unknown>;
    const id = hashLinkToken(token);
    await insertSignInRequest(this.db, {
      id,
      channel: request.channel,
      conversationId,
      conversationRef,
      locale: request.locale,
      createdAt,
      expiresAt,
      linkTokenSealed: sealLinkToken(this.sealKey, id, token),
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
