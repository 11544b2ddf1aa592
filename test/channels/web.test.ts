import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCALES, type Locale } from '../../locales/i18n.js';
import { createLogger } from '../../channels/logger.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { QUICK_EXIT_URL, renderPage, type PageTexts, type PageTextsByLocale } from '../../channels/web/page.js';
import { localeFromAcceptLanguage, registerWebRoutes, WEBCHAT_PATH, webChatBundlePath } from '../../channels/web/routes.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Raw HTTP, so compression and conditional requests are under the test's control. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function pageTexts(locale: Locale): PageTexts {
  return JSON.parse(readFileSync(new URL(`../../locales/${locale}/page.json`, import.meta.url), 'utf8')) as PageTexts;
}

function keysOf(node: PageTexts, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name = '', ...values]) => [name, values]),
  );
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createHttpServer({ logger: createLogger({ level: 'silent' }) });
  registerWebRoutes(server);
  const port = await listen(server, 0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await closeServer(server);
});

describe('GET /', () => {
  it('answers HTML under a strict Content-Security-Policy', async () => {
    const res = await get(base, '/?lang=en');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');

    const csp = directives(String(res.headers['content-security-policy']));
    const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(csp.get('style-src')?.slice(0, 2)).toEqual(["'self'", `'nonce-${nonce}'`]);
    // The one extra source allowed is the empty stylesheet's hash, never 'unsafe-inline'.
    expect(csp.get('style-src')?.slice(2)).toEqual(["'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('font-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe');

    const html = res.body.toString('utf8');
    // Every executable script is an external file carrying this request's nonce.
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? '');
    for (const attributes of scripts) {
      if (attributes.includes('type="application/json"')) continue;
      expect(attributes).toMatch(/\bsrc="\/static\//);
      expect(attributes).toContain(`nonce="${nonce}"`);
    }
    expect(scripts.some((a) => a.includes(`src="${WEBCHAT_PATH}"`))).toBe(true);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.weather\.gov\/)/);
  });

  it('a fresh nonce on every request', async () => {
    const a = await get(base, '/');
    const b = await get(base, '/');
    expect(a.headers['content-security-policy']).not.toEqual(b.headers['content-security-policy']);
  });

  it.each([
    ['en', 'en'],
    ['zh-CN', 'zh-Hans'],
    ['zh-Hans', 'zh-Hans'],
    ['es', 'es'],
    ['es-US', 'es'],
  ] as const)('?lang=%s renders the page in %s', async (lang, locale) => {
    const res = await get(base, `/?lang=${lang}`);
    const html = res.body.toString('utf8');
    const texts = pageTexts(locale);
    expect(html).toContain(`<html lang="${locale}">`);
    expect(res.headers['content-language']).toBe(locale);
    expect(html).toContain(`<title data-text="title">${String(texts['title'])}</title>`);
    const quickExit = texts['quickExit'] as PageTexts;
    expect(html).toContain(String(quickExit['button']));
    expect(html).toContain(String(quickExit['hint']));
    expect(html).toContain(String(texts['notice']));
    expect(html).toContain('888-208-4485');
    expect(html).toContain('866-875-9975');
  });

  it('follows Accept-Language when there is no ?lang, skipping languages it lacks', async () => {
    const res = await get(base, '/', { 'Accept-Language': 'fr-FR,fr;q=0.9,es-MX;q=0.8,en;q=0.5' });
    expect(res.body.toString('utf8')).toContain('<html lang="es">');
    expect(res.headers['vary']).toContain('Accept-Language');
  });

  it('carries every locale\'s page texts for switching without a reload', async () => {
    const html = (await get(base, '/?lang=es')).body.toString('utf8');
    const json = /<script type="application\/json" id="page-text">([^<]*)<\/script>/.exec(html)?.[1];
    expect(json).toBeDefined();
    const embedded = JSON.parse(json ?? '{}') as Record<string, unknown>;
    for (const locale of LOCALES) expect(embedded[locale]).toEqual(pageTexts(locale));
  });

  it('has the quick exit control and a labelled language choice', async () => {
    const html = (await get(base, '/?lang=en')).body.toString('utf8');
    expect(QUICK_EXIT_URL).toBe('https://www.weather.gov/');
    expect(html).toMatch(new RegExp(`<a class="quick-exit" id="quick-exit" href="${QUICK_EXIT_URL.replace(/[./]/g, '\\$&')}"`));
    expect(html).toContain('<script src="/static/exit.js"');
    // exit.js comes first so Esc works while the large Web Chat bundle is still downloading.
    expect(html.indexOf('/static/exit.js')).toBeLessThan(html.indexOf(WEBCHAT_PATH));
    expect(html).toContain('role="group" aria-labelledby="language-label"');
    for (const locale of LOCALES) expect(html).toContain(`data-locale="${locale}" lang="${locale}"`);
    expect(html).toContain('<a class="skip-link" id="skip-link" href="#chat"');
  });
});

describe('static assets', () => {
  it('serves the official Web Chat bundle from node_modules as JavaScript', async () => {
    const file = webChatBundlePath();
    expect(file).toMatch(/botframework-webchat[\\/]dist[\\/]webchat\.js$/);
    const res = await get(base, WEBCHAT_PATH);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body.length).toBe(statSync(file).size);
    expect(res.body.subarray(0, 4096).equals(readFileSync(file).subarray(0, 4096))).toBe(true);
  });

  it('compresses the bundle for clients that accept gzip, and answers 304 to a matching ETag', async () => {
    const zipped = await get(base, WEBCHAT_PATH, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).length).toBe(statSync(webChatBundlePath()).size);
    const etag = String(zipped.headers['etag']);
    const again = await get(base, WEBCHAT_PATH, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it.each([
    ['/static/app.js', 'text/javascript; charset=utf-8'],
    ['/static/exit.js', 'text/javascript; charset=utf-8'],
    ['/static/app.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    const res = await get(base, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body.length).toBeGreaterThan(100);
  });

  it('serves nothing else under /static', async () => {
    expect((await get(base, '/static/../package.json')).status).toBe(404);
    expect((await get(base, '/static/vendor/webchat-es5.js')).status).toBe(404);
  });
});

describe('page texts', () => {
  it('every locale has the same page keys', () => {
    const reference = keysOf(pageTexts('en')).sort();
    expect(reference.length).toBeGreaterThan(5);
    for (const locale of LOCALES) expect(keysOf(pageTexts(locale)).sort()).toEqual(reference);
  });

  it('a translator cannot close the JSON <script> element early', () => {
    const hostile: PageTexts = { ...pageTexts('en'), notice: '</script><script>alert(1)</script>' };
    const texts: PageTextsByLocale = { en: hostile, 'zh-Hans': pageTexts('zh-Hans'), es: pageTexts('es') };
    const html = renderPage({ locale: 'en', texts, nonce: 'n', webChatPath: WEBCHAT_PATH });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script&gt;');
    const json = /<script type="application\/json" id="page-text">([^<]*)<\/script>/.exec(html)?.[1] ?? '{}';
    expect((JSON.parse(json) as Record<string, PageTexts>)['en']?.['notice']).toBe(hostile['notice']);
  });

  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-TW,zh;q=0.9', 'zh-Hans'],
    ['en-US,en;q=0.9,es;q=0.8', 'en'],
    ['es;q=0.5,zh-CN;q=0.9', 'zh-Hans'],
    ['fr,de;q=0.8', 'en'],
    ['es;q=0,en;q=0.1', 'en'],
  ] as const)('Accept-Language %p means %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});
