/**
 * Regressions for TTY conversations by text: "中文 GA" answered ", GA" (a Chinese line folded onto
 * the Baudot alphabet is empty), "ESPAÑOL GA" promised Spanish and answered in English, and HELP or
 * START typed without "GA" in a TTY conversation came back in lowercase without "GA".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BAUDOT_SAFE, renderTty } from '../channels/text/tty.js';
import { translator } from '../locales/i18n.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';
import { startTestApp, type TestApp } from './helpers/app.js';

const OUR_NUMBER = '+12125550100';
const en = translator('en');
/** The note as a TTY shows it, without the final GA. */
const ENGLISH_ONLY = renderTty(en('tty.english_only')).replace(/ GA$/, '');

let app: TestApp;
let next = 0;
/** A new parent's number for each conversation. */
const parent = (): string => `+1718555${String(2000 + (next += 1)).padStart(4, '0')}`;
const text = async (from: string, body: string): Promise<string[]> => (await sendSms(app.baseUrl, { from, to: OUR_NUMBER, body })).messages;

beforeAll(async () => {
  app = await startTestApp({ TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: OUR_NUMBER });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('asking for a language in TTY mode', () => {
  it.each(['中文 GA', 'ESPAÑOL GA', 'ESPANOL GA', 'español GA', 'chinese GA'])(
    '"%s" is told, in English, that TTY answers in English only; never an empty line',
    async (request) => {
      const from = parent();
      const [reply, ...rest] = await text(from, request);
      expect(rest).toEqual([]);
      expect(reply).toMatch(BAUDOT_SAFE);
      expect(reply).toContain(ENGLISH_ONLY);
      expect(reply).toMatch(/GA$/);
      expect(reply).not.toMatch(/^[\s,.;:]*GA$/);
      expect(reply).not.toMatch(/ESPANOL|CHINESE|中文/);
      // And it keeps its word: the next answer is in English.
      const help = (await text(from, 'HELP ME GA')).join('\n');
      expect(help).toMatch(BAUDOT_SAFE);
      expect(help).toMatch(/BALANCE/);
    },
    30_000,
  );

  it('"ENGLISH GA" simply confirms English', async () => {
    const [reply] = await text(parent(), 'ENGLISH GA');
    expect(reply).toBe(renderTty(en('language.changed')));
  });
});

describe('carrier keywords in a TTY conversation', () => {
  it('HELP without GA answers in capitals with GA once the conversation is in TTY mode', async () => {
    const from = parent();
    // An ordinary number: before any GA, HELP is the program facts, then the bot's own help.
    const plain = await text(from, 'HELP');
    expect(plain[0]).toBe(en('sms.help'));
    expect(plain.join('\n')).toContain('"balance"');
    await text(from, 'HI GA');
    const help = await text(from, 'HELP');
    // The same two parts in TTY form; the turn ends with one GA, after the bot's help.
    expect(help[0]).toBe(renderTty(en('sms.help')).replace(/ GA$/, ''));
    expect(help.join('\n')).toMatch(BAUDOT_SAFE);
    expect(help.join('\n')).toMatch(/BALANCE/);
    expect(help.at(-1)).toMatch(/ GA$/);
  }, 30_000);

  it('START without GA answers in capitals with GA too', async () => {
    const from = parent();
    await text(from, 'HI GA');
    await text(from, 'STOP');
    const [started] = await text(from, 'START');
    expect(started).toBe(renderTty(en('sms.opted_in')));
  }, 30_000);
});
