/**
 * Direct Line streaming figures, for `npm run bench` to include (or run alone with
 * `tsx test/bench/streaming.ts`):
 * - loopback: time from posting a message to the socket frame carrying the bot's answer, and to
 *   the frame carrying the message's own echo (the push itself, without the turn);
 * - Chromium: time from Enter to the reply bubble in Web Chat, streaming and (the old way) polling.
 * Each prints its median and p95.
 */
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { startTestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const BOT_BUBBLE = '.webchat__bubble:not(.webchat__bubble--from-user)';

export interface Figures {
  readonly median: number;
  readonly p95: number;
  readonly runs: number;
}

function figures(values: number[]): Figures {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { median: Math.round(at(0.5) * 10) / 10, p95: Math.round(at(0.95) * 10) / 10, runs: sorted.length };
}

interface Frame {
  activities: { text?: string; from?: { role?: string } }[];
}

/** Post → frame over loopback, on a running server at `base`: the echo's and the answer's. */
export async function loopbackStreamLatency(base: string, runs = 100): Promise<{ echo: Figures; answer: Figures }> {
  const issued = await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { token } = (await issued.json()) as { token: string };
  const started = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const conversation = (await started.json()) as { conversationId: string; streamUrl: string };
  const ws = new WebSocket(conversation.streamUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let onFrame: ((frame: Frame) => void) | null = null;
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    if (text !== '') onFrame?.(JSON.parse(text) as Frame);
  });
  // Let the greeting arrive first.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const echo: number[] = [];
  const answer: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      onFrame = (frame) => {
        const now = performance.now();
        for (const activity of frame.activities) {
          if (activity.from?.role === 'bot') {
            answer.push(now - t0);
            resolve();
            return;
          }
          echo.push(now - t0);
        }
      };
    });
    await fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'help', from: { id: 'bench' } }),
    });
    await done;
  }
  ws.close();
  return { echo: figures(echo), answer: figures(answer) };
}

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

/** Enter → reply bubble in Chromium; `streaming: false` hides WebSocket so Web Chat polls, as before. */
export async function browserReplyLatency(base: string, streaming: boolean, runs = 20): Promise<Figures> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    if (!streaming) {
      await page.addInitScript(() => {
        (window as { WebSocket?: unknown }).WebSocket = undefined;
      });
    }
    await page.goto(`${base}/?lang=en`);
    await page.locator(BOT_BUBBLE).first().waitFor({ timeout: 20_000 });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(await ask(page, 'help'));
      // A parent's pace, not a machine gun: the next question comes a random moment later.
      await page.waitForTimeout(200 + Math.random() * 800);
    }
    return figures(times);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const app = await startTestApp(process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL });
  try {
    const loopback = await loopbackStreamLatency(app.baseUrl);
    console.log(`direct line stream, post → echo frame (ms): median ${loopback.echo.median}, p95 ${loopback.echo.p95} (${loopback.echo.runs} runs)`);
    console.log(`direct line stream, post → answer frame (ms): median ${loopback.answer.median}, p95 ${loopback.answer.p95}`);
    if (existsSync(CHROMIUM)) {
      const polling = await browserReplyLatency(app.baseUrl, false);
      const streaming = await browserReplyLatency(app.baseUrl, true);
      console.log(`Chromium Enter → reply, polling (ms): median ${polling.median}, p95 ${polling.p95} (${polling.runs} runs)`);
      console.log(`Chromium Enter → reply, streaming (ms): median ${streaming.median}, p95 ${streaming.p95} (${streaming.runs} runs)`);
    }
  } finally {
    await app.stop();
  }
}

if (process.argv[1]?.endsWith('streaming.ts') === true) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
