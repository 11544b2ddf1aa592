/**
 * Date ranges in the words parents use ("in March", "this year", "last 6 months", "十月", "octubre").
 * Relative words are read against `today`, which callers set to the data's as-of date: "this year"
 * means the year of the figures shown, not of the server clock. A month without a year is the most
 * recent one not after `today`, because parents ask about the past.
 */
import type { Locale } from '../../locales/i18n.js';
import { phrasePattern, WORDS } from '../../locales/words.js';
import { normalizeForMatching } from '../recognizer/normalize.js';

export interface DateRange {
  /** Inclusive `YYYY-MM-DD` bounds; `to` never after `today`. */
  readonly from: string;
  readonly to: string;
  /** A whole calendar month is named as such ("March 2026"); anything else by its two dates. */
  readonly month?: { readonly year: number; readonly month: number };
}

/** Every language's date words (`locales/<lang>/words.json`), in the form they are matched against. */
const DATES = {
  months: WORDS.dates.months.map((names) => names.map(normalizeForMatching)),
  ambiguous: new Set(WORDS.dates.ambiguousMonths.map(normalizeForMatching)),
  numbers: new Map(Object.entries(WORDS.dates.numbers).map(([word, value]) => [normalizeForMatching(word), value])),
};

function pattern(words: readonly string[]): string {
  return phrasePattern(words.map(normalizeForMatching));
}

function regex(words: readonly string[], flags = 'u'): RegExp {
  return new RegExp(pattern(words), flags);
}

function numberOf(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  return DATES.numbers.get(word);
}

