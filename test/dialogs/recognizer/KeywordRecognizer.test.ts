import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LOCALES, translator, type Locale } from '../../../locales/i18n.js';
import { COMMANDS, type Command } from '../../../dialogs/messages.js';
import { KeywordRecognizer } from '../../../dialogs/recognizer/KeywordRecognizer.js';
import { INTENTS, type Intent } from '../../../dialogs/recognizer/Recognizer.js';
import { loadKeywordRules } from '../../../dialogs/recognizer/lexicon.js';
import { normalizeForMatching } from '../../../dialogs/recognizer/normalize.js';

const recognizer = new KeywordRecognizer();

describe('KeywordRecognizer', () => {
  it.each<[string, Intent]>([
    ['balance', 'balance'],
    ['How much do I owe?', 'balance'],
    ['余额', 'balance'],
    ['我的余额是多少', 'balance'],
    ['saldo', 'balance'],
    ['¿cuánto debo?', 'balance'],
    ['last payment', 'last_payment'],
    ['上次付款', 'last_payment'],
    ['último pago', 'last_payment'],
    ['payment history', 'payment_history'],
    ['payments', 'payment_history'],
    ['付款记录', 'payment_history'],
    ['historial de pagos', 'payment_history'],
    ['disbursements', 'disbursements'],
    ['发放', 'disbursements'],
    ['desembolsos', 'disbursements'],
    ['statement', 'statement'],
    ['对账单', 'statement'],
    ['estado de cuenta', 'statement'],
    ['monthly notice', 'monthly_notice'],
    ['月度通知', 'monthly_notice'],
    ['aviso mensual', 'monthly_notice'],
    ['coupon', 'payment_coupon'],
    ['付款单', 'payment_coupon'],
    ['cupón', 'payment_coupon'],
    ['email my office', 'contact_office'],
    ['联系办公室', 'contact_office'],
    ['contactar oficina', 'contact_office'],
    ['I lost my PIN', 'pin_help'],
    ['where is my PIN', 'pin_help'],
    ['密码', 'pin_help'],
    ['PIN码', 'pin_help'],
    ['perdí mi PIN', 'pin_help'],
    ['sign in', 'sign_in'],
    ['log in', 'sign_in'],
    ['登录', 'sign_in'],
    ['iniciar sesión', 'sign_in'],
    ['sign out', 'sign_out'],
    ['log out', 'sign_out'],
    ['退出', 'sign_out'],
    ['退出登录', 'sign_out'],
    ['cerrar sesión', 'sign_out'],
    ['help', 'help'],
    ['帮助', 'help'],
    ['ayuda', 'help'],
    ['cancel', 'cancel'],
    ['取消', 'cancel'],
    ['cancelar', 'cancel'],
    ['hi', 'greeting'],
    ['hello', 'greeting'],
    ['你好', 'greeting'],
    ['hola', 'greeting'],
    ['language', 'language'],
    ['what is the capital of France', 'none'],
    ['', 'none'],
  ])('%j is %s', async (text, intent) => {
    expect((await recognizer.recognize(text, 'en')).intent).toBe(intent);
  });

  it.each<[string, Locale]>([
    ['中文', 'zh-Hans'],
    ['Chinese', 'zh-Hans'],
    ['español', 'es'],
    ['Spanish', 'es'],
    ['English', 'en'],
    ['inglés', 'en'],
    ['英文', 'en'],
    ['英语', 'en'],
  ])('%j asks for the language %s', async (text, locale) => {
    const recognition = await recognizer.recognize(text, 'en');
    expect(recognition.intent).toBe('language');
    expect(recognition.entities.locale).toBe(locale);
  });

  it('recognizes every language whatever the conversation locale', async () => {
    for (const locale of LOCALES) {
      expect((await recognizer.recognize('saldo', locale)).intent).toBe('balance');
      expect((await recognizer.recognize('余额', locale)).intent).toBe('balance');
    }
  });

  it('normalizes width, case, accents and punctuation', async () => {
    for (const text of ['ＢＡＬＡＮＣＥ', 'Balance!!!', '¿CUÁNTO DEBO?', 'cuanto debo', 'ultimo pago', '  余额？ ']) {
      const { intent } = await recognizer.recognize(text, 'en');
      expect(['balance', 'last_payment']).toContain(intent);
    }
    expect((await recognizer.recognize('ultimo pago', 'es')).intent).toBe('last_payment');
  });

  it('prefers the specific request over the generic word inside it', async () => {
    expect((await recognizer.recognize('when was my last payment', 'en')).intent).toBe('last_payment');
    expect((await recognizer.recognize('can I get a payment coupon', 'en')).intent).toBe('payment_coupon');
    expect((await recognizer.recognize('hi, what is my balance?', 'en')).intent).toBe('balance');
    expect((await recognizer.recognize('I need help with my statement', 'en')).intent).toBe('statement');
  });

  it('matches Latin keywords as whole words only', async () => {
    expect((await recognizer.recognize('spinning', 'en')).intent).toBe('none');
    expect((await recognizer.recognize('this', 'en')).intent).toBe('none');
  });

  it('maps "menu" onto help with the menu view', async () => {
    for (const text of ['menu', 'main menu', '菜单', 'menú']) {
      const recognition = await recognizer.recognize(text, 'en');
      expect(recognition.intent).toBe('help');
      expect(recognition.entities.view).toBe('menu');
    }
  });

  it('leaves "stop" alone: SMS carriers own it', async () => {
    expect((await recognizer.recognize('stop', 'en')).intent).toBe('none');
  });

  it('understands every command word the texts tell a parent to type', async () => {
    const expected: Record<Command, Intent> = {
      balance: 'balance',
      last_payment: 'last_payment',
      payment_history: 'payment_history',
      statement: 'statement',
      contact_office: 'contact_office',
      pin_help: 'pin_help',
      language: 'language',
      sign_in: 'sign_in',
      sign_out: 'sign_out',
      help: 'help',
      cancel: 'cancel',
      menu: 'help',
    };
    for (const locale of LOCALES) {
      const t = translator(locale);
      for (const command of COMMANDS) {
        const recognition = await recognizer.recognize(t(`commands.${command}`), locale);
        expect({ locale, command, intent: recognition.intent }).toEqual({ locale, command, intent: expected[command] });
        expect(recognition.score).toBe(1);
      }
    }
  });

  it('never throws and keeps scores in [0, 1] on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (text) => {
        const recognition = await recognizer.recognize(text, 'en');
        expect(INTENTS).toContain(recognition.intent);
        expect(recognition.score).toBeGreaterThanOrEqual(0);
        expect(recognition.score).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('KeywordRecognizer: a text that is exactly a phrase', () => {
  it('gets the first rule (in file order) naming that phrase, with score 1 and its entities', () => {
    const rules = loadKeywordRules();
    let checked = 0;
    for (const rule of rules) {
      for (const phrase of rule.phrases) {
        const normalized = normalizeForMatching(phrase);
        if (normalized === '') continue;
        const first = rules.find((r) => r.phrases.some((p) => normalizeForMatching(p) === normalized));
        const got = recognizer.recognizeSync(phrase);
        expect([phrase, got.intent, got.score, got.entities]).toEqual([phrase, first?.intent, 1, { ...first?.entities }]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
