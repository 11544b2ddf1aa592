/**
 * The sign-in edge against the real development provider on a real server: a browser is played
 * with fetch (manual redirects, a cookie jar honouring paths, forms parsed from the HTML), so
 * the relying party's checks are exercised by a provider that can actually refuse them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { pino } from 'pino';
import type { ConversationReference } from 'botbuilder';
import { DEV_SESSION_SECRET } from '../../config.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import {
  assertDevIdentityProviderAllowed,
  createDevIdentityProvider,
  DEV_CLIENT_ID,
  type DevIdentityProvider,
} from '../../channels/signin/devIdp.js';
import { OidcClient } from '../../channels/signin/oidc.js';
import { registerSignInRoutes, type SignInCompleted } from '../../channels/signin/routes.js';
import { SignInService, SIGN_IN_LINK_TTL_MS } from '../../channels/signin/SignInService.js';
import { escapeHtml, pageText, type PageTexts } from '../../channels/web/page.js';
import { BrowserBinding } from '../../channels/directline/browser.js';
import { createConversation } from '../../db/repositories/directline.js';
import {
  checkSignInCode,
  completeSignInRequest,
  deleteExpiredSignInRequests,
  findSignInRequest,
  hashSignInCode,
  MAX_CODE_ATTEMPTS,
  TAKE_WINDOW_MS,
} from '../../db/repositories/signIn.js';
import type { Locale } from '../../locales/i18n.js';
import { freePort } from '../helpers/app.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';
import { Browser, parseForm, type Page } from '../helpers/browser.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

function texts(locale: Locale): PageTexts {
  return JSON.parse(readFileSync(new URL(`../../locales/${locale}/page.json`, import.meta.url), 'utf8')) as PageTexts;
}
/** A page.json text as it appears in the HTML. */
function shown(locale: Locale, key: string): string {
  return escapeHtml(pageText(texts(locale), key));
}

function reference(conversationId: string): Partial<ConversationReference> {
  return {
    channelId: 'directline',
    serviceUrl: 'http://127.0.0.1',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: 'dl_user', name: '' },
    bot: { id: 'child-support-assistant', name: 'child-support-assistant' },
  };
}

function requestIdOf(link: string): string {
  return createHash('sha256').update(link.split('/').at(-1) ?? '').digest('hex');
}

describe('development identity provider guard', () => {
  it('refuses to exist in production', async () => {
    expect(() => assertDevIdentityProviderAllowed(true)).toThrow();
    expect(() => assertDevIdentityProviderAllowed(false)).not.toThrow();
    await expect(
      createDevIdentityProvider({ publicUrl: 'http://127.0.0.1:1', sessionSecret: DEV_SESSION_SECRET, production: true }),
    ).rejects.toMatchObject({ code: 'config_invalid' });
  });
});

