/**
 * The browser half of sign-in: the one-time link sends the parent to NY.gov (authorization code
 * with PKCE, state and nonce, all kept in the database, none in a cookie), and the callback proves
 * who came back before telling the conversation. Identities are (issuer, subject), never an email.
 * Refusals are calm localized pages; logs carry a code, never a token, code or claim.
 */
import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import { findConversation } from '../../db/repositories/directline.js';
import {
  claimSignInCallback,
  completeSignInRequest,
  findSignInRequest,
  findSignInRequestByState,
  hashSignInCode,
  openSignInRequest,
  type SignInRequest,
} from '../../db/repositories/signIn.js';
import type { Database } from '../../db/schema.js';
import { resolveLocale, type Locale } from '../../locales/i18n.js';
import type { BrowserBinding } from '../directline/browser.js';
import { DIRECT_LINE_CHANNEL_ID } from '../directline/DirectLineAdapter.js';
import type { Logger } from '../logger.js';
import { requestLog, type Request, type Response, type Server } from '../server.js';
import { localeFromAcceptLanguage } from '../web/routes.js';
import type { OidcClient } from './oidc.js';
import { renderSignInCode, renderSignInResult, renderSignInStart, sendPage, type SignInOutcome } from './pages.js';
import { hashLinkToken, LINK_TOKEN_PATTERN, newSignInCode } from './SignInService.js';

export const SIGN_IN_CALLBACK_PATH = '/signin/callback';

/** Channels whose apps fetch links for previews: their sign-in links open a one-button page. */
export const PREVIEWED_CHANNELS: ReadonlySet<string> = new Set(['sms']);

export interface SignInCompleted {
  readonly requestId: string;
  readonly channel: string;
  readonly conversationRef: Partial<ConversationReference>;
}

export interface SignInRouteDeps {
  readonly db: Kysely<Database>;
  /** No trailing slash; the redirect URI registered with the provider is built from it. */
  readonly publicUrl: string;
  readonly oidc: OidcClient;
  /** Tells the chat's own browser (its Direct Line cookie) from any other one. */
  readonly browsers: BrowserBinding;
  /**
   * Tells the conversation of a sign-in finished in the chat's own browser; called after the page is
   * sent, and its failure only gets logged. A sign-in finished anywhere else is never announced.
   * `log` is the callback request's: the turn it runs logs with that request's id.
   */
  readonly onCompleted: (completed: SignInCompleted, log: Logger) => Promise<void>;
  readonly now?: () => Date;
}

const STATUS: Record<Exclude<SignInOutcome, 'done'>, number> = {
  unknown: 400,
  expired: 410,
  used: 410,
  failed: 400,
  unavailable: 503,
};

