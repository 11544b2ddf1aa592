/**
 * Translation slips parents saw: "您想告诉Queens Child Support Office什么？" (an English name run
 * into a Chinese sentence), "(Mon-Fri 8:30-17:00)" in a Spanish sentence, "en caso que termina"
 * (which reads as "in case that"), and a sign-in URL glued to the sentence after it.
 */
import { describe, expect, it } from '@jest/globals';
import { LOCALES, loadResources } from '../../locales/i18n.js';
import { sayIn } from '../../dialogs/messages.js';
import { officeHours } from '../../dialogs/office/hours.js';

const resources = loadResources();

function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, out);
  } else if (typeof value === 'string') out.set(prefix, value);
  return out;
}

describe('office hours in the parent\'s language', () => {
  it.each([
    ['en', 'Monday to Friday, 8:30 AM to 5:00 PM'],
    ['es', 'de lunes a viernes, de 8:30 a 17:00'],
    ['zh-Hans', '周一至周五 8:30–17:00'],
  ] as const)('%s: "Mon-Fri 8:30-17:00" reads %s', (locale, expected) => {
    expect(officeHours(sayIn(locale), locale, 'Mon-Fri 8:30-17:00')).toBe(expected);
  });

  it('a shape it does not know is shown as it is', () => {
    expect(officeHours(sayIn('es'), 'es', 'by appointment')).toBe('by appointment');
    expect(officeHours(sayIn('es'), 'es', 'Mon-Fri 8:30-27:00')).toBe('Mon-Fri 8:30-27:00');
  });

  it('the Spanish office answer carries no English hours', () => {
    const es = sayIn('es');
    const hours = officeHours(es, 'es', 'Mon-Fri 8:30-17:00');
    const text = es('office.sent', { office: 'Queens Child Support Office', phone: '(718) 555-0100', hours, reference: 'R-1' });
    expect(text).toContain('(de lunes a viernes, de 8:30 a 17:00)');
    expect(text).not.toMatch(/Mon|Fri/);
  });
});

describe('Chinese sentences set an English office name apart', () => {
  const zh = flatten(resources['zh-Hans'].translation);
  it.each([...zh.entries()].filter(([, text]) => text.includes('{{office}}')).map(([key]) => key))('%s quotes {{office}}', (key) => {
    const text = sayIn('zh-Hans')(key, { office: 'Queens Child Support Office', count: 12, limit: 1000, phone: '1', hours: '2', reference: '3' });
    expect(text).toContain('“Queens Child Support Office”');
    expect(text).not.toMatch(/[\p{Script=Han}]Queens|Office[\p{Script=Han}]/u);
  });
});

describe('Spanish names a case with its article', () => {
  it.each(['history.heading', 'history.heading_range', 'disbursements.heading', 'disbursements.heading_range'])('%s says "en el caso que termina en"', (key) => {
    const es = sayIn('es');
    const cases = es('cases.label', { caseEnding: '0303', children: 'Lucas' });
    const text = es(key, { cases, date: '20 de noviembre de 2026', range: 'en marzo de 2026' });
    expect(text).toContain('en el caso que termina en 0303');
    expect(text).not.toMatch(/en caso que/);
  });
});

describe('a sign-in link stands on a line of its own', () => {
  it.each([...LOCALES])('%s: every text with {{url}} has a blank line before and after it', (locale) => {
    const withUrl = [...flatten(resources[locale].translation).entries()].filter(([, text]) => text.includes('{{url}}'));
    expect(withUrl.length).toBeGreaterThan(0);
    for (const [key, text] of withUrl) expect({ key, alone: /(^|\n\n)\{\{url\}\}(\n\n|$)/.test(text) }).toEqual({ key, alone: true });
  });
});
