/**
 * What a parent sees in a real Chromium, at phone (390×844) and desktop (1280×800) sizes, against
 * the whole application: sign-out leaves nothing of the account on screen or in a reload; the
 * quick exit key never collides with Web Chat's own Esc; the sign-in tab has a quick exit and leads
 * back to the same conversation; answers are shown once, bare domains are not links, the sign-in
 * link stands on its own line, and the send box is on screen without scrolling.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { QUICK_EXIT_URL } from '../../channels/web/page.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = join(ROOT, '.data', 'screenshots');
const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;
const SESSION_KEY = 'nyc-child-support-chat';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install it once with: apt-get update && apt-get install -y chromium`);
  }
  app = await startTestApp();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

function botBubbles(page: Page): Locator {
  return page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
}

/** Waits until some bot bubble after the first `already` satisfies every pattern; returns its text. */
async function waitForBotText(page: Page, already: number, test: RegExp[]): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const texts = (await botBubbles(page).allInnerTexts()).slice(already);
    const hit = texts.find((t) => test.every((re) => re.test(t)));
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no bot reply matching ${test.join(' & ')}; got: ${JSON.stringify(texts)}`);
    await page.waitForTimeout(100);
  }
}

async function send(page: Page, text: string): Promise<void> {
  const input = page.locator(SEND_BOX);
  await input.fill(text);
  await input.press('Enter');
}

/** Sends `text` and waits for a bot reply matching `expect`. */
async function ask(page: Page, text: string, expected: RegExp[]): Promise<string> {
  const seen = await botBubbles(page).count();
  await send(page, text);
  return waitForBotText(page, seen, expected);
}

async function openChat(context: BrowserContext, path = '/?lang=en'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${app.baseUrl}${path}`);
  await botBubbles(page).first().waitFor({ state: 'visible', timeout: 20_000 });
  return page;
}

