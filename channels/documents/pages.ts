/**
 * The plain pages around a document link: forwarded (sign in with NY.gov to open it), unknown,
 * expired, refused, failed. Server-rendered in the language the document was asked in, no script,
 * one nonce'd style element; never any figure of the document.
 */
import { randomBytes } from 'node:crypto';
import { translator, type Locale } from '../../locales/i18n.js';
import type { Response } from '../server.js';
import { escapeHtml } from '../web/page.js';

export type DocumentPageKind = 'forwarded' | 'unknown' | 'expired' | 'refused' | 'failed';

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,"PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f3f5f8;line-height:1.5}
body{margin:0}
header{background:#12365f;color:#fff;padding:1rem;font-weight:600}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #c9d3df;border-radius:.5rem}
h1{font-size:1.5rem;margin:0 0 1rem;color:#0b2542}
a{color:#1b4f8a}
button{font:inherit;font-weight:600;padding:.6rem 1.5rem;background:#1b4f8a;color:#fff;border:0;border-radius:.25rem;cursor:pointer}
:focus-visible{outline:3px solid #0b2542;outline-offset:2px;box-shadow:0 0 0 5px #ffbf47}
.helpline{color:#4a5663;font-size:.95rem}
`;

export function renderDocumentPage(locale: Locale, kind: DocumentPageKind, nonce: string, signInAction?: string): string {
  const t = translator(locale);
  const text = (key: string): string => escapeHtml(t(key));
  const form =
    kind === 'forwarded' && signInAction !== undefined
      ? `      <form method="post" action="${escapeHtml(signInAction)}"><button type="submit">${text('documents.page.forwarded.button')}</button></form>\n`
      : '';
  return `<!doctype html>
<html lang="${locale}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>${text('documents.page.title')}</title>
    <link rel="icon" href="data:,">
    <style nonce="${escapeHtml(nonce)}">${STYLE}</style>
  </head>
  <body>
    <header>${text('documents.pdf.agency')}</header>
    <main>
      <h1>${text(`documents.page.${kind}.heading`)}</h1>
      <p>${text(`documents.page.${kind}.body`)}</p>
${form}      <p><a href="/">${text('documents.page.back')}</a></p>
      <p class="helpline">${text('documents.page.helpline')}</p>
    </main>
  </body>
</html>
`;
}

/** `formAction`: the identity provider's origin, which the sign-in button's POST redirects to. */
export function sendDocumentPage(res: Response, status: number, locale: Locale, kind: DocumentPageKind, options: { signInAction?: string; formAction?: string } = {}): void {
  const nonce = randomBytes(18).toString('base64');
  const policy = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    options.formAction === undefined ? "form-action 'self'" : `form-action 'self' ${options.formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': locale,
    'Content-Security-Policy': policy,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(renderDocumentPage(locale, kind, nonce, options.signInAction));
}
