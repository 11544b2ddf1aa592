import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CardFactory, MessageFactory } from 'botbuilder';
import {
  GSM7_PAGE_UNITS,
  MAX_SMS_CHARS,
  UCS2_PAGE_UNITS,
  isGsm7,
  paginate,
  renderActivities,
  smsUnits,
  stripMarkdown,
} from '../../channels/text/render.js';

describe('text renderer', () => {
  it('removes markdown a phone would show as symbols', () => {
    expect(stripMarkdown('**Balance**: _now_ `x`\n# Title\n* item\n[Sign in](https://a.example/s)')).toBe(
      'Balance: now x\nTitle\n- item\nSign in: https://a.example/s',
    );
  });

  it('turns suggested actions and card buttons into numbered choices, and URL buttons into the URL', () => {
    const suggested = MessageFactory.suggestedActions(['Yes', 'No'], 'Mail a new PIN?');
    const card = MessageFactory.attachment(
      CardFactory.heroCard('', undefined, [{ type: 'openUrl', title: 'Sign in', value: 'https://x.example/signin/abc' }]),
      'Open this link',
    );
    const rendered = renderActivities([suggested, card], 'en');
    expect(rendered.text).toContain('Mail a new PIN?');
    expect(rendered.text).toContain('Reply 1 for Yes');
    expect(rendered.text).toContain('Reply 2 for No');
    expect(rendered.text).toContain('https://x.example/signin/abc');
    expect(rendered.choices).toEqual([
      { number: 1, value: 'Yes' },
      { number: 2, value: 'No' },
    ]);
    expect(renderActivities([suggested], 'es').text).toContain('Responda 1 para Yes');
  });

  it('counts GSM-7 and UCS-2 against their two-segment budgets', () => {
    expect(isGsm7('Balance: $1,125.00 {x}')).toBe(true);
    expect(smsUnits('a{b}').units).toBe(6);
    expect(smsUnits('abc').budget).toBe(GSM7_PAGE_UNITS);
    expect(isGsm7('余额')).toBe(false);
    expect(smsUnits('余额').budget).toBe(UCS2_PAGE_UNITS);
  });

  it('keeps a short reply whole and pages a long list with the MORE hint', () => {
    expect(paginate('short', 'Reply MORE')).toEqual(['short']);
    const list = Array.from({ length: 30 }, (_, i) => `- item number ${i + 1}: a payment of $125.00`).join('\n');
    const pages = paginate(list, 'Reply MORE for the rest.');
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages.slice(0, -1)) expect(page.endsWith('Reply MORE for the rest.')).toBe(true);
    expect(pages.at(-1)?.endsWith('Reply MORE for the rest.')).toBe(false);
    for (const page of pages) expect(smsUnits(page).units).toBeLessThanOrEqual(GSM7_PAGE_UNITS);
    // No list item is split across pages, and nothing is lost.
    expect(pages.map((p) => p.replace(/\nReply MORE for the rest\.$/, '')).join('\n')).toBe(list);
  });

  it('every page fits two segments of its encoding and never exceeds 1,600 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000, unit: fc.constantFrom('a', ' ', '\n', '余', 'é', '{', 'word ', '$1,125.00 ') }), (text) => {
        const hint = /余/.test(text) ? '回复 MORE 查看其余内容。' : 'Reply MORE for the rest.';
        for (const page of paginate(text, hint)) {
          const { units, budget } = smsUnits(page);
          expect(units).toBeLessThanOrEqual(budget);
          expect(page.length).toBeLessThanOrEqual(MAX_SMS_CHARS);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('regression: a Spanish sign-in link was pushed to the MORE page, and a long link was cut in two', () => {
    const link = `https://asistente.example.gov/signin/${'A'.repeat(43)}`;
    const hint = 'Responda MORE para ver el resto.';
    const text = `Para ver su cuenta, primero inicie sesión con su cuenta de NY.gov. Abra este enlace: ${link}\nEl enlace funciona durante 10 minutos. Cuando haya iniciado sesión, vuelva a este chat.`;
    const pages = paginate(text, hint);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]).toContain(link);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(MAX_SMS_CHARS);
    const long = `https://asistente.example.gov/signin/${'B'.repeat(200)}`;
    expect(paginate(`余额 ${long}`, '回复 MORE 查看其余内容。').some((page) => page.includes(long))).toBe(true);
  });
});
