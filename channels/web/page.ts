/**
 * The chat page's HTML. Rendered on the server in the visitor's language so the first paint is
 * right without JavaScript; all three languages' texts ride along as JSON so the page script can
 * switch language without a reload. Every text comes from `locales/<lng>/page.json`.
 */
import { LOCALES, type Locale } from '../../locales/i18n.js';

/**
 * Where Quick exit goes: a neutral, everyday site that draws no attention in a shared browser.
 * The page script reads it back from the Quick exit link, so this is the only place it is written.
 */
export const QUICK_EXIT_URL = 'https://www.weather.gov/';

/** Texts of one locale's `page.json` (nested objects of strings). */
export interface PageTexts {
  readonly [key: string]: string | PageTexts;
}

export type PageTextsByLocale = Readonly<Record<Locale, PageTexts>>;

/** Looks up a dotted key; a missing key is a bug in page.json, so it fails loudly. */
export function pageText(texts: PageTexts, key: string): string {
  let node: string | PageTexts | undefined = texts;
  for (const part of key.split('.')) {
    node = typeof node === 'object' ? node[part] : undefined;
  }
  if (typeof node !== 'string') throw new Error(`page text missing: ${key}`);
  return node;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** JSON that cannot close its `<script>` element early, whatever a translator writes. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function telHref(number: string): string {
  return `tel:+1${number.replace(/\D/g, '')}`;
}

export interface PageOptions {
  readonly locale: Locale;
  readonly texts: PageTextsByLocale;
  /** Per-request CSP nonce; Web Chat stamps it on the style elements it injects. */
  readonly nonce: string;
  /** Public path of the Web Chat bundle. */
  readonly webChatPath: string;
}

export function renderPage(options: PageOptions): string {
  const { locale, texts, nonce } = options;
  const t = (key: string): string => escapeHtml(pageText(texts[locale], key));
  // `data-text` names the page.json key an element shows; the page script swaps them in place.
  const tx = (key: string): string => `data-text="${escapeHtml(key)}"`;
  const n = escapeHtml(nonce);
  const languageButtons = LOCALES.map(
    (l) =>
      `<button type="button" class="lang-button" data-locale="${l}" lang="${l}" aria-pressed="${l === locale}">${t(`language.names.${l}`)}</button>`,
  ).join('\n          ');
  const phone = pageText(texts[locale], 'footer.phone');
  const tty = pageText(texts[locale], 'footer.tty');

  return `<!doctype html>
<html lang="${locale}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title ${tx('title')}>${t('title')}</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/static/app.css">
    <script type="application/json" id="page-text">${scriptJson(texts)}</script>
    <script src="/static/exit.js" nonce="${n}" defer></script>
    <script src="${escapeHtml(options.webChatPath)}" nonce="${n}" defer></script>
    <script src="/static/app.js" nonce="${n}" defer></script>
  </head>
  <body>
    <a class="skip-link" id="skip-link" href="#chat" ${tx('skipToChat')}>${t('skipToChat')}</a>
    <aside class="exit-bar" aria-labelledby="quick-exit">
      <div class="wrap exit-inner">
        <p class="exit-hint" id="quick-exit-hint" ${tx('quickExit.hint')}>${t('quickExit.hint')}</p>
        <a class="quick-exit" id="quick-exit" href="${escapeHtml(QUICK_EXIT_URL)}" rel="noreferrer" aria-describedby="quick-exit-hint" ${tx('quickExit.button')}>${t('quickExit.button')}</a>
      </div>
    </aside>
    <header class="masthead">
      <div class="wrap masthead-inner">
        <h1 ${tx('title')}>${t('title')}</h1>
        <div class="languages" role="group" aria-labelledby="language-label">
          <span class="languages-label" id="language-label" ${tx('language.label')}>${t('language.label')}</span>
          ${languageButtons}
        </div>
      </div>
    </header>
    <main class="wrap" id="main">
      <p class="notice" ${tx('notice')}>${t('notice')}</p>
      <section class="chat-section" aria-labelledby="chat-heading">
        <h2 class="visually-hidden" id="chat-heading" ${tx('chat.label')}>${t('chat.label')}</h2>
        <p class="chat-status" id="chat-status" role="status" ${tx('chat.loading')}>${t('chat.loading')}</p>
        <div class="chat" id="chat" tabindex="-1"></div>
        <noscript><p class="chat-status" ${tx('chat.noscript')}>${t('chat.noscript')}</p></noscript>
      </section>
    </main>
    <footer class="site-footer">
      <div class="wrap">
        <p class="footer-need" ${tx('footer.needPerson')}>${t('footer.needPerson')}</p>
        <p class="footer-lines">
          <span ${tx('footer.helpline')}>${t('footer.helpline')}</span>:
          <a href="${telHref(phone)}" ${tx('footer.phone')}>${t('footer.phone')}</a>
          <span class="footer-tty">(<span ${tx('footer.ttyLabel')}>${t('footer.ttyLabel')}</span>
          <a href="${telHref(tty)}" ${tx('footer.tty')}>${t('footer.tty')}</a>)</span>
        </p>
      </div>
    </footer>
  </body>
</html>
`;
}
