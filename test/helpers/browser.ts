/** Just enough of a browser to walk a sign-in: cookies by path, forms parsed from the HTML, redirects by hand. */
export interface Page {
  readonly status: number;
  readonly url: string;
  readonly html: string;
  readonly headers: Headers;
}

export interface Form {
  readonly action: string;
  readonly fields: Record<string, string>;
  readonly names: string[];
}

export function parseForm(html: string, base: string): Form {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (form === null) throw new Error('no form on the page');
  const fields: Record<string, string> = {};
  const names: string[] = [];
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/g)) {
    const attrs = input[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (name === undefined) continue;
    names.push(name);
    fields[name] = /\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '';
  }
  return { action: new URL((form[1] ?? '').replace(/&amp;/g, '&'), base).href, fields, names };
}

/** Just enough browser: cookies scoped by path (as the provider sets them), redirects by hand. */
export class Browser {
  private readonly jar = new Map<string, { value: string; path: string }>();

  private cookieHeader(url: URL): string {
    return [...this.jar.entries()]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([key, c]) => `${key.split('|')[0]}=${c.value}`)
      .join('; ');
  }

  /** Takes a `Set-Cookie` line as if a response had carried it (a cookie set by another route). */
  acceptCookie(line: string): void {
    this.rememberLines([line]);
  }

  private remember(res: Response): void {
    this.rememberLines(res.headers.getSetCookie());
  }

  private rememberLines(lines: readonly string[]): void {
    for (const line of lines) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const gone = value === '' || attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      const key = `${name}|${path}`;
      if (gone) this.jar.delete(key);
      else this.jar.set(key, { value, path });
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { 'accept-language': 'en' };
    const cookie = this.cookieHeader(target);
    if (cookie !== '') headers.cookie = cookie;
    let body: string | undefined;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(target, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
    this.remember(res);
    return res;
  }

  /** Follows redirects until a page, or stops just before `stopAt` (returning its URL unvisited). */
  async navigate(url: string, init: { form?: Record<string, string>; stopAt?: string } = {}): Promise<Page> {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; res.status >= 300 && res.status < 400; hops += 1) {
      if (hops > 10) throw new Error('redirect loop');
      const location = res.headers.get('location');
      if (location === null) throw new Error('redirect without a location');
      current = new URL(location, current).href;
      if (init.stopAt !== undefined && current.startsWith(init.stopAt)) {
        return { status: res.status, url: current, html: '', headers: res.headers };
      }
      res = await this.request(current);
    }
    return { status: res.status, url: current, html: await res.text(), headers: res.headers };
  }
}


/**
 * Walks a sign-in link through the development NY.gov as a parent's browser would: the start page's
 * button, the login form, the consent form; returns the callback page's HTML. A fresh browser by
 * default, which is never the chat's own: pass one carrying the chat's cookie to be that browser.
 */
export async function signInAtDevProvider(link: string, login: string, password: string, browser: Browser = new Browser()): Promise<string> {
  let page = await browser.navigate(link);
  if (!/name="login"/.test(page.html)) {
    // A link sent by text opens a page with one button (so link previews do not use it up).
    const button = parseForm(page.html, page.url);
    page = await browser.navigate(button.action, { form: button.fields });
  }
  const form = parseForm(page.html, page.url);
  page = await browser.navigate(form.action, { form: { ...form.fields, login, password } });
  for (let i = 0; i < 3 && !page.url.includes('/signin/callback'); i += 1) {
    const next = parseForm(page.html, page.url);
    page = await browser.navigate(next.action, { form: next.fields });
  }
  if (page.status !== 200) throw new Error(`sign-in ended with ${page.status}`);
  return page.html;
}
