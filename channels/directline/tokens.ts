/**
 * Direct Line tokens: short-lived HS256 JWTs that bind one browser to one conversation and one user
 * id. They are the only credential the web page holds, so the user id is taken from here and never
 * from the activity the client posts.
 */
import { hkdfSync } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { AppError } from '../../db/errors.js';

export interface DirectLineClaims {
  readonly conversationId: string;
  readonly userId: string;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

export interface IssuedToken {
  readonly token: string;
  /** Seconds until expiry, as Direct Line's `expires_in`. */
  readonly expiresIn: number;
}

export interface DirectLineTokenOptions {
  /** Lifetime of a token; Direct Line's own is 30 minutes. */
  readonly ttlSeconds?: number;
  /** Injected clock, so tests can expire a token without waiting. */
  readonly now?: () => Date;
}

const ISSUER = 'child-support-assistant/directline';
const AUDIENCE = 'directline';
/**
 * A stream token rides in the `streamUrl` query (a browser WebSocket cannot send a header), where
 * proxies may log it: its own audience makes it good for opening that conversation's socket only,
 * never for posting or refreshing.
 */
const STREAM_AUDIENCE = 'directline-stream';
export const DEFAULT_TOKEN_TTL_SECONDS = 1800;
/**
 * How long a conversation's token chain lives, counted from the conversation's creation: a stolen
 * token cannot be refreshed forever, and a browser left open on a shared computer ends by itself.
 */
export const MAX_CONVERSATION_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * A key of its own, derived from the session secret, so a token minted for another purpose (cookie,
 * document link) can never pass as a Direct Line token.
 */
function deriveKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'child-support-assistant', 'directline-token-v1', 32));
}

export class DirectLineTokens {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(sessionSecret: string, options: DirectLineTokenOptions = {}) {
    if (sessionSecret.length < 32) throw new AppError('config_invalid', 'the session secret is too short for Direct Line tokens');
    this.key = deriveKey(sessionSecret);
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * `notAfter`: no token of this conversation may outlive it (the conversation's absolute end);
   * throws `token_expired` once it has passed.
   */
  async issue(subject: { conversationId: string; userId: string }, notAfter?: Date): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const end = notAfter === undefined ? Number.POSITIVE_INFINITY : Math.floor(notAfter.getTime() / 1000);
    const expiresAt = Math.min(issuedAt + this.ttlSeconds, end);
    if (expiresAt <= issuedAt) throw new AppError('token_expired', 'the conversation has reached its maximum lifetime');
    const token = await new SignJWT({ conv: subject.conversationId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(subject.userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresIn: expiresAt - issuedAt };
  }

  /** A token for the conversation's stream socket, expiring with the token it was asked with. */
  async issueStream(claims: DirectLineClaims): Promise<string> {
    return new SignJWT({ conv: claims.conversationId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(STREAM_AUDIENCE)
      .setSubject(claims.userId)
      .setIssuedAt(Math.floor(this.now().getTime() / 1000))
      .setExpirationTime(claims.expiresAt)
      .sign(this.key);
  }

  /** Throws `AppError` `token_expired` or `token_invalid`; both answer 401. */
  async verify(token: string): Promise<DirectLineClaims> {
    return this.verifyFor(token, AUDIENCE);
  }

  /** A stream token (`issueStream`); a conversation token does not pass here, nor the reverse. */
  async verifyStream(token: string): Promise<DirectLineClaims> {
    return this.verifyFor(token, STREAM_AUDIENCE);
  }

  private async verifyFor(token: string, audience: string): Promise<DirectLineClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience,
        currentDate: this.now(),
        requiredClaims: ['exp', 'sub', 'conv'],
      });
      const conversationId = payload.conv;
      if (typeof conversationId !== 'string' || conversationId === '' || payload.sub === undefined || payload.exp === undefined) {
        throw new AppError('token_invalid', 'the Direct Line token lacks its claims');
      }
      return { conversationId, userId: payload.sub, expiresAt: payload.exp };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'the Direct Line token has expired', { cause: error });
      throw new AppError('token_invalid', 'the Direct Line token is not valid', { cause: error });
    }
  }

  /** Seconds a verified token has left, for answers that hand the same token back. */
  remainingSeconds(claims: DirectLineClaims): number {
    return Math.max(0, claims.expiresAt - Math.floor(this.now().getTime() / 1000));
  }
}
