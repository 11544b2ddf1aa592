/**
 * Regression for "on SMS the bot tells parents to type cancel": every text the SMS channel can send,
 * in every language, rendered with the SMS wording, is scanned for the words it asks a parent to
 * type (quoted, or in capitals). None may be a carrier keyword (STOP, CANCEL, END, QUIT, YES,
 * START…), except HELP for help and STOP in the carrier texts that explain how to opt out.
 */
import { describe, expect, it } from '@jest/globals';
import { CARRIER_KEYWORDS } from '../../channels/sms/routes.js';
import { smsUnits } from '../../channels/text/render.js';
import { roleMenuText } from '../../dialogs/account/menu.js';
import { helpText, sayIn, welcomeText } from '../../dialogs/messages.js';
import { LOCALES, loadResources, type Locale } from '../../locales/i18n.js';

/** Not sent to a parent: the email to office staff, and the recognizer's word lists. */
const NOT_FOR_PARENTS = [/^office\.email\./, /_words$/];
/** STOP in its documented meaning: how to opt out. */
const OPT_OUT_TEXTS = new Set([
  'sms.help',
  'sms.opted_in',
  // Reminder terms and texts must say that STOP ends them (carrier rules for recurring texts).
  'reminders.terms',
  'reminders.sms.due',
  'reminders.sms.overdue',
  'reminders.sms.disbursement',
  'reminders.status_paused',
  'reminders.number_opted_out',
]);
/** START in its documented meaning: how to opt back in after STOP. */
const OPT_IN_TEXTS = new Set(['reminders.status_paused', 'reminders.number_opted_out']);
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = '', out: string[] = []): string[] {
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, out);
  } else out.push(prefix);
  return out;
}

/** The words a text asks the parent to type: anything quoted, and words in capitals. */
function instructionWords(text: string): string[] {
  const quoted = [...text.matchAll(/"([^"\n]{1,60})"|“([^”\n]{1,60})”|«([^»\n]{1,60})»/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  const capitals = [...text.matchAll(/\b[A-Z]{2,}\b/g)].map((m) => m[0]);
  return [...quoted, ...capitals].flatMap((q) => q.split(/[^\p{L}]+/u)).filter((w) => w !== '').map((w) => w.toUpperCase());
}

function keywordsAskedFor(text: string, key: string): string[] {
  return instructionWords(text).filter(
    (word) =>
      CARRIER_KEYWORDS.has(word) && word !== 'HELP' && !(word === 'STOP' && OPT_OUT_TEXTS.has(key)) && !(word === 'START' && OPT_IN_TEXTS.has(key)),
  );
}

const keys = [...new Set(flatten(loadResources().en.translation).map((k) => k.replace(PLURAL, '').replace(/_sms$/, '')))].filter(
  (key) => !NOT_FOR_PARENTS.some((pattern) => pattern.test(key)),
);

/** Every placeholder filled, so the text reads as a parent would get it. */
const VARS = new Proxy<Record<string, string | number>>({}, { get: (_t, name) => (name === 'count' ? 2 : `x${String(name)}`) });

function fill(locale: Locale, key: string): string {
  const say = sayIn(locale, 'sms');
  const names = [...say(key).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '');
  return say(key, Object.fromEntries(['count', ...names].map((n) => [n, VARS[n] ?? ''])));
}

describe('SMS texts never ask for a carrier keyword', () => {
  it('the scan finds what the web wording asks for ("cancel", "yes"), so it can fail', () => {
    const web = sayIn('en');
    expect(keywordsAskedFor(web('help.cancel'), 'help.cancel')).toEqual(['CANCEL']);
    expect(keywordsAskedFor(web('office.confirm', { count: 2, office: 'x' }), 'office.confirm')).toContain('YES');
    expect(keywordsAskedFor(web('pin.offer_mail'), 'pin.offer_mail')).toContain('YES');
    // …and that the scan below reads the SMS wording of those very keys.
    expect(instructionWords(fill('en', 'office.confirm'))).toContain('SEND');
    expect(instructionWords(fill('en', 'help.cancel'))).toEqual(['MENU']);
  });

  it.each([...LOCALES])('every text in %s, in its SMS wording', (locale) => {
    const offending = keys.map((key) => ({ key, words: keywordsAskedFor(fill(locale, key), key) })).filter((k) => k.words.length > 0);
    expect(offending).toEqual([]);
  });

  it.each([...LOCALES])('help, menu, role menus and welcome in %s, in their SMS wording', (locale) => {
    const texts = [
      helpText(locale, 'help', 'sms'),
      helpText(locale, 'menu', 'sms'),
      roleMenuText(locale, new Set(['custodial', 'noncustodial'] as const), 'menu', 'sms'),
      welcomeText(locale, 'sms'),
    ];
    for (const text of texts) expect(keywordsAskedFor(text, 'help')).toEqual([]);
  });

  it.each([...LOCALES])('the carrier texts in %s fit one page (two segments) and name the helpline and STOP', (locale) => {
    for (const key of ['sms.help', 'sms.opted_in']) {
      const text = sayIn(locale, 'sms')(key);
      const { units, budget } = smsUnits(text);
      expect(units).toBeLessThanOrEqual(budget);
      expect(text).toContain('STOP');
    }
    expect(sayIn(locale, 'sms')('sms.help')).toMatch(/888-208-4485.*866-875-9975/);
  });

  it.each([...LOCALES])('the SMS word to stop (%s) is one the recognizer reads as the menu, and the SMS yes is accepted', async (locale) => {
    const { KeywordRecognizer } = await import('../../dialogs/recognizer/KeywordRecognizer.js');
    const { yesNo } = await import('../../dialogs/pin/yesNo.js');
    const say = sayIn(locale, 'sms');
    const recognition = await new KeywordRecognizer().recognize(say('commands.cancel'), locale);
    expect(recognition).toMatchObject({ intent: 'help', entities: { view: 'menu' } });
    for (const word of instructionWords(say('office.confirm', { count: 2, office: '123' }))) {
      if (word !== 'NO' && word !== '否' && word !== '不') expect(yesNo(word)).toBe('yes');
    }
  });
});
