/**
 * The web chat page and its assets. The official Web Chat bundle is served by us (copied into the
 * build, or from node_modules when running the sources), not a CDN: the page's CSP then needs no third-party origin, and the page keeps working offline.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { LOCALES, loadResources, resolveLocale, type Locale } from '../../locales/i18n.js';
import { requestLog, type Request, type Response, type Server } from '../server.js';
import { renderPage, type PageTexts, type PageTextsByLocale } from './page.js';

export const WEBCHAT_PATH = '/static/vendor/webchat.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

/** Where `npm run build` copies the Web Chat bundle, so production needs no `botframework-webchat`. */
const BUILT_WEBCHAT = join(STATIC_DIR, 'vendor', 'webchat.js');

/**
 * The built copy when there is one (production runs the build output); otherwise, from the sources
 * (tests, tsx), the package's own file: its `exports` map hides `dist/`, so resolve the package entry
 * (`lib/index.js`) and step over to its sibling `dist/webchat.js`, the self-contained browser bundle.
 */
export function webChatBundlePath(): string {
  if (existsSync(BUILT_WEBCHAT)) return BUILT_WEBCHAT;
  const entry = createRequire(import.meta.url).resolve('botframework-webchat');
  return join(dirname(dirname(entry)), 'dist', 'webchat.js');
}

interface Asset {
  readonly route: string;
  readonly file: string;
  readonly contentType: string;
}

interface LoadedAsset {
  /** Only the compressed bytes are kept: every browser accepts gzip, and the 4 MB bundle is ~1 MB so. */
  readonly gzipped: Buffer;
  readonly etag: string;
}

function assets(): readonly Asset[] {
  const js = 'text/javascript; charset=utf-8';
  return [
    { route: '/static/app.js', file: join(STATIC_DIR, 'app.js'), contentType: js },
    { route: '/static/exit.js', file: join(STATIC_DIR, 'exit.js'), contentType: js },
    { route: '/static/app.css', file: join(STATIC_DIR, 'app.css'), contentType: 'text/css; charset=utf-8' },
    { route: WEBCHAT_PATH, file: webChatBundlePath(), contentType: js },
  ];
}

/** Reads and compresses a file once, on first request; the 4 MB bundle is ~1 MB gzipped. */
function cachedAsset(file: string): () => Promise<LoadedAsset> {
  let loading: Promise<LoadedAsset> | undefined;
  return () => {
    loading ??= (async () => {
      const raw = await readFile(file);
      const gzipped = await gzipAsync(raw, { level: 9 });
      const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
      return { gzipped, etag };
    })();
    // A failed read (missing file) must not poison the cache for ever.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
}

function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/i.test(req.header('accept-encoding') ?? '');
}

/** The best supported locale from an Accept-Language header, skipping languages we do not have. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const supported = ranked.find((entry) => /^(en|zh|es)(-|$)/.test(entry.tag));
  return resolveLocale(supported?.tag);
}

function pageLocale(req: Request): Locale {
  const query: unknown = req.query;
  const lang = typeof query === 'object' && query !== null ? (query as Record<string, unknown>)['lang'] : undefined;
  if (typeof lang === 'string' && lang !== '') return resolveLocale(lang);
  return localeFromAcceptLanguage(req.header('accept-language'));
}

/** SHA-256 of the empty string, in CSP source form. */
const EMPTY_STYLE_HASH = `sha256-${createHash('sha256').update('').digest('base64')}`;

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Web Chat (emotion) injects <style> elements stamped with the nonce we hand it. One does not:
    // Web Chat 4.18.1's BasicTranscript mounts react-scroll-to-bottom without passing the nonce, and
    // that library creates an EMPTY <style> then fills it through CSSOM insertRule, which CSP does
    // not govern. Allowing exactly the empty stylesheet (its SHA-256) keeps the transcript's scroll
    // styles without 'unsafe-inline'; no non-empty inline style can match this hash.
    `style-src 'self' 'nonce-${nonce}' '${EMPTY_STYLE_HASH}'`,
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

function loadPageTexts(): PageTextsByLocale {
  const resources = loadResources();
  const out = {} as Record<Locale, PageTexts>;
  for (const locale of LOCALES) out[locale] = resources[locale]['page'] as PageTexts;
  return out;
}

export function registerWebRoutes(server: Server): void {
  const texts = loadPageTexts();

  server.get('/', async (req: Request, res: Response) => {
    const locale = pageLocale(req);
    const nonce = randomBytes(18).toString('base64');
    const html = renderPage({ locale, texts, nonce, webChatPath: WEBCHAT_PATH });
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': locale,
      'Content-Security-Policy': contentSecurityPolicy(nonce),
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
      'Cache-Control': 'no-store',
      Vary: 'Accept-Language',
    });
    res.end(html);
  });

  for (const asset of assets()) {
    const load = cachedAsset(asset.file);
    server.get(asset.route, async (req: Request, res: Response) => {
      let loaded: LoadedAsset;
      try {
        loaded = await load();
      } catch (err) {
        requestLog(res).error({ err: { name: (err as Error).name, message: (err as Error).message }, route: asset.route }, 'static asset missing');
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end();
        return;
      }
      // Revalidate every time (cheap 304s) so a deploy never pairs a new page with an old script.
      const common = { ETag: loaded.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
      if (req.header('if-none-match') === loaded.etag) {
        res.writeHead(304, common);
        res.end();
        return;
      }
      const gz = acceptsGzip(req);
      // A client without gzip (none of the browsers Web Chat supports) gets it expanded again.
      const body = gz ? loaded.gzipped : await gunzipAsync(loaded.gzipped);
      res.writeHead(200, {
        ...common,
        'Content-Type': asset.contentType,
        'Content-Length': String(body.length),
        ...(gz ? { 'Content-Encoding': 'gzip' } : {}),
      });
      res.end(body);
    });
  }
}
