import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MAX_INPUT_LENGTH } from '../../dialogs/input/screenInput.js';
import { LANGUAGE_CHANGED_EVENT } from '../../dialogs/language/turnLanguage.js';
import { MainDialog } from '../../dialogs/MainDialog.js';
import { SIGNED_OUT_EVENT } from '../../dialogs/auth/signedOut.js';
import { helpText, sayIn } from '../../dialogs/messages.js';
import { KeywordRecognizer } from '../../dialogs/recognizer/KeywordRecognizer.js';
import type { Recognition, Recognizer } from '../../dialogs/recognizer/Recognizer.js';
import type { Locale } from '../../locales/i18n.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { Clock, FakeSignIn } from './support/account.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
});
afterAll(async () => {
  await database.close();
});

/** Counts calls so a test can prove a text never reached recognition. */
class CountingRecognizer implements Recognizer {
  calls = 0;
  private readonly inner = new KeywordRecognizer();
  async recognize(text: string, locale: Locale): Promise<Recognition> {
    this.calls += 1;
    return this.inner.recognize(text, locale);
  }
}

function client(recognizer: Recognizer = new KeywordRecognizer()): DialogTestClient {
  const clock = new Clock();
  const signIn = new FakeSignIn(clock);
  const officeOutbox = { queue: async (): Promise<never> => Promise.reject(new Error('no office message is queued in these tests')) };
  return new DialogTestClient('test', new MainDialog({ recognizer, db: database.db, signIn, ssnHmacKey: 'test-key', now: clock.now, officeOutbox }));
}

async function reply(text: string, locale = 'en-US', extra: Partial<Activity> = {}): Promise<Partial<Activity>> {
  const result = await client().sendActivity({ type: 'message', text, locale, ...extra });
  return result as Partial<Activity>;
}

const en = sayIn('en');

describe('MainDialog', () => {
  it('shows help in the activity locale', async () => {
    expect((await reply('help')).text).toBe(helpText('en'));
    expect((await reply('帮助', 'zh-CN')).text).toBe(helpText('zh-Hans'));
    expect((await reply('ayuda', 'es-US')).text).toBe(helpText('es'));
  });

  it('help names what can be typed, in the parent language', async () => {
    for (const [tag, locale] of [
      ['en-US', 'en'],
      ['zh-CN', 'zh-Hans'],
      ['es-US', 'es'],
    ] as const) {
      const text = (await reply('help', tag)).text ?? '';
      const say = sayIn(locale);
      for (const command of ['balance', 'payment_history', 'last_payment', 'statement', 'contact_office', 'pin_help', 'sign_out']) {
        expect(text).toContain(say(`commands.${command}`));
      }
      expect(text).toContain('中文');
      expect(text).toContain('Español');
    }
  });

  it('shows the menu for "menu"', async () => {
    expect((await reply('menu')).text).toBe(helpText('en', 'menu'));
  });

  it('greets', async () => {
    expect((await reply('hello')).text).toBe(en('greeting.reply'));
  });

  it('explains where the PIN is, with the helpline and TTY', async () => {
    const text = (await reply('I lost my PIN')).text ?? '';
    expect(text).toBe(en('pin.help'));
    expect(text).toContain('888-208-4485');
    expect(text).toContain('866-875-9975');
  });

  it.each(['statement', 'monthly notice', 'coupon'])(
    'answers %j honestly: accounts cannot be opened here yet',
    async (text) => {
      expect((await reply(text)).text).toBe(en('account.unavailable'));
    },
  );

  it.each<[string, string, Locale]>([
    ['balance', 'en-US', 'en'],
    ['sign in', 'en-US', 'en'],
    ['last payment', 'en-US', 'en'],
    ['payments', 'en-US', 'en'],
    ['disbursements', 'en-US', 'en'],
    ['email my office', 'en-US', 'en'],
    ['联系办公室', 'zh-CN', 'zh-Hans'],
    ['contactar oficina', 'es-US', 'es'],
    ['我的余额是多少', 'zh-CN', 'zh-Hans'],
    ['¿cuánto debo?', 'es-US', 'es'],
  ])('%j asks to sign in with NY.gov first, with a link', async (text, tag, locale) => {
    const answer = (await reply(text, tag)).text ?? '';
    const url = /https:\/\/\S+/.exec(answer)?.[0] ?? '';
    expect(url).toMatch(/^https:\/\/assistant\.example\.test\/signin\//);
    expect(answer).toBe(sayIn(locale)('auth.sign_in_link', { url, count: 10 }));
  });

  it('says it did not understand, without echoing', async () => {
    const text = (await reply('tell me about zebras')).text ?? '';
    expect(text).toBe(en('none.reply'));
    expect(text).not.toContain('zebras');
  });

  it('has nothing to cancel at the top level', async () => {
    expect((await reply('cancel')).text).toBe(en('cancel.nothing'));
  });

  it('confirms sign-out honestly, after telling the channel to forget the transcript before the request', async () => {
    const chat = client();
    const first = (await chat.sendActivity({ type: 'message', id: 'conv|7', text: 'sign out', locale: 'en-US' })) as Partial<Activity>;
    expect(first).toMatchObject({ type: 'event', name: SIGNED_OUT_EVENT, value: { forgetBefore: 'conv|7' } });
    expect((chat.getNextReply() as Partial<Activity>).text).toBe(en('sign_out.done'));
  });

  it('lists the languages when asked about language', async () => {
    expect((await reply('language')).text).toBe(en('language.options'));
  });

  it('switches language on "中文": confirms in Chinese and tells the page', async () => {
    const testClient = client();
    const first = await testClient.sendActivity({ type: 'message', text: '中文', locale: 'en-US' });
    expect(first.text).toBe(sayIn('zh-Hans')('language.changed'));
    const event = testClient.getNextReply();
    expect(event).toMatchObject({ type: 'event', name: LANGUAGE_CHANGED_EVENT, value: 'zh-Hans' });
  });

  describe('odd input', () => {
    it.each([
      ['', 'input.empty'],
      ['   ', 'input.empty'],
      ['🙂🙂🙂', 'input.no_words'],
      ["'; DROP TABLE cases; --", 'none.reply'],
    ])('%j gets %s', async (text, key) => {
      expect((await reply(text)).text).toBe(en(key));
    });

    it('answers an attachment without text', async () => {
      const answer = await reply('', 'en-US', {
        text: undefined,
        attachments: [{ contentType: 'application/pdf', contentUrl: 'https://example.test/id.pdf' }],
      });
      expect(answer.text).toBe(en('input.attachment'));
    });

    it('answers an over-long text without recognizing it', async () => {
      const recognizer = new CountingRecognizer();
      const answer = await client(recognizer).sendActivity({ type: 'message', text: 'balance '.repeat(400) });
      expect(answer.text).toBe(en('input.too_long'));
      expect(answer.text).toContain(String(MAX_INPUT_LENGTH));
      expect(recognizer.calls).toBe(0);
    });

    it('strips control characters before recognizing', async () => {
      expect((await reply('state\u0000ment\u0007')).text).toBe(en('account.unavailable'));
    });

    it('warns about an SSN or PIN typed unasked, and never repeats it', async () => {
      const recognizer = new CountingRecognizer();
      const answer = await client(recognizer).sendActivity({ type: 'message', text: 'my ssn is 123-45-6789' });
      expect(answer.text).toBe(en('input.sensitive'));
      expect(answer.text).not.toContain('6789');
      expect(recognizer.calls).toBe(0);
      expect((await reply('我的PIN码是 4821', 'zh-CN')).text).toBe(sayIn('zh-Hans')('input.sensitive'));
    });
  });
});
