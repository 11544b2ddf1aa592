/**
 * `GET /documents/{token}`: the PDF a chat offered, for its owner only. Opened in the chat's own
 * browser (its `csa_browser` cookie matches the hash stored with the document) it is served at
 * once. Opened anywhere else (a forwarded link, a phone's browser after an SMS) it gets a plain page
 * offering a NY.gov sign-in (authorization code with PKCE; state, nonce and verifier kept in the
 * database); the callback serves the PDF only when the identity is linked to the document's person.
 * Never the PDF to anyone else; logs carry codes, never a token, a code or a claim.
 */
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import { claimDocumentSignIn, findIssuedDocument, identityIsPerson, insertDocumentSignIn, type IssuedDocumentRow } from '../../db/repositories/documents.js';
import { recordAudit } from '../../db/repositories/audit.js';
import type { Database } from '../../db/schema.js';
import { DOCUMENT_KINDS, type DocumentKind, type DocumentParams } from '../../dialogs/documents/ports.js';
import { resolveLocale, type Locale } from '../../locales/i18n.js';
import type { BrowserBinding } from '../directline/browser.js';
import { requestLog, type Request, type Response, type Server } from '../server.js';
import type { OidcClient } from '../signin/oidc.js';
import { failureReason, queryParam } from '../signin/routes.js';
import { localeFromAcceptLanguage } from '../web/routes.js';
import { composeDocument } from './compose.js';
import { DOCUMENT_TOKEN_PATTERN, hashDocumentToken } from './DocumentService.js';
import { sendDocumentPage, type DocumentPageKind } from './pages.js';
import { DOCUMENT_CALLBACK_PATH } from './paths.js';

/** Long enough to type a NY.gov password; the document link's own expiry still applies. */
const SIGN_IN_TTL_MS = 10 * 60 * 1000;

export interface DocumentRouteDeps {
  readonly db: Kysely<Database>;
  readonly publicUrl: string;
  readonly browsers: BrowserBinding;
  readonly oidc: OidcClient;
  readonly now?: () => Date;
}

const STATUS: Record<DocumentPageKind, number> = { forwarded: 403, unknown: 404, expired: 410, refused: 403, failed: 500 };

function isKind(value: string): value is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(value);
}

