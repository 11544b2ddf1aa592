/**
 * The sign-in journey as a parent meets it, over our Direct Line with the development NY.gov: link,
 * sign in, link the account with SSN and PIN, get the balance; the lockout; sign-out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sayIn } from '../dialogs/messages.js';
import { signInAtDevProvider } from './helpers/browser.js';
import { DirectLineClient } from './helpers/directline.js';

const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;
const en = sayIn('en');

/** Signs in at the development NY.gov in the chat's own browser, as a parent clicking the link does. */
function signIn(chat: DirectLineClient, link: string, login: string, password: string): Promise<string> {
  return signInAtDevProvider(link, login, password, chat.ownBrowser());
}

async function askAndSignIn(chat: DirectLineClient, login: string, password: string): Promise<string> {
  await chat.send('balance');
  const prompt = await chat.replies((t) => SIGN_IN_LINK.test(t));
  const link = SIGN_IN_LINK.exec(prompt)?.[0];
  expect(link).toBeDefined();
  await signIn(chat, link as string, login, password);
  // The bot continues by itself in the same conversation.
  return chat.replies((t) => /SSN|Social Security|balance/i.test(t), 10_000);
}

describe('sign in with NY.gov and link the account', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(() => app.stop());

  it('Maria signs in, links with SSN and PIN, and gets $1,125.00; the SSN never shows', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    const askSsn = await askAndSignIn(chat, 'maria.lopez@example.com', 'demo-maria-1');
    expect(askSsn).toMatch(/Social Security|SSN/i);
    await chat.send('900-11-1001');
    expect(await chat.replies((t) => /PIN/.test(t))).toMatch(/PIN/);
    await chat.send('24680');
    const answer = await chat.replies((t) => t.includes('$1,125.00'), 10_000);
    expect(answer).toContain('$1,125.00');
    const transcript = JSON.stringify(chat.seen);
    expect(transcript).not.toMatch(/900-?11-?1001|24680/);

    // Later sign-ins skip linking.
    const again = await DirectLineClient.start(app.baseUrl);
    await again.replies();
    const direct = await askAndSignIn(again, 'maria.lopez@example.com', 'demo-maria-1');
    const balance = direct.includes('$1,125.00') ? direct : await again.replies((t) => t.includes('$1,125.00'), 10_000);
    expect(balance).toContain('$1,125.00');

    // Sign out ends it at once: the next balance question offers sign-in again.
    await again.send('sign out');
    await again.replies((t) => /signed out/i.test(t));
    await again.send('balance');
    expect(await again.replies((t) => SIGN_IN_LINK.test(t))).toMatch(SIGN_IN_LINK);
  }, 60_000);

  it('A forwarded sign-in link hands over the account: no longer; the sign-in elsewhere shows a code the attacker never gets', async () => {
    // Maria, in her own chat and browser: the sign-in completes at once and her balance shows.
    const maria = await DirectLineClient.start(app.baseUrl);
    await maria.replies();
    const own = await askAndSignIn(maria, 'maria.lopez@example.com', 'demo-maria-1');
    if (/Social Security/i.test(own)) {
      await maria.send('900-11-1001');
      await maria.replies((t) => /PIN/.test(t));
      await maria.send('24680');
    }
    expect(own.includes('$1,125.00') ? own : await maria.replies((t) => t.includes('$1,125.00'), 10_000)).toContain('$1,125.00');

    // The attacker's chat (its own cookie jar) asks for the balance and forwards the link to Maria.
    const attacker = await DirectLineClient.start(app.baseUrl);
    await attacker.replies();
    await attacker.send('balance');
    const link = SIGN_IN_LINK.exec(await attacker.replies((t) => SIGN_IN_LINK.test(t)))?.[0] as string;
    const victimPage = await signInAtDevProvider(link, 'maria.lopez@example.com', 'demo-maria-1', maria.ownBrowser());
    const code = /data-signin-code="(\d{6})"/.exec(victimPage)?.[1] as string;
    expect(code).toMatch(/^\d{6}$/);
    expect(victimPage).not.toContain('Go back to the chat window to continue');

    // The attacker's chat hears nothing of it.
    expect(await attacker.replies(() => false, 1500)).toBe('');
    // Guessing: four wrong codes are refused, the fifth ends that sign-in and a fresh link is offered.
    const wrong = Array.from({ length: 5 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    for (const guess of wrong.slice(0, 4)) {
      await attacker.send(guess);
      expect(await attacker.replies((t) => t.includes(en('auth.code_wrong')))).toContain(en('auth.code_wrong'));
    }
    await attacker.send(wrong[4] as string);
    const ended = await attacker.replies((t) => SIGN_IN_LINK.test(t));
    expect(ended).toContain(en('auth.code_ended', { url: SIGN_IN_LINK.exec(ended)?.[0] ?? '', count: 10 }).split('\n')[0]);
    // Even the right code is worth nothing now.
    await attacker.send(code);
    expect(await attacker.replies((t) => SIGN_IN_LINK.test(t))).toContain(en('auth.code_none', { url: 'X', count: 10 }).split('X')[0]);
    await attacker.send('balance');
    await attacker.replies(() => false, 500);
    const transcript = JSON.stringify(attacker.seen);
    expect(transcript).not.toContain('$1,125.00');
    expect(transcript).not.toContain(en('auth.signed_in'));
    // The bot never sent the code itself.
    const fromBot = attacker.seen.filter((a) => a.from?.role === 'bot');
    expect(fromBot.length).toBeGreaterThan(5);
    expect(JSON.stringify(fromBot)).not.toContain(code);
    // Nor does the transcript keep the codes the attacker typed (they prove a sign-in for 5 minutes).
    const typed = attacker.seen.filter((a) => a.from?.role !== 'bot' && a.type === 'message').map((a) => a.text ?? '');
    expect(typed).toContain('••••••');
    for (const tried of [...wrong, code]) expect(JSON.stringify(attacker.seen)).not.toContain(tried);
  }, 60_000);

  it('Web chat verifies by SSN + PIN without NY.gov: no longer; "balance GA" and channelData.tty get the NY.gov link', async () => {
    const byGa = await DirectLineClient.start(app.baseUrl);
    await byGa.replies();
    await byGa.send('balance GA');
    const gaAnswer = await byGa.replies((t) => SIGN_IN_LINK.test(t) || /SOCIAL SECURITY/i.test(t));
    expect(gaAnswer).toMatch(SIGN_IN_LINK);
    expect(gaAnswer).not.toMatch(/SOCIAL SECURITY/i);
    // TTY form (capitals, GA), and the link exactly as issued: it opens, in the chat's own browser.
    expect(gaAnswer).toContain(' GA');
    await byGa.send('900-11-1001 GA');
    expect(await byGa.replies()).not.toMatch(/PIN/);

    const flagged = await DirectLineClient.start(app.baseUrl);
    await flagged.replies();
    await flagged.send('balance', { channelData: { tty: true } });
    const flaggedAnswer = await flagged.replies((t) => SIGN_IN_LINK.test(t) || /SOCIAL SECURITY/i.test(t));
    expect(flaggedAnswer).toMatch(SIGN_IN_LINK);
    expect(flaggedAnswer).not.toMatch(/SOCIAL SECURITY/i);
    await flagged.send('sign in', { channelData: { tty: true } });
    const signInAnswer = await flagged.replies((t) => SIGN_IN_LINK.test(t) || /SOCIAL SECURITY/i.test(t));
    expect(signInAnswer).toMatch(SIGN_IN_LINK);
    expect(signInAnswer).not.toMatch(/CANNOT SEND A SIGN-IN LINK|SOCIAL SECURITY/i);
    expect(JSON.stringify(flagged.seen)).not.toContain(en('linking.ask_ssn').toUpperCase());
    expect(JSON.stringify(byGa.seen)).not.toContain(en('linking.ask_ssn').toUpperCase());

    // The link works for the relay user: signed in in the chat's own browser, the chat goes on.
    await signIn(flagged, SIGN_IN_LINK.exec(signInAnswer)?.[0] as string, 'maria.lopez@example.com', 'demo-maria-1');
    expect(await flagged.replies((t) => /signed in|SOCIAL SECURITY/i.test(t), 10_000)).toMatch(/signed in|SOCIAL SECURITY/i);
  }, 60_000);

  /**
   * Plays the parent who keeps trying: answers whatever the bot asks (sign in, SSN, PIN) until the
   * bot says the account is locked. Returns the locked reply and how many PINs were checked.
   */
  async function tryPins(chat: DirectLineClient, pins: string[]): Promise<{ reply: string; pinsSent: number }> {
    let pinsSent = 0;
    await chat.send('balance');
    let reply = await chat.replies();
    for (let step = 0; step < 40; step += 1) {
      if (/locked/i.test(reply)) return { reply, pinsSent };
      const link = SIGN_IN_LINK.exec(reply)?.[0];
      if (link !== undefined) {
        await signIn(chat, link, 'james.carter@example.com', 'demo-james-1');
        reply = await chat.replies((t) => /Social Security|locked/i.test(t), 10_000);
      } else if (/Social Security number/i.test(reply)) {
        await chat.send('900-11-1002');
        reply = await chat.replies();
      } else if (/5-digit/.test(reply)) {
        await chat.send(pins[Math.min(pinsSent, pins.length - 1)] as string);
        pinsSent += 1;
        reply = await chat.replies();
      } else {
        await chat.send('balance');
        reply = await chat.replies();
      }
    }
    throw new Error(`never locked; last reply: ${reply}`);
  }

  it('James is locked after 6 wrong PINs: told to call; his right PIN, a new conversation and a restart are refused', async () => {
    // A database on disk, so the app can really stop and start again on it.
    const dir = await mkdtemp(join(tmpdir(), 'cs-journey-'));
    let running = await startTestApp({ PGLITE_DIR: dir });
    try {
      const chat = await DirectLineClient.start(running.baseUrl);
      await chat.replies();
      const wrong = ['11110', '11111', '11112', '11113', '11114', '11115'];
      const locked = await tryPins(chat, wrong);
      expect(locked.pinsSent).toBe(5);
      expect(locked.reply).toContain('888-208-4485');
      expect(locked.reply).toMatch(/new one can be mailed/);

      // The sixth try, with the right PIN, in a brand-new conversation: refused without checking it.
      const fresh = await DirectLineClient.start(running.baseUrl);
      await fresh.replies();
      const refused = await tryPins(fresh, ['13579']);
      expect(refused.reply).toContain('888-208-4485');
      expect(refused.pinsSent).toBe(0);
      expect(JSON.stringify(fresh.seen)).not.toContain('$1,125.00');

      // And after a restart of the app on the same database and address.
      const sameAddress = { PGLITE_DIR: dir, PORT: String(running.port), PUBLIC_URL: running.baseUrl };
      await running.stop();
      running = await startTestApp(sameAddress);
      const afterRestart = await DirectLineClient.start(running.baseUrl);
      await afterRestart.replies();
      const stillRefused = await tryPins(afterRestart, ['13579']);
      expect(stillRefused.reply).toContain('888-208-4485');
      expect(stillRefused.pinsSent).toBe(0);
    } finally {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