/** Asks for the balance, signs in at the development NY.gov (outside the page), links if asked. */
async function signInAsMaria(page: Page): Promise<string> {
  const prompt = await ask(page, 'balance', [SIGN_IN_LINK]);
  const link = SIGN_IN_LINK.exec(prompt)?.[0] as string;
  const seen = await botBubbles(page).count();
  // In a tab of the chat's own browser: elsewhere the sign-in ends on a code to type into the chat.
  const tab = await page.context().newPage();
  await signInInTab(tab, link, 'maria.lopez@example.com', 'demo-maria-1');
  await tab.close();
  const next = await waitForBotText(page, seen - 1, [/Social Security|\$1,125\.00/]);
  if (next.includes('$1,125.00')) return next;
  await ask(page, '900-11-1001', [/PIN/]);
  return ask(page, '24680', [/\$1,125\.00/]);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

describe('sign-out leaves nothing of the account in the chat', () => {
  it('after "sign out" the balance is gone from the page, and a reload does not bring it back', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    try {
      const page = await openChat(context);
      await signInAsMaria(page);
      expect(await page.locator('#chat').innerText()).toContain('$1,125.00');

      await send(page, 'sign out');
      // What was on screen goes, so the confirmation may be the first bubble.
      await waitForBotText(page, 0, [/signed out/i]);
      await expect(page.locator('#chat').innerText()).resolves.not.toContain('$1,125.00');
      const shown = await page.locator('#chat').innerText();
      expect(shown).toMatch(/signed out/i);
      expect(shown).not.toMatch(/balance|Social Security|sign in with your NY\.gov/i);
      // The request itself stays, delivered (its echo was not deleted from under it).
      await expect(page.locator('.webchat__bubble--from-user').allInnerTexts()).resolves.toEqual(['sign out']);
      await page.getByText(/^Sending$/).waitFor({ state: 'detached', timeout: 10_000 });
      await shot(page, 'signed-out');

      await page.reload();
      await waitForBotText(page, 0, [/signed out/i]);
      // Give the replay time to bring anything else it would.
      await page.waitForTimeout(1500);
      const replayed = await page.locator('#chat').innerText();
      expect(replayed).not.toContain('$1,125.00');
      expect(replayed).not.toMatch(/sign in with your NY\.gov/i);
      expect(await botBubbles(page).count()).toBe(1);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/** Walks the development NY.gov in a browser tab: login form, then the consent button if any. */
async function signInInTab(tab: Page, link: string, login: string, password: string): Promise<void> {
  await tab.goto(link);
  await tab.fill('#login', login);
  await tab.fill('#password', password);
  await tab.locator('button[type="submit"]').click();
  for (let i = 0; i < 3 && !tab.url().includes('/signin/callback'); i += 1) {
    await tab.waitForLoadState();
    if (tab.url().includes('/signin/callback')) break;
    await tab.locator('button[type="submit"]').click();
  }
  await tab.waitForURL(/\/signin\/callback/);
}

function conversationOf(page: Page): Promise<string | undefined> {
  return page.evaluate((key) => (JSON.parse(window.sessionStorage.getItem(key) ?? '{}') as { conversationId?: string }).conversationId, SESSION_KEY);
}

describe('the sign-in tab', () => {
  it('"Go to the chat" returns to the same conversation, not a new one', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    try {
      const chat = await openChat(context);
      const prompt = await ask(chat, 'balance', [SIGN_IN_LINK]);
      await chat.waitForFunction((key) => window.sessionStorage.getItem(key) !== null, SESSION_KEY);
      const conversationId = await conversationOf(chat);
      expect(conversationId).toEqual(expect.any(String));

      // The link opens in a tab of its own (as Web Chat opens it: no opener, no copied storage).
      const tab = await context.newPage();
      await signInInTab(tab, SIGN_IN_LINK.exec(prompt)?.[0] as string, 'maria.lopez@example.com', 'demo-maria-1');
      await expect(tab.evaluate(() => window.sessionStorage.length)).resolves.toBe(0);
      await shot(tab, 'signin-done-phone');

      await tab.getByRole('link', { name: 'Go to the chat' }).click();
      await tab.waitForURL(`${app.baseUrl}/`);
      await botBubbles(tab).first().waitFor({ timeout: 20_000 });
      expect(await conversationOf(tab)).toBe(conversationId);
      // The same transcript: the parent's own "balance" is there, and the linking question that followed the sign-in.
      await expect(tab.locator('.webchat__bubble--from-user').first().innerText()).resolves.toBe('balance');
      await waitForBotText(tab, 0, [/Social Security/]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('has a quick exit too: Shift 3 times there leaves, and the chat tab behind it leaves as well', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    try {
      await context.route(`${QUICK_EXIT_URL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Weather</title>' }));
      const chat = await openChat(context);
      const prompt = await ask(chat, 'balance', [SIGN_IN_LINK]);
      const tab = await context.newPage();
      const cspViolations: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      await tab.goto(SIGN_IN_LINK.exec(prompt)?.[0] as string);
      // The development NY.gov login page is ours: it has the control and says how to use the key.
      await expect(tab.getByRole('link', { name: 'Quick exit' }).isVisible()).resolves.toBe(true);
      await expect(tab.locator('body').innerText()).resolves.toContain('press Shift 3 times');
      await shot(tab, 'signin-login-desktop');
      await tab.locator('#login').click();
      await tab.keyboard.press('Shift');
      await tab.keyboard.press('Shift');
      await tab.keyboard.press('Shift');
      await tab.waitForURL(QUICK_EXIT_URL);
      await chat.waitForURL(QUICK_EXIT_URL);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/** The visible transcript only (not Web Chat's screen-reader live region, which repeats it). */
function transcript(page: Page): Locator {
  return page.locator('.webchat__basic-transcript__transcript');
}

const strip = (text: string): string => text.replace(/\u200b/g, '');

describe('presentation', () => {
  it.each([
    ['phone', 'en', PHONE],
    ['desktop', 'en', DESKTOP],
    // The longest page texts.
    ['phone', 'es', PHONE],
    ['desktop', 'zh-Hans', DESKTOP],
  ] as const)('on a %s in %s the send box is on screen without scrolling, and the page does not scroll', async (name, lang, viewport) => {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    try {
      const page = await openChat(context, `/?lang=${lang}`);
      await shot(page, `layout-${name}-${lang}`);
      const box = await page.locator(SEND_BOX).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(viewport.height);
      // The helpline stays on screen too.
      const footer = await page.locator('.site-footer').boundingBox();
      expect(footer!.y + footer!.height).toBeLessThanOrEqual(viewport.height);
      // And the chat has room: at least half the screen.
      const chat = await page.locator('#chat').boundingBox();
      expect(chat!.height).toBeGreaterThanOrEqual(viewport.height * 0.5);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('"NY.gov" is text, not a link; the sign-in link stands on its own line', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    try {
      const page = await openChat(context);
      const prompt = strip(await ask(page, 'balance', [SIGN_IN_LINK]));
      const url = SIGN_IN_LINK.exec(prompt)?.[0] as string;
      expect(prompt).toContain('NY.gov');
      const bubble = botBubbles(page).filter({ hasText: url }).last();
      const hrefs = await bubble.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      expect(hrefs.filter((href) => /ny\.gov/i.test(href))).toEqual([]);
      await shot(page, 'signin-prompt-phone');
      expect(hrefs).toContain(url);
      expect(prompt.split('\n').map((line) => line.trim())).toContain(url);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a table answer is shown once: a one-line summary over the card, much shorter than before on a phone', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    try {
      const page = await openChat(context);
      await signInAsMaria(page);
      const cards = transcript(page).locator('.ac-adaptiveCard');
      const before = await cards.count();
      await send(page, 'payments');
      await cards.nth(before).waitFor({ timeout: 20_000 });
      const answer = transcript(page).locator('.webchat__basic-transcript__activity').filter({ has: page.locator('.ac-adaptiveCard') }).last();
      const text = strip(await answer.innerText());
      const amounts = text.match(/\$\d[\d,]*\.\d\d/g) ?? [];
      expect(amounts.length).toBeGreaterThan(0);
      // Each row's amount appears once per row, not again in a text copy of the table.
      const rows = await answer.locator('.ac-adaptiveCard [role="row"], .ac-adaptiveCard tr').count();
      expect(amounts.length).toBeLessThanOrEqual(Math.max(rows, 1) + 2);
      const height = (await answer.boundingBox())!.height;
      // 1,731 px before, with the text and the card both.
      expect(height).toBeLessThan(1000);
      await answer.scrollIntoViewIfNeeded();
      await shot(page, 'table-phone');
    } finally {
      await context.close();
    }
  }, 90_000);
});