export function registerDocumentRoutes(server: Server, deps: DocumentRouteDeps): void {
  const { db, browsers, oidc } = deps;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const now = deps.now ?? (() => new Date());
  const redirectUri = `${publicUrl}${DOCUMENT_CALLBACK_PATH}`;

  function page(res: Response, locale: Locale, kind: DocumentPageKind, code: string): void {
    requestLog(res).info({ code }, 'document link refused');
    sendDocumentPage(res, STATUS[kind], locale, kind);
  }

  /** The stored document if the link is well formed, known and not expired; else the page is sent. */
  async function usableDocument(req: Request, res: Response): Promise<{ row: IssuedDocumentRow; token: string; locale: Locale } | null> {
    const fallback = localeFromAcceptLanguage(req.header('accept-language'));
    const token: unknown = req.params.token;
    if (typeof token !== 'string' || !DOCUMENT_TOKEN_PATTERN.test(token)) {
      page(res, fallback, 'unknown', 'document_unknown_link');
      return null;
    }
    const row = await findIssuedDocument(db, hashDocumentToken(token));
    if (row === null) {
      page(res, fallback, 'unknown', 'document_unknown_link');
      return null;
    }
    const locale = resolveLocale(row.locale);
    if (row.expiresAt.getTime() <= now().getTime()) {
      page(res, locale, 'expired', 'document_link_expired');
      return null;
    }
    return { row, token, locale };
  }

  async function servePdf(res: Response, row: IssuedDocumentRow, how: 'same_browser' | 'nygov'): Promise<void> {
    const locale = resolveLocale(row.locale);
    if (!isKind(row.kind)) return page(res, locale, 'failed', 'document_kind_unknown');
    const pdf = await composeDocument(db, {
      personId: row.personId,
      caseNumber: row.caseNumber,
      kind: row.kind,
      params: row.params as unknown as DocumentParams,
      locale,
    });
    if (pdf === null) return page(res, locale, 'refused', 'document_no_longer_entitled');
    res.writeHead(200, {
      'Content-Type': 'application/pdf',
      'Content-Length': pdf.buffer.length,
      'Content-Disposition': `inline; filename="${pdf.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(pdf.buffer);
    await recordAudit(db, {
      action: 'document_opened',
      outcome: 'success',
      personId: row.personId,
      caseNumber: row.caseNumber,
      channel: row.channel,
      detail: { kind: row.kind, how },
    });
    return undefined;
  }

  // Registered first and static, so the router never reads "callback" as a token.
  server.get(DOCUMENT_CALLBACK_PATH, async (req: Request, res: Response) => {
    const fallback = localeFromAcceptLanguage(req.header('accept-language'));
    try {
      const state = queryParam(req, 'state');
      const claimed = state === undefined ? null : await claimDocumentSignIn(db, state, now());
      if (state === undefined || claimed === null) return page(res, fallback, 'unknown', 'document_signin_unknown_state');
      const row = await findIssuedDocument(db, claimed.tokenHash);
      if (row === null) return page(res, fallback, 'unknown', 'document_unknown_link');
      const locale = resolveLocale(row.locale);
      if (row.expiresAt.getTime() <= now().getTime()) return page(res, locale, 'expired', 'document_link_expired');
      const config = await oidc.configuration();
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
        if (claims === undefined || typeof claims.sub !== 'string' || claims.sub === '') return page(res, locale, 'refused', 'document_signin_no_subject');
        identity = { issuer: claims.iss, subject: claims.sub };
      } catch (error) {
        requestLog(res).warn({ code: 'document_signin_rejected', err: failureReason(error) }, 'document sign-in callback rejected');
        return page(res, locale, 'refused', 'document_signin_rejected');
      }
      if (!(await identityIsPerson(db, identity, row.personId))) {
        await recordAudit(db, {
          action: 'document_refused',
          outcome: 'refused',
          personId: row.personId,
          caseNumber: row.caseNumber,
          identityIssuer: identity.issuer,
          identitySubject: identity.subject,
          channel: row.channel,
          detail: { kind: row.kind, reason: 'other_person' },
        });
        return page(res, locale, 'refused', 'document_signin_other_person');
      }
      return await servePdf(res, row, 'nygov');
    } catch (error) {
      requestLog(res).error({ code: 'document_callback_error', err: failureReason(error) }, 'document sign-in callback failed');
      if (!res.headersSent) page(res, fallback, 'failed', 'document_callback_error');
      return undefined;
    }
  });

  server.get('/documents/:token', async (req: Request, res: Response) => {
    try {
      const usable = await usableDocument(req, res);
      if (usable === null) return undefined;
      const { row, token, locale } = usable;
      if (browsers.isSameBrowser(req.header('cookie'), row.browserHash)) return await servePdf(res, row, 'same_browser');
      requestLog(res).info({ code: 'document_other_browser' }, 'document link opened outside the chat browser');
      sendDocumentPage(res, STATUS.forwarded, locale, 'forwarded', {
        signInAction: `/documents/${token}/signin`,
        formAction: new URL(oidc.issuer).origin,
      });
      return undefined;
    } catch (error) {
      requestLog(res).error({ code: 'document_link_error', err: failureReason(error) }, 'document link failed');
      if (!res.headersSent) page(res, localeFromAcceptLanguage(req.header('accept-language')), 'failed', 'document_link_error');
      return undefined;
    }
  });

  server.post('/documents/:token/signin', async (req: Request, res: Response) => {
    try {
      const usable = await usableDocument(req, res);
      if (usable === null) return undefined;
      const config = await oidc.configuration();
      const secrets = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const at = now();
      await insertDocumentSignIn(db, {
        ...secrets,
        tokenHash: usable.row.tokenHash,
        createdAt: at,
        expiresAt: new Date(at.getTime() + SIGN_IN_TTL_MS),
      });
      const authorizationUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid',
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
        state: secrets.state,
        nonce: secrets.nonce,
        // A fresh login: on a shared computer someone else's NY.gov session must not open it.
        prompt: 'login',
        ui_locales: usable.locale,
      });
      res.writeHead(302, { Location: authorizationUrl.href, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      res.end();
      return undefined;
    } catch (error) {
      requestLog(res).error({ code: 'document_signin_error', err: failureReason(error) }, 'document sign-in start failed');
      if (!res.headersSent) page(res, localeFromAcceptLanguage(req.header('accept-language')), 'failed', 'document_signin_error');
      return undefined;
    }
  });
}