/** A non-empty query string value, or undefined; the query is the client's and is not trusted. */
export function queryParam(req: Request, name: string): string | undefined {
  const query: unknown = req.query;
  if (typeof query !== 'object' || query === null) return undefined;
  const value = (query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Codes from openid-client (and the provider's OAuth error code); never messages, which may quote values. */
export function failureReason(error: unknown): Record<string, string> {
  const out: Record<string, string> = { name: error instanceof Error ? error.name : typeof error };
  if (typeof error === 'object' && error !== null) {
    const { code, error: oauthError } = error as { code?: unknown; error?: unknown };
    if (typeof code === 'string') out.reason = code;
    if (typeof oauthError === 'string') out.oauthError = oauthError;
  }
  return out;
}

export function registerSignInRoutes(server: Server, deps: SignInRouteDeps): void {
  const { db, oidc } = deps;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const now = deps.now ?? (() => new Date());
  const redirectUri = `${publicUrl}${SIGN_IN_CALLBACK_PATH}`;

  function refuse(res: Response, locale: Locale, outcome: Exclude<SignInOutcome, 'done'>, code: string): void {
    requestLog(res).info({ code }, 'sign-in refused');
    sendPage(res, STATUS[outcome], locale, (nonce) => renderSignInResult(locale, outcome, nonce));
  }

  async function configuration(res: Response): Promise<client.Configuration | null> {
    try {
      return await oidc.configuration();
    } catch (error) {
      requestLog(res).error({ code: 'signin_discovery_failed', err: failureReason(error) }, 'identity provider discovery failed');
      return null;
    }
  }

  // Registered first and static, so the router never reads "callback" as a link token.
  server.get(SIGN_IN_CALLBACK_PATH, async (req: Request, res: Response) => {
    const fallbackLocale = localeFromAcceptLanguage(req.header('accept-language'));
    try {
      const state = queryParam(req, 'state');
      const request = state === undefined ? null : await findSignInRequestByState(db, state);
      if (state === undefined || request === null) return refuse(res, fallbackLocale, 'unknown', 'signin_unknown_state');
      const locale = resolveLocale(request.locale);
      if (request.completedAt !== null) return refuse(res, locale, 'used', 'signin_callback_replayed');
      const at = now();
      if (request.expiresAt.getTime() <= at.getTime()) return refuse(res, locale, 'expired', 'signin_link_expired');

      const config = await configuration(res);
      if (config === null) return refuse(res, locale, 'unavailable', 'signin_provider_unavailable');
      const claimed = await claimSignInCallback(db, state, at);
      if (claimed === null) return refuse(res, locale, 'used', 'signin_callback_replayed');

      // The provider's answer as our registered redirect URI received it, whatever Host the proxy used.
      const currentUrl = new URL(redirectUri);
      currentUrl.search = new URL(req.url ?? '/', 'http://localhost').search;
      let identity: { issuer: string; subject: string };
      try {
        const tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: claimed.codeVerifier,
          expectedState: state,
          expectedNonce: claimed.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined || typeof claims.sub !== 'string' || claims.sub === '') {
          return refuse(res, locale, 'failed', 'signin_no_subject');
        }
        identity = { issuer: claims.iss, subject: claims.sub };
      } catch (error) {
        requestLog(res).warn({ code: 'signin_callback_rejected', err: failureReason(error) }, 'sign-in callback rejected');
        return refuse(res, locale, 'failed', 'signin_callback_rejected');
      }

      // Anywhere but the chat's own browser (a forwarded link, the phone's browser after an SMS),
      // the person who signed in must carry a code back to the chat: the link alone hands over nothing.
      if (!(await isChatBrowser(request, req.header('cookie')))) {
        const code = newSignInCode();
        const completedElsewhere = await completeSignInRequest(db, request.id, identity, now(), hashSignInCode(request.id, code));
        if (!completedElsewhere) return refuse(res, locale, 'used', 'signin_callback_replayed');
        sendPage(res, 200, locale, (nonce) => renderSignInCode(locale, code, nonce));
        requestLog(res).info({ code: 'signin_completed_needs_code', channel: request.channel }, 'sign-in completed in another browser');
        return undefined;
      }
      const completed = await completeSignInRequest(db, request.id, identity, now());
      if (!completed) return refuse(res, locale, 'used', 'signin_callback_replayed');
      sendPage(res, 200, locale, (nonce) => renderSignInResult(locale, 'done', nonce));
      requestLog(res).info({ code: 'signin_completed', channel: request.channel }, 'sign-in completed');

      try {
        await deps.onCompleted(
          {
            requestId: request.id,
            channel: request.channel,
            conversationRef: request.conversationRef as Partial<ConversationReference>,
          },
          requestLog(res),
        );
      } catch (error) {
        requestLog(res).error({ code: 'signin_notify_failed', err: failureReason(error) }, 'could not tell the conversation about a sign-in');
      }
      return undefined;
    } catch (error) {
      requestLog(res).error({ code: 'signin_callback_error', err: failureReason(error) }, 'sign-in callback failed');
      if (!res.headersSent) refuse(res, fallbackLocale, 'failed', 'signin_callback_error');
      return undefined;
    }
  });

  const oidcOrigin = (): string => new URL(oidc.issuer).origin;

  /**
   * Whether the callback came from the browser that asked for the chat's Direct Line token. The
   * callback is a top-level navigation from the provider, so the SameSite=Lax cookie comes along.
   * SMS and Bot Framework channels have no such browser: their sign-ins always need the code.
   */
  async function isChatBrowser(request: SignInRequest, cookieHeader: string | undefined): Promise<boolean> {
    if (request.channel !== DIRECT_LINE_CHANNEL_ID) return false;
    const conversation = await findConversation(db, request.conversationId);
    return deps.browsers.isSameBrowser(cookieHeader, conversation?.browserHash ?? null);
  }

  /** The link's request if it may still be used; otherwise the refusal is already sent. */
  async function usableLink(
    req: Request,
    res: Response,
    fallbackLocale: Locale,
  ): Promise<{ id: string; locale: Locale; token: string; channel: string } | null> {
    const token: unknown = req.params.token;
    if (typeof token !== 'string' || !LINK_TOKEN_PATTERN.test(token)) {
      refuse(res, fallbackLocale, 'unknown', 'signin_unknown_link');
      return null;
    }
    const request = await findSignInRequest(db, hashLinkToken(token));
    if (request === null) {
      refuse(res, fallbackLocale, 'unknown', 'signin_unknown_link');
      return null;
    }
    const locale = resolveLocale(request.locale);
    if (request.openedAt !== null) {
      refuse(res, locale, 'used', 'signin_link_reused');
      return null;
    }
    if (request.expiresAt.getTime() <= now().getTime()) {
      refuse(res, locale, 'expired', 'signin_link_expired');
      return null;
    }
    return { id: request.id, locale, token, channel: request.channel };
  }

  /** Opens the one-time link and sends the browser to the provider with fresh state, nonce and PKCE. */
  async function startSignIn(link: { id: string; locale: Locale }, res: Response): Promise<void> {
    const { locale } = link;
    // Discover before opening, so a provider outage does not burn the parent's one-time link.
    const config = await configuration(res);
    if (config === null) return refuse(res, locale, 'unavailable', 'signin_provider_unavailable');
    const secrets = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const codeChallenge = await client.calculatePKCECodeChallenge(secrets.codeVerifier);
    if (!(await openSignInRequest(db, link.id, secrets, now()))) return refuse(res, locale, 'used', 'signin_link_reused');

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      response_type: 'code',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state: secrets.state,
      nonce: secrets.nonce,
      // Always a fresh login: on a shared computer someone else's NY.gov session must not sign
      // this parent in as them.
      prompt: 'login',
      ui_locales: locale,
    });
    res.writeHead(302, { Location: authorizationUrl.href, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.end();
    return undefined;
  }

  // A link sent by text message opens a page with one button, because messaging apps fetch links to
  // show previews and must not use up the one-time link; the button's POST starts the sign-in. A
  // link clicked in web chat goes straight to NY.gov.
  server.get('/signin/:token', async (req: Request, res: Response) => {
    const fallbackLocale = localeFromAcceptLanguage(req.header('accept-language'));
    try {
      const link = await usableLink(req, res, fallbackLocale);
      if (link === null) return undefined;
      if (!PREVIEWED_CHANNELS.has(link.channel)) return await startSignIn(link, res);
      sendPage(res, 200, link.locale, (nonce) => renderSignInStart(link.locale, nonce, `/signin/${link.token}`), {
        // The POST answers with a redirect to the provider: the form may go there.
        formAction: oidcOrigin(),
      });
      return undefined;
    } catch (error) {
      requestLog(res).error({ code: 'signin_link_error', err: failureReason(error) }, 'sign-in link failed');
      if (!res.headersSent) refuse(res, fallbackLocale, 'failed', 'signin_link_error');
      return undefined;
    }
  });

  server.post('/signin/:token', async (req: Request, res: Response) => {
    const fallbackLocale = localeFromAcceptLanguage(req.header('accept-language'));
    try {
      const link = await usableLink(req, res, fallbackLocale);
      if (link === null) return undefined;
      return await startSignIn(link, res);
    } catch (error) {
      requestLog(res).error({ code: 'signin_link_error', err: failureReason(error) }, 'sign-in link failed');
      if (!res.headersSent) refuse(res, fallbackLocale, 'failed', 'signin_link_error');
      return undefined;
    }
  });
}