function iso(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

function parts(today: string): { year: number; month: number; day: number } {
  const [year = 0, month = 1, day = 1] = today.split('-').map(Number);
  return { year, month, day };
}

function monthRange(year: number, month: number, today: string): DateRange {
  return { from: iso(year, month, 1), to: minDate(iso(year, month, lastDayOf(year, month)), today), month: { year, month } };
}

function yearRange(year: number, today: string): DateRange {
  return { from: iso(year, 1, 1), to: minDate(iso(year, 12, 31), today) };
}

/** `months` back from today, day for day: "last 6 months" on 2026-11-20 starts 2026-05-21. */
function lastMonths(months: number, today: string): DateRange {
  const { year, month, day } = parts(today);
  const start = new Date(Date.UTC(year, month - 1 - months, day + 1));
  return { from: start.toISOString().slice(0, 10), to: today };
}

interface MonthMention {
  readonly month: number;
  /** A year written next to the month ("March 2026", "2026年3月", "3/2026"). */
  readonly year?: number;
  readonly index: number;
  /** Where the mention (with its year) ends in the normalized text. */
  readonly end: number;
}

const MONTH_OF = new Map(DATES.months.flatMap((names, index) => names.map((name): [string, number] => [name, index + 1])));
const MONTH_NAME = new RegExp(pattern([...MONTH_OF.keys()]), 'gu');
const PREPOSITION_BEFORE = new RegExp(`${pattern(WORDS.dates.monthPrepositions)} $`, 'u');
const TRAIL = new RegExp(`^${pattern(WORDS.dates.monthTrail)}`, 'u');
const YEAR_AFTER = new RegExp(`^ ?(?:${pattern(WORDS.dates.yearJoiners)} )?(20\\d{2})(?![0-9])`, 'u');
const YEAR_BEFORE = new RegExp(`(?<![0-9])(20\\d{2}) ?${pattern(WORDS.dates.yearBefore)} ?$`, 'u');
/** "3/2026", "03-2026". */
const NUMERIC_MONTH = /(?<![\d/])(1[0-2]|0?[1-9])\s*[/-]\s*(20\d{2})(?![\d/])/gu;

/** Every month named in the (normalized) text, in the order written; the longest name wins. */
function findMonths(text: string): MonthMention[] {
  const found: MonthMention[] = [];
  for (const match of text.matchAll(NUMERIC_MONTH)) {
    found.push({ month: Number(match[1]), year: Number(match[2]), index: match.index, end: match.index + match[0].length });
  }
  if (found.length > 0) return found;
  for (const match of text.matchAll(MONTH_NAME)) {
    const name = match[0];
    const month = MONTH_OF.get(name);
    if (month === undefined) continue;
    const before = text.slice(0, match.index);
    let end = match.index + name.length;
    const after = text.slice(end);
    const yearAfter = YEAR_AFTER.exec(after);
    // "may" is also a verb: only "in May", "for May", "May 2026" name the month.
    if (DATES.ambiguous.has(name) && yearAfter === null && !PREPOSITION_BEFORE.test(before)) continue;
    const yearBefore = YEAR_BEFORE.exec(before);
    const trail = TRAIL.exec(after);
    if (yearAfter !== null) end += yearAfter[0].length;
    else if (trail !== null) end += trail[0].length;
    const year = yearAfter?.[1] ?? yearBefore?.[1];
    found.push({ month, ...(year === undefined ? {} : { year: Number(year) }), index: yearBefore?.index ?? match.index, end });
  }
  return found;
}

const SINCE = regex(WORDS.dates.since);
/** What may stand between two months that make one range: "to", "a", "到", or a dash. */
const BETWEEN = new RegExp(`^ ?(?:${pattern(WORDS.dates.between)}|[-~]) ?$`, 'u');
const COUNT = new RegExp(
  `${pattern(WORDS.dates.recent)} ?(\\d+|${pattern([...DATES.numbers.keys()])}) ?${pattern(WORDS.dates.monthUnits)}`,
  'u',
);
const THIS_MONTH = regex(WORDS.dates.thisMonth);
const LAST_MONTH = regex(WORDS.dates.lastMonth);
const THIS_YEAR = regex(WORDS.dates.thisYear);
const LAST_YEAR = regex(WORDS.dates.lastYear);

/**
 * The text as every rule reads it: `normalizeForMatching`, except that dashes, tildes and slashes
 * stay, because they join months ("enero - marzo", "1月~3月") and write them ("3/2026").
 */
function matchingText(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .replace(/[\u2010-\u2015\u2212]/gu, '-')
    .replace(/(?:(?![-~/])[\p{P}\p{S}\p{C}])+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * Two months joined by "to", "a", "到" or a dash make one range: whole months, from the first day
 * of the first to the last day of the second (never past `today`). A month without a year is the
 * most recent one not after `today`; the first month is before the second.
 */
export function parseMonthSpan(input: string, today: string): { from: string; to: string } | null {
  const text = matchingText(input);
  const [first, second] = findMonths(text);
  if (first === undefined || second === undefined) return null;
  return spanOf(first, second, text, today);
}

function latestYear(mention: MonthMention, today: string, explicitYear?: number): number {
  const now = parts(today);
  return mention.year ?? explicitYear ?? (mention.month > now.month ? now.year - 1 : now.year);
}

function spanOf(first: MonthMention, second: MonthMention, text: string, today: string, explicitYear?: number): { from: string; to: string } | null {
  if (!BETWEEN.test(text.slice(first.end, second.index))) return null;
  const endYear = latestYear(second, today, explicitYear);
  const startYear = first.year ?? (first.month <= second.month ? endYear : endYear - 1);
  const end = monthRange(endYear, second.month, today);
  const start = iso(startYear, first.month, 1);
  return start <= end.to ? { from: start, to: end.to } : null;
}

/** The range named in `text`, or null when it names none (then the caller shows the latest). */
export function parseDateRange(input: string, today: string): DateRange | null {
  const text = matchingText(input);
  const raw = input.normalize('NFKC');
  const now = parts(today);

  const count = COUNT.exec(text);
  const months = numberOf(count?.[1] ?? '');
  if (months !== undefined && months > 0 && months <= 120) return lastMonths(months, today);

  if (THIS_MONTH.test(text)) return monthRange(now.year, now.month, today);
  if (LAST_MONTH.test(text)) {
    const previous = now.month === 1 ? { year: now.year - 1, month: 12 } : { year: now.year, month: now.month - 1 };
    return monthRange(previous.year, previous.month, today);
  }
  if (LAST_YEAR.test(text)) return yearRange(now.year - 1, today);

  const yearMatch = /(?:^|\D)(20\d{2})(?:\D|$)/u.exec(raw);
  const explicitYear = yearMatch?.[1] === undefined ? undefined : Number(yearMatch[1]);
  const [first, second] = findMonths(text);
  if (first !== undefined) {
    if (second !== undefined) {
      const span = spanOf(first, second, text, today, explicitYear);
      if (span !== null) return span;
    }
    if (SINCE.test(text)) return { from: iso(latestYear(first, today, explicitYear), first.month, 1), to: today };
    return monthRange(latestYear(first, today, explicitYear), first.month, today);
  }
  if (THIS_YEAR.test(text)) return yearRange(now.year, today);
  if (explicitYear !== undefined && explicitYear <= now.year) return yearRange(explicitYear, today);
  return null;
}

const MONTH_FORMATS = new Map<Locale, Intl.DateTimeFormat>();

/** "March 2026", "2026年3月", "marzo de 2026". */
export function formatMonth(year: number, month: number, locale: Locale): string {
  let format = MONTH_FORMATS.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
    MONTH_FORMATS.set(locale, format);
  }
  return format.format(new Date(Date.UTC(year, month - 1, 1)));
}
