/**
 * The chat's own browser. `POST /api/directline/token` gives the browser a random id in an
 * HttpOnly cookie (reused for later chats in the same browser) and the conversation keeps only a
 * keyed hash of it. A sign-in or document link later opened with that cookie is the chat's own
 * browser; opened anywhere else (a forwarded link) it is not, and must prove itself another way.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const BROWSER_COOKIE = 'csa_browser';
/** As long as a verified session may last; the cookie only names the browser, it grants nothing. */
const COOKIE_MAX_AGE_SECONDS = 12 * 60 * 60;
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export interface ChatBrowser {
  /** The value to store with the conversation: a keyed hash, never the cookie itself. */
  readonly hash: string;
  /** A `Set-Cookie` value to send, or null when the browser already had a valid cookie. */
  readonly setCookie: string | null;
}

/** Reads one cookie from a `Cookie` header; the value is returned raw (our values need no decoding). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export class BrowserBinding {
  private readonly key: Buffer;
  private readonly secure: boolean;

  /** `secret`: the session secret; `publicUrl`: an https address makes the cookie Secure. */
  constructor(secret: string, publicUrl: string) {
    this.key = createHmac('sha256', secret).update('chat-browser-cookie-v1').digest();
    this.secure = publicUrl.startsWith('https:');
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(`sig:${id}`).digest('base64url');
  }

  private hashOf(id: string): string {
    return createHmac('sha256', this.key).update(`hash:${id}`).digest('hex');
  }

  /** The browser id from a well-formed, correctly signed cookie; null otherwise. */
  private idFrom(cookieHeader: string | undefined): string | null {
    const value = cookieValue(cookieHeader, BROWSER_COOKIE);
    if (value === null) return null;
    const [id, signature] = value.split('.');
    if (id === undefined || signature === undefined || !ID_PATTERN.test(id)) return null;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
  }

  /** For the token route: the browser's hash, and a cookie to set when it had none. */
  identify(cookieHeader: string | undefined): ChatBrowser {
    const known = this.idFrom(cookieHeader);
    if (known !== null) return { hash: this.hashOf(known), setCookie: null };
    const id = randomBytes(24).toString('base64url');
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${COOKIE_MAX_AGE_SECONDS}`, ...(this.secure ? ['Secure'] : [])];
    return { hash: this.hashOf(id), setCookie: `${BROWSER_COOKIE}=${id}.${this.sign(id)}; ${attributes.join('; ')}` };
  }

  /** The hash of the browser that sent this request, or null when it carries no valid cookie. */
  hashOfRequest(cookieHeader: string | undefined): string | null {
    const id = this.idFrom(cookieHeader);
    return id === null ? null : this.hashOf(id);
  }

  /** True only when the request comes from the browser whose hash the conversation stored. */
  isSameBrowser(cookieHeader: string | undefined, storedHash: string | null): boolean {
    if (storedHash === null) return false;
    const hash = this.hashOfRequest(cookieHeader);
    if (hash === null) return false;
    const a = Buffer.from(hash);
    const b = Buffer.from(storedHash);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
