import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BROWSER_COOKIE, BrowserBinding, cookieValue } from '../../channels/directline/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const SECRET = 'test-session-secret-that-is-long-enough-0000';

describe('BrowserBinding', () => {
  it('gives a new browser a signed HttpOnly cookie and recognises it afterwards', () => {
    const binding = new BrowserBinding(SECRET, 'https://chat.example.gov');
    const first = binding.identify(undefined);
    expect(first.setCookie).toMatch(new RegExp(`^${BROWSER_COOKIE}=[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]+; Path=/; HttpOnly; SameSite=Lax; Max-Age=\\d+; Secure$`));
    const cookie = (first.setCookie ?? '').split(';')[0] ?? '';
    const again = binding.identify(`other=1; ${cookie}`);
    expect(again).toEqual({ hash: first.hash, setCookie: null });
    expect(binding.isSameBrowser(cookie, first.hash)).toBe(true);
    expect(first.hash).not.toContain(cookie.split('=')[1]?.split('.')[0] ?? 'x');
  });

  it('treats a forged, tampered or foreign cookie as another browser', () => {
    const binding = new BrowserBinding(SECRET, 'http://localhost:3978');
    const mine = binding.identify(undefined);
    const theirs = new BrowserBinding(`${SECRET}-other`, 'http://localhost:3978').identify(undefined);
    const cookie = (mine.setCookie ?? '').split(';')[0] ?? '';
    const [name, value] = cookie.split('=');
    const tampered = `${name}=${(value ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`;
    for (const header of [undefined, '', tampered, (theirs.setCookie ?? '').split(';')[0], `${BROWSER_COOKIE}=x.y`]) {
      expect(binding.isSameBrowser(header, mine.hash)).toBe(false);
    }
    expect(binding.isSameBrowser(cookie, null)).toBe(false);
    expect(mine.setCookie).not.toContain('Secure');
  });

  it('reads one cookie among several', () => {
    expect(cookieValue('a=1; b=2;c=3', 'b')).toBe('2');
    expect(cookieValue('a=1', 'b')).toBeNull();
    expect(cookieValue(undefined, 'b')).toBeNull();
  });
});

describe('POST /api/directline/token and the browser cookie', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('sets the cookie once and binds every conversation of that browser to it', async () => {
    const first = await fetch(`${app.baseUrl}/api/directline/token`, { method: 'POST' });
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${BROWSER_COOKIE}=.*HttpOnly; SameSite=Lax`));
    const cookie = setCookie.split(';')[0] ?? '';
    const second = await fetch(`${app.baseUrl}/api/directline/token`, { method: 'POST', headers: { cookie } });
    expect(second.headers.get('set-cookie')).toBeNull();
    const a = (await first.json()) as { conversationId: string };
    const b = (await second.json()) as { conversationId: string };
    expect(a.conversationId).not.toBe(b.conversationId);
    expect(typeof a.conversationId).toBe('string');
  });
});
