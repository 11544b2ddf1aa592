/**
 * The small pages around sign-in: the result of a sign-in link, and the development provider's
 * login and consent forms. Server-rendered in the parent's language; the only script is the quick
 * exit (which also leads "Go to the chat" back to the same conversation) and the only style one
 * element, both nonce'd, so the CSP allows nothing inline that an attacker could add.
 */
import { randomBytes } from 'node:crypto';
import { LOCALES, loadResources, type Locale } from '../../locales/i18n.js';
import type { Response } from '../server.js';
import { escapeHtml, pageText, QUICK_EXIT_URL, type PageTexts, type PageTextsByLocale } from '../web/page.js';

let cachedTexts: PageTextsByLocale | undefined;

function texts(): PageTextsByLocale {
  if (cachedTexts === undefined) {
    const resources = loadResources();
    const out = {} as Record<Locale, PageTexts>;
    for (const locale of LOCALES) out[locale] = resources[locale]['page'] as PageTexts;
    cachedTexts = out;
  }
  return cachedTexts;
}

/** The calm agency look of the chat page, reduced to what these pages use. */
const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,"PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f3f5f8;line-height:1.5}
*,*::before,*::after{box-sizing:border-box}
body{margin:0}
header{background:#12365f;color:#fff;padding:1rem}
header p{margin:0;font-weight:600;font-size:1.1rem}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #c9d3df;border-radius:.5rem}
h1{font-size:1.5rem;margin:0 0 1rem;color:#0b2542}
p{margin:0 0 1rem}
a{color:#1b4f8a}
.notice{background:#fff4e5;border-left:4px solid #a15c00;padding:.5rem .75rem}
.error{color:#a4161a;font-weight:600}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;font:inherit;padding:.5rem;border:2px solid #4a5663;border-radius:.25rem}
input[aria-invalid=true]{border-color:#a4161a}
button{font:inherit;font-weight:600;margin-top:1.25rem;padding:.6rem 1.5rem;background:#1b4f8a;color:#fff;border:0;border-radius:.25rem;cursor:pointer}
button:hover{background:#12365f}
:focus-visible{outline:3px solid #0b2542;outline-offset:2px;box-shadow:0 0 0 5px #ffbf47}
.helpline{color:#4a5663;font-size:.95rem}
.code{font-size:2.5rem;font-weight:700;letter-spacing:.3em;font-variant-numeric:tabular-nums;margin:1rem 0;color:#0b2542}
.exit-bar{display:flex;align-items:center;justify-content:space-between;gap:.75rem;background:#0b2542;color:#fff;padding:.5rem 1rem}
.exit-bar p{margin:0;font-size:.9rem}
.quick-exit{flex:none;min-height:44px;padding:.6rem 1.1rem;border:2px solid #fff;border-radius:6px;background:#a4161a;color:#fff;font-weight:700;text-decoration:none;white-space:nowrap}
.quick-exit:hover{background:#7a0f12;text-decoration:underline}
`;

/** `formAction`: one more origin a form on the page may reach (through a redirect, for browsers that check those). */
export function signInPagePolicy(nonce: string, formAction?: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    // Only the quick exit script, served by us and stamped with the page's nonce.
    `script-src 'nonce-${nonce}'`,
    'img-src data:',
    formAction === undefined ? "form-action 'self'" : `form-action 'self' ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

interface Layout {
  readonly locale: Locale;
  readonly nonce: string;
  /** page.json key of the document title and heading. */
  readonly titleKey: string;
  readonly headingKey: string;
  /** Already escaped HTML. */
  readonly body: string;
}

function layout({ locale, nonce, titleKey, headingKey, body }: Layout): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[locale], key));
  return `<!doctype html>
<html lang="${locale}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>${t(titleKey)}</title>
    <link rel="icon" href="data:,">
    <style nonce="${escapeHtml(nonce)}">${STYLE}</style>
    <script src="/static/exit.js" nonce="${escapeHtml(nonce)}" defer></script>
  </head>
  <body>
    <aside class="exit-bar" aria-labelledby="quick-exit">
      <p id="quick-exit-hint">${t('quickExit.hint')}</p>
      <a class="quick-exit" id="quick-exit" href="${escapeHtml(QUICK_EXIT_URL)}" rel="noreferrer" aria-describedby="quick-exit-hint">${t('quickExit.button')}</a>
    </aside>
    <header><p>${t('title')}</p></header>
    <main>
      <h1>${t(headingKey)}</h1>
${body}
      <p><a href="/" data-back-to-chat>${t('signin.backToChat')}</a></p>
      <p class="helpline">${t('footer.helpline')}: ${t('footer.phone')} (${t('footer.ttyLabel')} ${t('footer.tty')})</p>
    </main>
  </body>
</html>
`;
}

export type SignInOutcome = 'done' | 'unknown' | 'expired' | 'used' | 'failed' | 'unavailable';

export function renderSignInResult(locale: Locale, outcome: SignInOutcome, nonce: string): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[locale], key));
  const done = outcome === 'done';
  const message = done ? t('signin.done.body') : t(`signin.refused.${outcome}`);
  return layout({
    locale,
    nonce,
    titleKey: 'signin.title',
    headingKey: done ? 'signin.done.heading' : 'signin.refused.heading',
    body: `      <p${done ? ' role="status"' : ''}>${message}</p>`,
  });
}

/**
 * The end of a sign-in finished outside the chat's own browser: the 6-digit code to type in the chat
 * that asked for the link. The code is on this page only; the chat never sends or shows it.
 */
export function renderSignInCode(locale: Locale, code: string, nonce: string): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[locale], key));
  const digits = escapeHtml(code);
  const body = `      <p>${t('signin.code.body')}</p>
      <p class="code" data-signin-code="${digits}" aria-label="${t('signin.code.label')}">${digits}</p>
      <p>${t('signin.code.lifetime')}</p>
      <p class="notice" role="note">${t('signin.code.warning')}</p>`;
  return layout({ locale, nonce, titleKey: 'signin.title', headingKey: 'signin.code.heading', body });
}

/**
 * The page a sign-in link opens: one button that POSTs to start the sign-in. A phone's link preview
 * (SMS apps fetch links they show) only GETs, so it no longer uses up the one-time link.
 */
export function renderSignInStart(locale: Locale, nonce: string, action: string): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[locale], key));
  const body = `      <p>${t('sms.signinStart.body')}</p>
      <form method="post" action="${escapeHtml(action)}">
        <button type="submit">${t('sms.signinStart.button')}</button>
      </form>`;
  return layout({ locale, nonce, titleKey: 'signin.title', headingKey: 'sms.signinStart.heading', body });
}

export interface LoginForm {
  readonly locale: Locale;
  readonly nonce: string;
  /** Where the form posts. */
  readonly action: string;
  /** The username to keep in the field after a failed attempt (never the password). */
  readonly login?: string;
  readonly failed?: boolean;
}

export function renderDevLogin(form: LoginForm): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[form.locale], key));
  const invalid = form.failed === true;
  const described = invalid ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  const body = `      <p class="notice">${t('devIdp.notice')}</p>
${invalid ? `      <p class="error" id="login-error" role="alert">${t('devIdp.error')}</p>\n` : ''}      <form method="post" action="${escapeHtml(form.action)}">
        <label for="login">${t('devIdp.login')}</label>
        <input type="text" id="login" name="login" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(form.login ?? '')}"${described}>
        <label for="password">${t('devIdp.password')}</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required${described}>
        <button type="submit">${t('devIdp.submit')}</button>
      </form>`;
  return layout({ locale: form.locale, nonce: form.nonce, titleKey: 'devIdp.title', headingKey: 'devIdp.heading', body });
}

