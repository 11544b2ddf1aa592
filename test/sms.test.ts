/**
 * SMS and TTY end to end, as Twilio drives them: signed webhooks into the whole application, TwiML
 * back. Its own app (and database), since James's PIN lock may be hit by other test files.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { BAUDOT_SAFE } from '../channels/text/tty.js';
import { smsSegments, smsUnits } from '../channels/text/render.js';
import { translator } from '../locales/i18n.js';
import { messageSid, sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';
import { DirectLineClient } from './helpers/directline.js';

const OUR_NUMBER = '+12125550100';
const TTY_NUMBER = '+18668759975';
const JAMES = '+12125550102';
const KEISHA = '+16465550107';

describe('SMS and TTY over Twilio', () => {
  let app: TestApp;
  const text = (from: string, to: string, body: string, sid?: string) =>
    sendSms(app.baseUrl, { from, to, body }, sid === undefined ? {} : { sid });

  beforeAll(async () => {
    app = await startTestApp({
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: OUR_NUMBER,
      TTY_NUMBERS: TTY_NUMBER,
    });
  }, 60_000);
  afterAll(() => app.stop());

  it('refuses a forged signature with 403 and no reply, and an unsigned one with 400', async () => {
    const forged = await sendSms(app.baseUrl, { from: JAMES, to: OUR_NUMBER, body: 'HELP' }, { signWith: 'not-the-auth-token-at-all-000000' });
    expect(forged.status).toBe(403);
    expect(forged.body).not.toContain('<Message>');
    const unsigned = await sendSms(app.baseUrl, { from: JAMES, to: OUR_NUMBER, body: 'HELP' }, { unsigned: true });
    expect(unsigned.status).toBe(400);
  });

  it('answers HELP, in any case, with the carrier facts (program, helpline, TTY, rates, STOP) and then the bot\'s own help', async () => {
    for (const word of ['HELP', 'help', 'Info']) {
      const answer = await text('+12125550199', OUR_NUMBER, word);
      expect(answer.status).toBe(200);
      expect(answer.messages).toHaveLength(2);
      const [facts, menu] = answer.messages;
      expect(facts).toBe(translator('en')('sms.help'));
      expect(facts).toContain('888-208-4485');
      expect(facts).toContain('866-875-9975');
      expect(facts).toContain('Reply STOP to opt out');
      expect(facts).toMatch(/Msg & data rates may apply/);
      expect(facts).toMatch(/Child Support/);
      // What "Type help to see what I can do" promised: the bot's help, its first page.
      expect(menu).toContain(translator('en')('help.intro'));
      for (const message of answer.messages) expect(smsUnits(message).units).toBeLessThanOrEqual(smsUnits(message).budget);
    }
  });

  it('James texts balance, his SSN and his PIN, and gets $1,125.00; the same MessageSid twice is answered once', async () => {
    const asked = await text(JAMES, OUR_NUMBER, 'balance');
    expect(asked.messages.join('\n')).toMatch(/Social Security number/);
    expect(asked.messages.join('\n')).not.toMatch(/https?:\/\//);
    const ssnSid = messageSid();
    const pinAsked = await text(JAMES, OUR_NUMBER, '900-11-1002', ssnSid);
    expect(pinAsked.messages.join('\n')).toMatch(/PIN/);
    const again = await text(JAMES, OUR_NUMBER, '900-11-1002', ssnSid);
    expect(again.status).toBe(200);
    expect(again.messages).toEqual([]);
    const answer = await text(JAMES, OUR_NUMBER, '13579');
    const body = answer.messages.join('\n');
    expect(body).toContain('$1,125.00');
    expect(body).not.toMatch(/13579|900-?11-?1002/);
    for (const message of [...asked.messages, ...pinAsked.messages, ...answer.messages]) expect(message.length).toBeLessThanOrEqual(1600);
  }, 30_000);

  it('answers a MessageSid once even when both deliveries arrive at the same time', async () => {
    const sid = messageSid();
    const both = await Promise.all([text('+12125550198', OUR_NUMBER, 'hello', sid), text('+12125550198', OUR_NUMBER, 'hello', sid)]);
    expect(both.map((a) => a.status)).toEqual([200, 200]);
    expect(both.filter((a) => a.messages.length > 0)).toHaveLength(1);
  });

  it('STOP opts out (nothing more is sent), START opts back in', async () => {
    const parent = '+12125550197';
    expect((await text(parent, OUR_NUMBER, 'STOP')).messages).toEqual([]);
    expect((await text(parent, OUR_NUMBER, 'balance')).messages).toEqual([]);
    expect((await text(parent, OUR_NUMBER, 'HELP')).messages).toEqual([]);
    const back = await text(parent, OUR_NUMBER, 'START');
    expect(back.messages.join('')).toMatch(/STOP/);
    expect((await text(parent, OUR_NUMBER, 'balance')).messages.join('')).toMatch(/Social Security/);
  }, 20_000);

  it('pages a long reply: MORE gets the rest, each page within three segments', async () => {
    const parent = '+12125550196';
    const first = await text(parent, OUR_NUMBER, 'menu');
    expect(first.messages).toHaveLength(1);
    const pages = [first.messages[0] ?? ''];
    for (let i = 0; i < 10 && (pages.at(-1) ?? '').endsWith('Reply MORE for the rest.'); i += 1) {
      const next = await text(parent, OUR_NUMBER, 'MORE');
      pages.push(next.messages[0] ?? '');
    }
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(smsSegments(page)).toBeLessThanOrEqual(3);
    expect(pages.join('\n')).toMatch(/balance/);
  }, 20_000);

  it('locks a text conversation after five unknown SSNs, whatever SSN comes next', async () => {
    const parent = '+12125550195';
    let last = '';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const asked = await text(parent, OUR_NUMBER, 'balance');
      expect(asked.messages.join('')).toMatch(/Social Security number/);
      await text(parent, OUR_NUMBER, `999-99-${String(1000 + attempt)}`);
      last = (await text(parent, OUR_NUMBER, '12345')).messages.join('');
      if (/locked/i.test(last)) break;
    }
    expect(last).toMatch(/locked/i);
    const refused = await text(parent, OUR_NUMBER, 'balance');
    expect(refused.messages.join('')).toMatch(/locked/i);
    expect(refused.messages.join('')).not.toMatch(/Social Security number\./);
  }, 60_000);

  it('HELP on a TTY number: the facts and the help, Baudot-safe, one GA for the turn', async () => {
    const answer = await text('+17185550104', TTY_NUMBER, 'HELP');
    expect(answer.messages).toHaveLength(2);
    for (const message of answer.messages) expect(message).toMatch(BAUDOT_SAFE);
    expect(answer.messages[0]).toContain('REPLY STOP TO OPT OUT');
    expect(answer.messages[0]).not.toMatch(/GA$/);
    expect(answer.messages[1]).toMatch(/ GA$/);
  });

  it('Chinese in TTY mode falls back to English with a note', async () => {
    const parent = '+17185550103';
    await text(parent, OUR_NUMBER, '中文');
    const answer = await text(parent, OUR_NUMBER, 'BALANCE GA');
    const [message] = answer.messages;
    expect(message).toMatch(BAUDOT_SAFE);
    expect(message).toContain('ENGLISH ONLY');
    expect(message).toMatch(/SOCIAL SECURITY/);
  });

  it('in web chat "cancel" stays a cancel, and "TTY" turns TTY mode on', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    await chat.send('cancel');
    const cancelled = await chat.replies();
    expect(cancelled).not.toMatch(/STOP|opt out/i);
    await chat.send('TTY');
    expect(await chat.replies()).toMatch(/TTY MODE IS ON\. .* GA/);
    await chat.send('help');
    const help = await chat.replies();
    const texts = chat.seen.filter((a) => a.from?.role === 'bot' && a.type === 'message').slice(-1).map((a) => a.text ?? '');
    expect(help).toMatch(/ GA/);
    for (const t of texts) {
      expect(t).toMatch(BAUDOT_SAFE);
      expect(t).toMatch(/ GA$/);
    }
  }, 20_000);

  it('Keisha on a TTY number: BALANCE GA, SSN GA, PIN GA gets $1,950.00, Baudot-safe, each turn ending GA; THANKS SK closes with SK', async () => {
    const turns = [];
    turns.push(await text(KEISHA, TTY_NUMBER, 'BALANCE GA'));
    turns.push(await text(KEISHA, TTY_NUMBER, '900-11-1007 GA'));
    turns.push(await text(KEISHA, TTY_NUMBER, '77889 GA'));
    for (const turn of turns) {
      expect(turn.messages).toHaveLength(1);
      const [message] = turn.messages;
      expect(message).toMatch(BAUDOT_SAFE);
      expect(message).toMatch(/ GA$/);
    }
    expect(turns[0]?.messages[0]).toMatch(/SOCIAL SECURITY/);
    expect(turns[2]?.messages[0]).toContain('$1,950.00');
    const closing = await text(KEISHA, TTY_NUMBER, 'THANKS SK');
    expect(closing.messages).toHaveLength(1);
    expect(closing.messages[0]).toMatch(BAUDOT_SAFE);
    expect(closing.messages[0]).toMatch(/SK$/);
    expect(closing.messages[0]).not.toMatch(/GA$/);
  }, 30_000);
});
