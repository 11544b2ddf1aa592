/**
 * Web Chat in a real Chromium takes its replies from the Direct Line stream (a WebSocket) instead of
 * polling once a second; where the browser has no WebSocket it still polls, and still answers.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const BOT_BUBBLE = '.webchat__bubble:not(.webchat__bubble--from-user)';
const POLL = /\/v3\/directline\/conversations\/[^/]+\/activities(\?|$)/;

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

interface Traffic {
  readonly sockets: string[];
  readonly polls: string[];
}

function record(page: Page): Traffic {
  const traffic: Traffic = { sockets: [], polls: [] };
  page.on('websocket', (ws) => traffic.sockets.push(ws.url()));
  page.on('request', (request) => {
    if (request.method() === 'GET' && POLL.test(request.url())) traffic.polls.push(request.url());
  });
  return traffic;
}

/** Types `text`, presses Enter, and answers how many ms passed until the next bot bubble showed. */
async function ask(page: Page, text: string): Promise<number> {
  const seen = await page.locator(BOT_BUBBLE).count();
  await page.locator(SEND_BOX).fill(text);
  const started = Date.now();
  await page.locator(SEND_BOX).press('Enter');
  await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector as string).length > (n as number), [BOT_BUBBLE, seen] as const, {
    polling: 'raf',
    timeout: 20_000,
  });
  return Date.now() - started;
}

describe('Web Chat over the Direct Line stream', () => {
  it('connects by WebSocket and shows the greeting and replies without polling', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      const traffic = record(page);
      await page.goto(`${app.baseUrl}/?lang=en`);
      await page.locator(BOT_BUBBLE).first().waitFor({ timeout: 20_000 });
      await ask(page, 'help');
      await expect(page.locator(BOT_BUBBLE).last().innerText()).resolves.toMatch(/balance/i);
      expect(traffic.sockets).toEqual([expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:${app.port}/v3/directline/conversations/[^/]+/stream\\?`))]);
      expect(traffic.polls).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('without WebSocket in the browser, Web Chat polls and still answers', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.addInitScript(() => {
        // As a browser without WebSocket (Web Chat's bundle names it, so it stays defined, as undefined).
        (window as { WebSocket?: unknown }).WebSocket = undefined;
      });
      const traffic = record(page);
      await page.goto(`${app.baseUrl}/?lang=en`);
      await page.locator(BOT_BUBBLE).first().waitFor({ timeout: 20_000 });
      await ask(page, 'help');
      await expect(page.locator(BOT_BUBBLE).last().innerText()).resolves.toMatch(/balance/i);
      expect(traffic.sockets).toEqual([]);
      expect(traffic.polls.length).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});
