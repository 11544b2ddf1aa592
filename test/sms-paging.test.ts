/**
 * Issue 10 item 7, over SMS against the real server: pages split only between lines or sentences
 * (never inside a date or an amount), the first text answers what was asked, a question the bot
 * asks is on the last text sent, one paging word (MORE), and "more" after a whole list says so.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { foldToGsm7, smsSegments } from '../channels/text/render.js';
import { sayIn } from '../dialogs/messages.js';
import { translator } from '../locales/i18n.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

const OUR_NUMBER = '+12125550100';
const es = sayIn('es', 'sms');
/** The pager's own hint, at the end of a text, in any of the three languages. */
const HINTS = (['en', 'es', 'zh-Hans'] as const).map((locale) => foldToGsm7(translator(locale)('sms.more')));
const PAGER = new RegExp(`\\n(?:${HINTS.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`, 'u');

describe('SMS paging against the real server', () => {
  let app: TestApp;
  const text = async (from: string, body: string) => (await sendSms(app.baseUrl, { from, to: OUR_NUMBER, body })).messages;

  beforeAll(async () => {
    app = await startTestApp({ TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: OUR_NUMBER });
  }, 60_000);
  afterAll(() => app.stop());

  /** The texts of one question: the turn's, then the pager's MORE while a text offers the rest. */
  async function allTexts(from: string, body: string): Promise<string[]> {
    const sent = await text(from, body);
    for (let i = 0; i < 8 && PAGER.test(sent.at(-1) ?? ''); i += 1) sent.push(...(await text(from, 'MORE')));
    return sent;
  }

  async function verified(from: string, language: string, question: string, ssn: string, pin: string): Promise<string[]> {
    await text(from, language);
    await text(from, question);
    await text(from, ssn);
    return allTexts(from, pin);
  }

  it('sms_balance_took_6_texts: Ana\'s balance in Spanish comes in at most 2 texts and 4 segments', async () => {
    const texts = await verified('+12125550401', 'español', 'saldo', '900-11-1005', '11223');
    const segments = texts.reduce((n, t) => n + smsSegments(t), 0);
    expect(texts.length).toBeLessThanOrEqual(2);
    expect(segments).toBeLessThanOrEqual(4);
    expect(texts[0]).toContain('$420.00');
    expect(texts.join('\n')).toContain('4 de diciembre de 2026');
  }, 30_000);

  it('sms_zh_last_payment_only_header: Wei\'s last payment in Chinese has the amount in the first text', async () => {
    const texts = await verified('+12125550402', '中文', '上次付款是什么时候', '900-11-1003', '86420');
    expect(texts[0]).toContain('$600.00');
    expect(texts[0]).toContain('2026年11月10日');
  }, 30_000);

  it('sms_paging_split_mid_date: a Spanish payment history never ends or starts a text inside a date or an amount', async () => {
    const from = '+12125550403';
    await verified(from, 'español', 'saldo', '900-11-1005', '11223');
    const texts = [...(await allTexts(from, 'historial de pagos')), ...(await allTexts(from, 'MORE'))];
    expect(texts.length).toBeGreaterThan(1);
    const lines = texts.flatMap((t) => t.replace(PAGER, '').split('\n'));
    const payments = lines.filter((l) => l.startsWith('- '));
    expect(payments.length).toBe(10);
    for (const line of payments) expect(line).toMatch(/^- \d{1,2} de [a-z]+ de \d{4}: \$\d{1,3}(,\d{3})*\.\d{2}, \S.*$/);
    for (const t of texts) {
      const body = t.replace(PAGER, '');
      expect(body).not.toMatch(/(\d{1,2} de| el| de [a-z]+|\$[\d,]*\.?)$/u);
      expect(body).not.toMatch(/^(de |[a-z]+ de \d{4}|\d{4}[.,:])/u);
    }
  }, 30_000);

  it('one paging word on SMS: the history says "Reply MORE for older payments", never "Type "more"", and not beside the pager', async () => {
    const from = '+12125550404';
    await verified(from, 'español', 'saldo', '900-11-1005', '11223');
    const texts = await allTexts(from, 'historial de pagos');
    const all = texts.join('\n');
    expect(all).not.toContain(translator('es')('history.more'));
    expect(texts.at(-1)).toContain(foldToGsm7(es('history.more')));
    for (const t of texts) expect(t.includes(foldToGsm7(es('history.more'))) && PAGER.test(t)).toBe(false);
    // MORE with nothing waiting turns the history's page: the same word, one meaning.
    expect((await text(from, 'MORE')).join('\n')).toMatch(/- \d{1,2} de [a-z]+ de \d{4}/);
  }, 30_000);

  it('"more" and "show more" after a whole list say that was all', async () => {
    const from = '+12125550405';
    await verified(from, 'español', 'saldo', '900-11-1005', '11223');
    const march = await allTexts(from, 'pagos de marzo');
    expect(march.join('\n')).not.toContain(foldToGsm7(es('history.more')));
    expect(await text(from, 'más')).toEqual([foldToGsm7(es('history.all_shown'))]);
    await allTexts(from, 'pagos de marzo');
    expect(await text(from, 'MORE')).toEqual([foldToGsm7(es('history.all_shown'))]);
    const en = '+12125550406';
    await verified(en, 'English', 'balance', '900-11-1001', '24680');
    await allTexts(en, 'payments in March');
    expect(await text(en, 'show more')).toEqual([sayIn('en', 'sms')('history.all_shown')]);
  }, 60_000);

  it('sms_pin_question_behind_more: the PIN re-mail question is on the last text sent, not behind MORE', async () => {
    for (const [from, language, ssn, pin, locale] of [
      ['+12125550407', 'español', '900-11-1005', '11223', 'es'],
      ['+12125550408', '中文', '900-11-1003', '86420', 'zh-Hans'],
      ['+12125550409', 'English', '900-11-1001', '24680', 'en'],
    ] as const) {
      await verified(from, language, 'saldo', ssn, pin);
      const sent = await text(from, 'PIN');
      const question = foldToGsm7(sayIn(locale, 'sms')('pin.offer_mail'));
      expect(sent.at(-1)).toContain(question);
      expect(sent.at(-1)).not.toMatch(PAGER);
    }
  }, 60_000);
});
