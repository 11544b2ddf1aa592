/**
 * The chat page in a real Chromium against the whole application: Web Chat talks to our own
 * Direct Line server, the bot answers, the language switch reaches the bot, the page meets WCAG 2.1
 * AA (axe-core) under its real CSP, and Quick exit (Shift 3 times, or the button) leaves at once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { QUICK_EXIT_URL } from '../../channels/web/page.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOT = join(ROOT, '.data', 'screenshots', 'webchat.png');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Where the test serves axe from: same origin, so the page's own CSP ('self') admits it. */
const AXE_ROUTE = '/__test__/axe.min.js';
const HAN = /[\u4e00-\u9fff]/;
const SEND_BOX = '[data-id="webchat-sendbox-input"]';

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

interface PageRecord {
  cspViolations: string[];
  consoleErrors: string[];
}

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

/** A fresh tab that records CSP violations (as the page itself sees them) and console errors. */
async function openPage(context: BrowserContext): Promise<{ page: Page; record: PageRecord }> {
  const page = await context.newPage();
  const record: PageRecord = { cspViolations: [], consoleErrors: [] };
  await page.exposeFunction('__reportCsp', (line: string) => record.cspViolations.push(line));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCsp: (line: string) => void }).__reportCsp;
      void report(`${event.violatedDirective} blocked=${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  return { page, record };
}

function botBubbles(page: Page): Locator {
  return page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
}

/** Waits for a bot bubble after the first `already` ones, and returns its text. */
async function nextBotText(page: Page, already: number): Promise<string> {
  const bubble = botBubbles(page).nth(already);
  await bubble.waitFor({ state: 'visible', timeout: 20_000 });
  return (await bubble.innerText()).trim();
}

/** Waits until some bot bubble after the first `already` satisfies `test`. */
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

describe('web chat page in Chromium', () => {
  it('greets, answers help, switches to 中文 with the bot, passes axe and the CSP', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'en-US' });
    try {
      const { page, record } = await openPage(context);
      await page.goto(`${app.baseUrl}/?lang=en`);
      expect(await page.getAttribute('html', 'lang')).toBe('en');

      const greeting = await nextBotText(page, 0);
      expect(greeting.length).toBeGreaterThan(0);
      expect(greeting).not.toMatch(HAN);

      // Keyboard alone: the first Tab reaches "Skip to chat", which lands in the send box.
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('skip-link');
      await page.keyboard.press('Enter');
      await expect(page.evaluate((selector) => document.activeElement?.matches(selector), SEND_BOX)).resolves.toBe(true);

      let seen = await botBubbles(page).count();
      await send(page, 'help');
      await waitForBotText(page, seen, [/balance/i, /payment/i]);

      // The page control: page texts and <html lang> change, and the bot answers in Chinese.
      seen = await botBubbles(page).count();
      const chinese = page.getByRole('button', { name: '中文' });
      await chinese.click();
      await expect(chinese.getAttribute('aria-pressed')).resolves.toBe('true');
      expect(await page.getAttribute('html', 'lang')).toBe('zh-Hans');
      await expect(page.title()).resolves.toMatch(HAN);
      await waitForBotText(page, seen, [HAN]);
      // Web Chat itself re-rendered in Chinese (its send box placeholder), on the same conversation.
      await expect(page.locator(SEND_BOX).getAttribute('placeholder')).resolves.toMatch(HAN);
      expect(await page.locator('.webchat__bubble--from-user').count()).toBe(1);

      // The bot stays in Chinese for what comes next.
      seen = await botBubbles(page).count();
      await send(page, 'help');
      await waitForBotText(page, seen, [HAN]);

      await page.route(`**${AXE_ROUTE}`, (route) => route.fulfill({ path: AXE_PATH, contentType: 'text/javascript' }));
      await page.addScriptTag({ url: `${app.baseUrl}${AXE_ROUTE}` });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
      });
      expect(violations).toEqual([]);

      expect(record.cspViolations).toEqual([]);
      expect(record.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

      await page.mouse.move(0, 0);
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('Shift pressed 3 times, even while typing in the send box, leaves for the neutral site and clears storage; Esc stays', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    try {
      // No network in tests: the neutral site is a stand-in page.
      await context.route(`${QUICK_EXIT_URL}**`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Weather</title><p>Forecast</p>' }),
      );
      const { page } = await openPage(context);
      await page.goto(`${app.baseUrl}/`);
      await nextBotText(page, 0);
      await page.waitForFunction(() => window.sessionStorage.length > 0);
      await page.evaluate(() => window.localStorage.setItem('probe', '1'));

      // Esc belongs to Web Chat (and screen readers, input methods): it never leaves the page.
      await page.locator(SEND_BOX).pressSequentially('my case num');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      // Typing capitals uses Shift with other keys: that is no quick exit either.
      await page.locator(SEND_BOX).pressSequentially(' ABC DEF');
      await page.waitForTimeout(300);
      expect(page.url()).toContain(app.baseUrl);

      await page.keyboard.press('Shift');
      await page.keyboard.press('Shift');
      await page.keyboard.press('Shift');
      await page.waitForURL(QUICK_EXIT_URL);

      // Back must not return to the chat (location.replace, not a new history entry).
      await page.goBack();
      expect(page.url()).not.toContain(app.baseUrl);

      // Same tab, same origin again: nothing the page stored survives.
      await page.goto(`${app.baseUrl}/healthz`);
      expect(await page.evaluate(() => [window.sessionStorage.length, window.localStorage.length])).toEqual([0, 0]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the Quick exit button leaves at once too', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    try {
      await context.route(`${QUICK_EXIT_URL}**`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Weather</title>' }),
      );
      const { page } = await openPage(context);
      await page.goto(`${app.baseUrl}/?lang=es`);
      // The conversation starts in the page's language.
      await expect(nextBotText(page, 0)).resolves.toMatch(/asistente/i);
      // Nothing sticks out sideways on the narrowest phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      await page.getByRole('link', { name: 'Salida rápida' }).click();
      await page.waitForURL(QUICK_EXIT_URL);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a reload resumes the same conversation', async () => {
    const context = await browser.newContext();
    try {
      const { page } = await openPage(context);
      await page.goto(`${app.baseUrl}/`);
      await nextBotText(page, 0);
      const seen = await botBubbles(page).count();
      await send(page, 'help');
      await waitForBotText(page, seen, [/balance/i]);
      const before = await page.evaluate(() => window.sessionStorage.getItem('nyc-child-support-chat'));
      await page.reload();
      await page.locator('.webchat__bubble--from-user').first().waitFor({ timeout: 20_000 });
      const after = await page.evaluate(() => window.sessionStorage.getItem('nyc-child-support-chat'));
      const id = (raw: string | null): unknown => (JSON.parse(raw ?? '{}') as { conversationId?: string }).conversationId;
      expect(id(after)).toBe(id(before));
      expect(id(after)).toEqual(expect.any(String));
    } finally {
      await context.close();
    }
  }, 60_000);
});