export function renderDevConsent(form: { readonly locale: Locale; readonly nonce: string; readonly action: string }): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[form.locale], key));
  const body = `      <p class="notice">${t('devIdp.notice')}</p>
      <p>${t('devIdp.consent.body')}</p>
      <form method="post" action="${escapeHtml(form.action)}">
        <input type="hidden" name="prompt" value="consent">
        <button type="submit">${t('devIdp.consent.submit')}</button>
      </form>`;
  return layout({ locale: form.locale, nonce: form.nonce, titleKey: 'devIdp.title', headingKey: 'devIdp.consent.heading', body });
}

export function renderDevExpired(locale: Locale, nonce: string): string {
  const t = (key: string): string => escapeHtml(pageText(texts()[locale], key));
  return layout({
    locale,
    nonce,
    titleKey: 'devIdp.title',
    headingKey: 'signin.refused.heading',
    body: `      <p>${t('devIdp.expired')}</p>`,
  });
}

/** Writes a page with the headers every sign-in page carries. */
export function sendPage(
  res: Response,
  status: number,
  locale: Locale,
  render: (nonce: string) => string,
  options: { readonly formAction?: string } = {},
): void {
  const nonce = randomBytes(18).toString('base64');
  const html = render(nonce);
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': locale,
    'Content-Security-Policy': signInPagePolicy(nonce, options.formAction),
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(html);
}