describe.each(databaseKinds())('sign-in with the development NY.gov on %s', (kind) => {
  let database: TestDatabase;
  let server: Server;
  let publicUrl: string;
  let idp: DevIdentityProvider;
  let service: SignInService;
  let browsers: BrowserBinding;
  let clock: Date | null = null;
  const now = (): Date => clock ?? new Date();
  const completed: SignInCompleted[] = [];
  let failNotify = false;
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    // oidc-provider announces development-only choices on the console; they are expected here.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    restore.push(() => warn.mockRestore(), () => info.mockRestore());

    database = await createTestDatabase(kind);
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    server = createHttpServer({ logger });
    idp = await createDevIdentityProvider({ publicUrl, sessionSecret: DEV_SESSION_SECRET, production: false, logger });
    idp.mount(server);
    browsers = new BrowserBinding(DEV_SESSION_SECRET, publicUrl);
    registerSignInRoutes(server, {
      db: database.db,
      publicUrl,
      oidc: new OidcClient({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }),
      browsers,
      onCompleted: async (event) => {
        completed.push(event);
        if (failNotify) throw new Error('adapter down');
      },
      now,
    });
    await listen(server, port, '127.0.0.1');
    service = new SignInService({ db: database.db, publicUrl, secret: DEV_SESSION_SECRET, now });
  });

  afterAll(async () => {
    await closeServer(server);
    await database.close();
    for (const undo of restore) undo();
  });

  async function linkFor(conversationId: string, locale: Locale = 'en', channel = 'directline'): Promise<string> {
    const { url } = await service.createLink({ conversation: reference(conversationId), channel, locale });
    return url;
  }

  /**
   * The chat's own browser: a Direct Line conversation that remembers this browser's cookie, as the
   * token route makes it, and a browser that carries that cookie.
   */
  async function chatBrowser(conversationId: string): Promise<Browser> {
    const identified = browsers.identify(undefined);
    await createConversation(database.db, { id: conversationId, userId: 'dl_user', locale: 'en', browserHash: identified.hash });
    const browser = new Browser();
    if (identified.setCookie !== null) browser.acceptCookie(identified.setCookie);
    return browser;
  }

  /** The code a page shows for a sign-in finished outside the chat's browser, or null. */
  function codeOn(html: string): string | null {
    return /<p class="code" data-signin-code="(\d{6})"[^>]*>(\d{6})<\/p>/.exec(html)?.[2] ?? null;
  }

  /** From the link to the provider's login form. */
  async function toLoginForm(browser: Browser, link: string): Promise<Page> {
    // A web chat link goes straight to the provider.
    const page = await browser.navigate(link);
    expect(page.status).toBe(200);
    expect(page.url.startsWith(`${publicUrl}/dev-idp/interaction/`)).toBe(true);
    return page;
  }

  /** Logs in and consents, stopping right before our callback so a test can tamper first. */
  async function toCallback(browser: Browser, loginPage: Page, login: string, password: string): Promise<string> {
    const form = parseForm(loginPage.html, loginPage.url);
    let page = await browser.navigate(form.action, { form: { ...form.fields, login, password }, stopAt: `${publicUrl}/signin/callback` });
    if (page.status === 200) {
      // The consent step: hidden fields and one button.
      const consent = parseForm(page.html, page.url);
      page = await browser.navigate(consent.action, { form: consent.fields, stopAt: `${publicUrl}/signin/callback` });
    }
    expect(page.url.startsWith(`${publicUrl}/signin/callback?`)).toBe(true);
    return page.url;
  }

  it('creates a one-time link that stores only the hash of its token', async () => {
    clock = new Date('2026-11-26T15:00:00Z');
    try {
      const { url, expiresAt } = await service.createLink({ conversation: reference('conv-link'), channel: 'directline', locale: 'es' });
      expect(url).toMatch(new RegExp(`^${publicUrl}/signin/[A-Za-z0-9_-]{43}$`));
      expect(expiresAt.getTime() - clock.getTime()).toBe(SIGN_IN_LINK_TTL_MS);
      const row = await findSignInRequest(database.db, requestIdOf(url));
      expect(row).toMatchObject({ conversationId: 'conv-link', channel: 'directline', locale: 'es', openedAt: null });
      expect(row?.conversationRef).toMatchObject({ conversation: { id: 'conv-link' } });
      expect(JSON.stringify(row)).not.toContain(url.split('/').at(-1));
      await expect(service.createLink({ conversation: {}, channel: 'directline', locale: 'en' })).rejects.toThrow();
    } finally {
      clock = null;
    }
  });

  it('signs Maria in and hands her identity to her conversation once', async () => {
    const link = await linkFor('conv-maria');
    const requestId = requestIdOf(link);
    const browser = await chatBrowser('conv-maria');

    const first = await browser.request(link, { method: 'POST' });
    expect(first.status).toBe(302);
    const authorization = new URL(first.headers.get('location') ?? '');
    expect(authorization.href.startsWith(`${idp.issuer}/`)).toBe(true);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: DEV_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      code_challenge_method: 'S256',
      redirect_uri: `${publicUrl}/signin/callback`,
    });
    for (const param of ['state', 'nonce', 'code_challenge']) expect(authorization.searchParams.get(param)).toBeTruthy();

    const loginPage = await browser.navigate(authorization.href);
    expect(loginPage.status).toBe(200);
    expect(loginPage.html).toContain('<html lang="en">');
    expect(loginPage.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const form = parseForm(loginPage.html, loginPage.url);
    expect(form.names).toEqual(expect.arrayContaining(['login', 'password']));

    const consentPage = await browser.navigate(form.action, { form: { login: 'maria.lopez@example.com', password: 'demo-maria-1' } });
    // The consent step: hidden fields and one submit button, nothing to fill in.
    expect(consentPage.url.startsWith(`${publicUrl}/dev-idp/interaction/`)).toBe(true);
    expect(consentPage.html.match(/<input\b(?![^>]*type="hidden")[^>]*>/g)).toBeNull();
    expect(consentPage.html.match(/<button\b/g)).toHaveLength(1);
    const consent = parseForm(consentPage.html, consentPage.url);
    const page = await browser.navigate(consent.action, { form: consent.fields });
    expect(page.url.startsWith(`${publicUrl}/signin/callback?`)).toBe(true);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain(shown('en', 'signin.done.body'));
    expect(page.html).toContain('href="/"');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/style-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    // The only script is our quick exit, by nonce.
    expect(page.html.match(/<script\b[^>]*>/g)).toEqual([expect.stringMatching(/^<script src="\/static\/exit\.js" nonce="[^"]+" defer>$/)]);
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);

    expect(completed.filter((c) => c.requestId === requestId)).toEqual([
      { requestId, channel: 'directline', conversationRef: expect.objectContaining({ conversation: expect.objectContaining({ id: 'conv-maria' }) }) },
    ]);
    await expect(service.takeCompleted(requestId, 'conv-someone-else')).resolves.toBeNull();
    await expect(service.takeCompleted(requestId, 'conv-maria')).resolves.toEqual({ issuer: `${publicUrl}/dev-idp`, subject: 'nygov-0001' });
    await expect(service.takeCompleted(requestId, 'conv-maria')).resolves.toBeNull();
    await expect(service.takeCompleted(requestId, 'conv-someone-else')).resolves.toBeNull();
  });

  it('speaks the conversation language on the provider and on the result page', async () => {
    const link = await linkFor('conv-new-user', 'zh-Hans');
    const browser = await chatBrowser('conv-new-user');
    const loginPage = await toLoginForm(browser, link);
    expect(loginPage.html).toContain('<html lang="zh-Hans">');
    expect(loginPage.html).toContain(shown('zh-Hans', 'devIdp.password'));
    const callback = await toCallback(browser, loginPage, 'New.User@example.com', 'demo-new-1');
    const page = await browser.navigate(callback);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="zh-Hans">');
    expect(page.html).toContain(shown('zh-Hans', 'signin.done.body'));
    await expect(service.takeCompleted(requestIdOf(link), 'conv-new-user')).resolves.toEqual({
      issuer: `${publicUrl}/dev-idp`,
      subject: 'nygov-0100',
    });
  });

  it('shows the login form again, with an error, after a wrong password', async () => {
    const link = await linkFor('conv-wrong-password');
    const browser = await chatBrowser('conv-wrong-password');
    const loginPage = await toLoginForm(browser, link);
    const form = parseForm(loginPage.html, loginPage.url);

    for (const attempt of [
      { login: 'maria.lopez@example.com', password: 'demo-maria-2' },
      { login: 'nobody@example.com', password: 'demo-maria-1' },
      { login: 'maria.lopez@example.com', password: '' },
    ]) {
      const again = await browser.navigate(form.action, { form: attempt });
      expect(again.status).toBe(401);
      expect(again.html).toContain(shown('en', 'devIdp.error'));
      expect(parseForm(again.html, again.url).names).toEqual(expect.arrayContaining(['login', 'password']));
      expect(again.html).not.toContain(attempt.password === '' ? 'value="demo' : attempt.password);
    }
    expect(completed.some((c) => c.requestId === requestIdOf(link))).toBe(false);

    // The same interaction still accepts the right password.
    let final = await browser.navigate(form.action, { form: { login: 'maria.lopez@example.com', password: 'demo-maria-1' } });
    if (final.url.includes('/dev-idp/interaction/')) {
      const consent = parseForm(final.html, final.url);
      final = await browser.navigate(consent.action, { form: consent.fields });
    }
    expect(final.status).toBe(200);
    expect(final.html).toContain(shown('en', 'signin.done.body'));
  });

  it('a web chat link goes straight to NY.gov (302) and opens once', async () => {
    const link = await linkFor('conv-web-direct');
    const first = await new Browser().request(link);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')?.startsWith(`${idp.issuer}/`)).toBe(true);
    expect((await findSignInRequest(database.db, requestIdOf(link)))?.openedAt).not.toBeNull();
    expect((await new Browser().navigate(link)).status).toBe(410);
  });

  it('an SMS link preview (GET) does not use up the link: it shows one button that POSTs to start', async () => {
    const link = await linkFor('conv-preview', 'es', 'sms');
    for (let i = 0; i < 2; i += 1) {
      const preview = await new Browser().navigate(link);
      expect(preview.status).toBe(200);
      expect(preview.html).toContain('<html lang="es">');
      expect(preview.html.match(/<button\b/g)).toHaveLength(1);
      expect(preview.html).toMatch(/<form method="post" action="\/signin\/[A-Za-z0-9_-]{43}">/);
      expect(preview.headers.get('content-security-policy')).toContain(`form-action 'self' ${new URL(idp.issuer).origin}`);
    }
    expect((await findSignInRequest(database.db, requestIdOf(link)))?.openedAt).toBeNull();
    const started = await new Browser().request(link, { method: 'POST' });
    expect(started.status).toBe(302);
    expect(started.headers.get('location')?.startsWith(`${idp.issuer}/`)).toBe(true);
    expect((await new Browser().navigate(link)).status).toBe(410);
  });

  it('refuses an unknown link', async () => {
    for (const token of [randomBytes(32).toString('base64url'), 'short', `${'x'.repeat(42)}!`]) {
      const page = await new Browser().navigate(`${publicUrl}/signin/${token}`);
      expect(page.status).toBe(400);
      expect(page.html).toContain(shown('en', 'signin.refused.unknown'));
      expect(page.html).toContain('href="/"');
    }
  });

  it('refuses an expired link without opening it', async () => {
    clock = new Date(Date.now() - SIGN_IN_LINK_TTL_MS - 1000);
    const link = await linkFor('conv-expired', 'es');
    clock = null;
    const page = await new Browser().navigate(link);
    expect(page.status).toBe(410);
    expect(page.html).toContain('<html lang="es">');
    expect(page.html).toContain(shown('es', 'signin.refused.expired'));
    expect((await findSignInRequest(database.db, requestIdOf(link)))?.openedAt).toBeNull();
  });

  it('refuses a link opened a second time', async () => {
    const link = await linkFor('conv-reused');
    expect((await new Browser().request(link, { method: 'POST' })).status).toBe(302);
    const page = await new Browser().navigate(link);
    expect(page.status).toBe(410);
    expect(page.html).toContain(shown('en', 'signin.refused.used'));
  });

  it('refuses a callback with a state it never issued, and the real one still works', async () => {
    const link = await linkFor('conv-wrong-state');
    const browser = await chatBrowser('conv-wrong-state');
    const callback = await toCallback(browser, await toLoginForm(browser, link), 'maria.lopez@example.com', 'demo-maria-1');
    const forged = new URL(callback);
    forged.searchParams.set('state', randomBytes(32).toString('base64url'));
    const refused = await browser.navigate(forged.href);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(shown('en', 'signin.refused.unknown'));
    const noState = new URL(callback);
    noState.searchParams.delete('state');
    expect((await browser.navigate(noState.href)).status).toBe(400);
    expect(completed.some((c) => c.requestId === requestIdOf(link))).toBe(false);

    const page = await browser.navigate(callback);
    expect(page.status).toBe(200);
    expect(completed.some((c) => c.requestId === requestIdOf(link))).toBe(true);
  });

  it('refuses an ID token whose nonce is not the one kept for the request', async () => {
    const link = await linkFor('conv-nonce');
    const requestId = requestIdOf(link);
    const browser = new Browser();
    const callback = await toCallback(browser, await toLoginForm(browser, link), 'maria.lopez@example.com', 'demo-maria-1');
    await database.db.updateTable('signInRequests').set({ nonce: 'not-the-nonce-the-provider-saw' }).where('id', '=', requestId).execute();

    const page = await browser.navigate(callback);
    expect(page.status).toBe(400);
    expect(page.html).toContain(shown('en', 'signin.refused.failed'));
    expect(completed.some((c) => c.requestId === requestId)).toBe(false);
    const row = await findSignInRequest(database.db, requestId);
    expect(row?.completedAt).toBeNull();
    expect(row?.subject).toBeNull();
    await expect(service.takeCompleted(requestId, 'conv-nonce')).resolves.toBeNull();
    // The attempt is spent: the same callback cannot be tried again.
    expect((await browser.navigate(callback)).status).toBe(410);
  });

  it('refuses a replayed callback', async () => {
    const link = await linkFor('conv-replay');
    const requestId = requestIdOf(link);
    const browser = await chatBrowser('conv-replay');
    const callback = await toCallback(browser, await toLoginForm(browser, link), 'maria.lopez@example.com', 'demo-maria-1');
    expect((await browser.navigate(callback)).status).toBe(200);
    const again = await new Browser().navigate(callback);
    expect(again.status).toBe(410);
    expect(again.html).toContain(shown('en', 'signin.refused.used'));
    expect(completed.filter((c) => c.requestId === requestId)).toHaveLength(1);
  });

  it('still shows the signed-in page when telling the conversation fails', async () => {
    const link = await linkFor('conv-notify-fails');
    const browser = await chatBrowser('conv-notify-fails');
    const callback = await toCallback(browser, await toLoginForm(browser, link), 'maria.lopez@example.com', 'demo-maria-1');
    failNotify = true;
    try {
      const page = await browser.navigate(callback);
      expect(page.status).toBe(200);
      expect(page.html).toContain(shown('en', 'signin.done.body'));
    } finally {
      failNotify = false;
    }
    expect(completed.some((c) => c.requestId === requestIdOf(link))).toBe(true);
  });

  it('does not burn the link while the provider cannot be reached', async () => {
    const deadPort = await freePort();
    const other = createHttpServer({ logger });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    registerSignInRoutes(other, {
      db: database.db,
      publicUrl: base,
      oidc: new OidcClient({ issuer: `http://127.0.0.1:${deadPort}/dev-idp`, clientId: DEV_CLIENT_ID, clientSecret: 'x' }),
      browsers: new BrowserBinding(DEV_SESSION_SECRET, base),
      onCompleted: async () => undefined,
    });
    await listen(other, port, '127.0.0.1');
    try {
      const { url } = await new SignInService({ db: database.db, publicUrl: base, secret: DEV_SESSION_SECRET }).createLink({
        conversation: reference('conv-provider-down'),
        channel: 'directline',
        locale: 'en',
      });
      const page = await new Browser().navigate(url, { form: {} });
      expect(page.status).toBe(503);
      expect(page.html).toContain(shown('en', 'signin.refused.unavailable'));
      expect((await findSignInRequest(database.db, requestIdOf(url)))?.openedAt).toBeNull();
    } finally {
      await closeServer(other);
    }
  });

  it('hands out an identity only shortly after the sign-in completed', async () => {
    const at = new Date('2026-11-26T15:00:00Z');
    clock = at;
    try {
      const link = await linkFor('conv-late');
      const requestId = requestIdOf(link);
      await expect(service.takeCompleted(requestId, 'conv-late')).resolves.toBeNull();
      expect(await completeSignInRequest(database.db, requestId, { issuer: idp.issuer, subject: 'nygov-0001' }, at)).toBe(true);
      expect(await completeSignInRequest(database.db, requestId, { issuer: idp.issuer, subject: 'nygov-0002' }, at)).toBe(false);
      clock = new Date(at.getTime() + TAKE_WINDOW_MS + 1);
      await expect(service.takeCompleted(requestId, 'conv-late')).resolves.toBeNull();
      clock = new Date(at.getTime() + TAKE_WINDOW_MS - 1);
      await expect(service.takeCompleted(requestId, 'conv-late')).resolves.toEqual({ issuer: idp.issuer, subject: 'nygov-0001' });
    } finally {
      clock = null;
    }
  });

  it('a forwarded link: signed in in another browser, the page shows a code and the conversation is told nothing', async () => {
    const link = await linkFor('conv-forwarded', 'es');
    const requestId = requestIdOf(link);
    // The chat's own browser exists, but the link was opened in another one (no cookie at all).
    await chatBrowser('conv-forwarded');
    const elsewhere = new Browser();
    const page = await elsewhere.navigate(await toCallback(elsewhere, await toLoginForm(elsewhere, link), 'maria.lopez@example.com', 'demo-maria-1'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="es">');
    const code = codeOn(page.html);
    expect(code).toMatch(/^\d{6}$/);
    for (const key of ['signin.code.heading', 'signin.code.body', 'signin.code.lifetime', 'signin.code.warning']) expect(page.html).toContain(shown('es', key));
    expect(page.html).not.toContain(shown('es', 'signin.done.body'));
    expect(page.headers.get('cache-control')).toBe('no-store');

    expect(completed.some((c) => c.requestId === requestId)).toBe(false);
    const row = await findSignInRequest(database.db, requestId);
    expect(row?.codeHash).toBe(hashSignInCode(requestId, code as string));
    expect(JSON.stringify(row)).not.toContain(`"${code}"`);
    // A forged completion event with the request id (computable from the link) takes nothing.
    await expect(service.takeCompleted(requestId, 'conv-forwarded')).resolves.toBeNull();
    // The code is worth nothing in another conversation.
    await expect(service.checkCode('conv-someone-else', code as string)).resolves.toEqual({ outcome: 'none' });
    await expect(service.checkCode('conv-forwarded', code as string)).resolves.toEqual({
      outcome: 'verified',
      identity: { issuer: `${publicUrl}/dev-idp`, subject: 'nygov-0001' },
    });
    await expect(service.checkCode('conv-forwarded', code as string)).resolves.toEqual({ outcome: 'none' });
  });

  it('an SMS sign-in always ends on the code page, and a cookie of another chat does not count', async () => {
    const smsLink = await linkFor('conv-sms-code', 'en', 'sms');
    const phone = await chatBrowser('conv-sms-code-web');
    const html = (await signInWith(phone, smsLink)).html;
    expect(codeOn(html)).toMatch(/^\d{6}$/);
    expect(completed.some((c) => c.requestId === requestIdOf(smsLink))).toBe(false);

    const webLink = await linkFor('conv-web-code');
    await chatBrowser('conv-web-code');
    const otherChat = await chatBrowser('conv-web-other');
    expect(codeOn((await signInWith(otherChat, webLink)).html)).toMatch(/^\d{6}$/);
    expect(completed.some((c) => c.requestId === requestIdOf(webLink))).toBe(false);
  });

  /** The whole walk in one browser: the SMS start page's button if any, login, consent, callback. */
  async function signInWith(browser: Browser, link: string): Promise<Page> {
    let page = await browser.navigate(link);
    if (!page.url.includes('/dev-idp/')) {
      const button = parseForm(page.html, page.url);
      page = await browser.navigate(button.action, { form: button.fields });
    }
    return browser.navigate(await toCallback(browser, page, 'maria.lopez@example.com', 'demo-maria-1'));
  }

  it('five wrong codes end the sign-in, even typed in parallel; the right one is refused after', async () => {
    const at = new Date('2026-11-26T15:00:00Z');
    clock = at;
    try {
      const link = await linkFor('conv-guess');
      const requestId = requestIdOf(link);
      const code = '314159';
      expect(await completeSignInRequest(database.db, requestId, { issuer: idp.issuer, subject: 'nygov-0001' }, at, hashSignInCode(requestId, code))).toBe(true);
      const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => checkSignInCode(database.db, 'conv-guess', String(100000 + i), at)));
      expect(guesses.filter((g) => g.outcome === 'wrong')).toHaveLength(MAX_CODE_ATTEMPTS);
      expect(guesses.filter((g) => g.outcome === 'wrong' && g.ended)).toHaveLength(1);
      expect(guesses.filter((g) => g.outcome === 'none')).toHaveLength(12 - MAX_CODE_ATTEMPTS);
      expect((await findSignInRequest(database.db, requestId))?.codeAttempts).toBe(MAX_CODE_ATTEMPTS);
      await expect(checkSignInCode(database.db, 'conv-guess', code, at)).resolves.toEqual({ outcome: 'none' });
      expect((await findSignInRequest(database.db, requestId))?.consumedAt).toBeNull();
    } finally {
      clock = null;
    }
  });

  it('a code works for 5 minutes from the sign-in, after four wrong ones too', async () => {
    const at = new Date('2026-11-26T16:00:00Z');
    clock = at;
    try {
      const link = await linkFor('conv-code-window');
      const requestId = requestIdOf(link);
      const code = '000042';
      await completeSignInRequest(database.db, requestId, { issuer: idp.issuer, subject: 'nygov-0005' }, at, hashSignInCode(requestId, code));
      for (let i = 1; i < MAX_CODE_ATTEMPTS; i += 1) {
        await expect(checkSignInCode(database.db, 'conv-code-window', '999999', at)).resolves.toEqual({ outcome: 'wrong', ended: false });
      }
      const late = new Date(at.getTime() + TAKE_WINDOW_MS + 1);
      await expect(checkSignInCode(database.db, 'conv-code-window', code, late)).resolves.toEqual({ outcome: 'none' });
      const inTime = new Date(at.getTime() + TAKE_WINDOW_MS - 1);
      await expect(checkSignInCode(database.db, 'conv-code-window', code, inTime)).resolves.toEqual({
        outcome: 'verified',
        identity: { issuer: idp.issuer, subject: 'nygov-0005' },
      });
    } finally {
      clock = null;
    }
  });

  it('clears out requests whose link expired long ago, and only those', async () => {
    clock = new Date('2000-01-01T00:00:00Z');
    const old = await linkFor('conv-ancient');
    clock = null;
    const fresh = await linkFor('conv-fresh');
    expect(await deleteExpiredSignInRequests(database.db, new Date('2000-01-02T00:00:00Z'))).toBe(1);
    expect(await findSignInRequest(database.db, requestIdOf(old))).toBeNull();
    expect(await findSignInRequest(database.db, requestIdOf(fresh))).not.toBeNull();
  });
});
