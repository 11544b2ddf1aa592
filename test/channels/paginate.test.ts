/**
 * SMS and TTY pages split mid-sentence, even mid-date ("…$210.00 el 20 de" / "noviembre"). Pages
 * now end only between lines or sentences; a sentence longer than a page is cut between words,
 * never inside a date or an amount; nothing is lost or reordered.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_SMS_CHARS, paginate, smsUnits } from '../../channels/text/render.js';

const HINTS = ['Reply MORE for the rest.', 'Responda MORE para ver el resto.', '回复 MORE 查看其余内容。'];

function withoutHint(page: string, hint: string): string {
  return page.endsWith(`\n${hint}`) ? page.slice(0, -hint.length - 1) : page;
}

const squash = (text: string) => text.replace(/\s+/g, '');

function within(page: string): boolean {
  const { units, budget } = smsUnits(page);
  return units <= budget && page.length <= MAX_SMS_CHARS;
}

const word = fc.oneof(
  fc.constantFrom('pago', 'payment', 'owed', 'case', 'ending', '0303', 'the', 'de', 'más', 'información', 'el', 'is', 'due'),
  fc.constantFrom('$210.00', '$1,125.00', 'November 20, 2026', '20 de noviembre de 2026', '2026年11月20日'),
  fc.constantFrom('付款', '余额', '您的案件', '直接付款'),
);
const sentence = (maxWords: number) => fc.array(word, { minLength: 1, maxLength: maxWords }).map((words) => `${words.join(' ')}.`);
const text = (maxWords: number) =>
  fc.array(fc.tuple(sentence(maxWords), fc.constantFrom(' ', '\n', '\n\n')), { minLength: 1, maxLength: 25 }).map((parts) =>
    parts.map(([s, sep], i) => (i === 0 ? s : `${sep}${s}`)).join(''),
  );

describe('paginate', () => {
  it('every page fits two segments with its hint, and the pages are the text', () => {
    fc.assert(
      fc.property(text(40), fc.constantFrom(...HINTS), (input, hint) => {
        const pages = paginate(input, hint);
        for (const page of pages) expect(within(page)).toBe(true);
        pages.slice(0, -1).forEach((page) => expect(page.endsWith(`\n${hint}`)).toBe(true));
        expect(squash(pages.map((p) => withoutHint(p, hint)).join(''))).toBe(squash(input));
      }),
      { numRuns: 300 },
    );
  });

  it('no page ends inside a sentence when every sentence fits a page', () => {
    fc.assert(
      fc.property(text(6), fc.constantFrom(...HINTS), (input, hint) => {
        for (const page of paginate(input, hint)) expect(withoutHint(page, hint)).toMatch(/\.$/);
      }),
      { numRuns: 300 },
    );
  });

  it('a sentence longer than a page is cut between words, never inside a date or an amount', () => {
    const whole = ['$210.00', '$1,125.00', 'November 20, 2026', '20 de noviembre de 2026', '2026年11月20日'];
    const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
    fc.assert(
      fc.property(sentence(120), fc.constantFrom(...HINTS), (input, hint) => {
        const pages = paginate(input, hint).map((p) => withoutHint(p, hint));
        for (const token of whole) expect(pages.reduce((n, page) => n + count(page, token), 0)).toBe(count(input, token));
        for (const page of pages) expect(within(page)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('paging_split_mid_date: "el 20 de" / "noviembre" is never a page boundary', () => {
    const line = 'Pago de $210.00 el 20 de noviembre de 2026, descontado del salario por el empleador.';
    const input = Array.from({ length: 8 }, () => line).join('\n');
    const hint = 'Responda MORE para ver el resto.';
    const pages = paginate(input, hint);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(withoutHint(page, hint).split('\n').every((l) => l === line)).toBe(true);
  });

  it('Chinese sentences end at 。 and a page holds whole sentences', () => {
    const input = '谢谢，您已通过验证，有效时间为接下来的 15 分钟。\n\n截至2026年11月20日，您最近一次付款：\n\n尾号 0202 的案件（Yan, Mei）: 您的案件最近收到的一笔付款是 $600.00，收到日期为2026年11月10日（直接付款）。这笔款已于2026年11月12日发放给您：$600.00，方式为借记卡。';
    const hint = '回复 MORE 查看其余内容。';
    const pages = paginate(input, hint);
    expect(pages[0]).toContain('$600.00');
    for (const page of pages) expect(withoutHint(page, hint)).toMatch(/[。：]$/);
  });
});
