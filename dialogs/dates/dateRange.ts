/**
 * Date ranges in the words parents use ("in March", "this year", "last 6 months", "十月", "octubre").
 * Relative words are read against `today`, which callers set to the data's as-of date: "this year"
 * means the year of the figures shown, not of the server clock. A month without a year is the most
 * recent one not after `today`, because parents ask about the past.
 */
import type { Locale } from '../../locales/i18n.js';
import { normalizeForMatching } from '../recognizer/normalize.js';

export interface DateRange {
  /** Inclusive `YYYY-MM-DD` bounds; `to` never after `today`. */
  readonly from: string;
  readonly to: string;
  /** A whole calendar month is named as such ("March 2026"); anything else by its two dates. */
  readonly month?: { readonly year: number; readonly month: number };
}

const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const EN_SHORT = ['jan', 'feb', 'mar', 'apr', '', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ES_MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  un: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, once: 11, doce: 12,
};

/** 一 … 十二 (and 两), the Chinese numerals a month or a count of months uses. */
function chineseNumber(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const digits: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  if (value === '十') return 10;
  if (value.length === 2 && value.startsWith('十')) return 10 + (digits[value[1] ?? ''] ?? Number.NaN);
  if (value.length === 1) return digits[value];
  return undefined;
}

function numberOf(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word] ?? chineseNumber(word);
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
}

const ZH_MONTH = /(?:(20\d{2})\s*年\s*)?(十[一二]?|[一二三四五六七八九]|1[0-2]|0?[1-9])\s*月/gu;
const NUMERIC_MONTH = /(?<![\d/])(1[0-2]|0?[1-9])\s*[/-]\s*(20\d{2})(?![\d/])/gu;

/**
 * Every month named in the text, in the order written. Chinese months are read from the raw text
 * (the normalized form is the same for Han characters), Latin names from the normalized one.
 */
function findMonths(text: string, raw: string): MonthMention[] {
  const found: MonthMention[] = [];
  for (const match of raw.matchAll(ZH_MONTH)) {
    const before = raw[(match.index ?? 0) - 1] ?? '';
    if (match[1] === undefined && /[\d一二三四五六七八九十个]/u.test(before)) continue;
    const month = chineseNumber((match[2] ?? '').replace(/^0/, ''));
    if (month !== undefined) found.push({ month, ...(match[1] === undefined ? {} : { year: Number(match[1]) }), index: match.index ?? 0 });
  }
  if (found.length > 0) return found;
  // Read from the raw text: normalizing turns the slash into a space.
  for (const match of raw.matchAll(NUMERIC_MONTH)) {
    found.push({ month: Number(match[1]), year: Number(match[2]), index: match.index ?? 0 });
  }
  const names: [RegExp, number][] = [
    ...ES_MONTHS.map((name, index): [RegExp, number] => [new RegExp(`\\b${name}\\b`, 'gu'), index + 1]),
    [/\bsetiembre\b/gu, 9],
    // "may" is also a verb: only "in May", "for May", "May 2026", "to May" name the month.
    ...EN_MONTHS.map((name, index): [RegExp, number] => [
      name === 'may' ? /\b(?:in|for|during|of|to|from|since|through|until|and) may\b|\bmay \d{4}\b/gu : new RegExp(`\\b${name}\\b`, 'gu'),
      index + 1,
    ]),
    ...EN_SHORT.flatMap((name, index): [RegExp, number][] => (name === '' ? [] : [[new RegExp(`\\b${name}\\b`, 'gu'), index + 1]])),
  ];
  for (const [pattern, month] of names) {
    for (const match of text.matchAll(pattern)) {
      const end = (match.index ?? 0) + match[0].length;
      const year = /^ (?:de |del )?(20\d{2})\b/u.exec(text.slice(end))?.[1];
      found.push({ month, ...(year === undefined ? {} : { year: Number(year) }), index: match.index ?? 0 });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** "since", "desde", "从…起": the range runs from the month to today ("from March" alone stays March). */
const SINCE = /\b(?:since|desde|starting|beginning)\b/u;
const ZH_SINCE = /(?:自从|自|从)[^到至]*月(?!.*[到至])|月份?(?:以来|起|开始|至今)/u;
/** Two months joined by "to", "through", "-", "a", "hasta", "到", "至" make one range. */
const BETWEEN = /\b(?:to|through|thru|till|until|and|a|al|hasta|y)\b| - /u;
const ZH_BETWEEN = /到|至|和|－|-|~/u;
/** The range named in `text`, or null when it names none (then the caller shows the latest). */
export function parseDateRange(input: string, today: string): DateRange | null {
  const text = normalizeForMatching(input);
  const raw = input.normalize('NFKC');
  const now = parts(today);

  const count = /\b(?:last|past|previous) (\d+|[a-z]+) months?\b|\b(?:ultimos|pasados) (\d+|[a-z]+) meses\b/u.exec(text);
  const zhCount = /(?:最近|过去|近|前)\s*(\d+|[一二三四五六七八九十两]+)\s*个?月/u.exec(raw);
  const months = numberOf(count?.[1] ?? count?.[2] ?? zhCount?.[1] ?? '');
  if (months !== undefined && months > 0 && months <= 120) return lastMonths(months, today);

  if (/\bthis month\b|\beste mes\b/u.test(text) || /本月|这个月|这月/u.test(raw)) return monthRange(now.year, now.month, today);
  if (/\blast month\b|\bel mes pasado\b|\bmes pasado\b/u.test(text) || /上个月|上月/u.test(raw)) {
    const previous = now.month === 1 ? { year: now.year - 1, month: 12 } : { year: now.year, month: now.month - 1 };
    return monthRange(previous.year, previous.month, today);
  }
  if (/\blast year\b|\bel ano pasado\b|\bano pasado\b/u.test(text) || /去年/u.test(raw)) return yearRange(now.year - 1, today);

  const yearMatch = /(?:^|\D)(20\d{2})(?:\D|$)/u.exec(raw);
  const explicitYear = yearMatch?.[1] === undefined ? undefined : Number(yearMatch[1]);
  const [first, second] = findMonths(text, raw);
  if (first !== undefined) {
    const latestYear = (mention: MonthMention): number => mention.year ?? explicitYear ?? (mention.month > now.month ? now.year - 1 : now.year);
    if (second !== undefined && (BETWEEN.test(text) || ZH_BETWEEN.test(raw))) {
      const endYear = latestYear(second);
      const startYear = first.year ?? (first.month <= second.month ? endYear : endYear - 1);
      const end = monthRange(endYear, second.month, today);
      const start = iso(startYear, first.month, 1);
      if (start <= end.to) return { from: start, to: end.to };
    }
    if (SINCE.test(text) || ZH_SINCE.test(raw)) {
      const start = iso(latestYear(first), first.month, 1);
      return { from: start, to: today };
    }
    return monthRange(latestYear(first), first.month, today);
  }
  if (/\bthis year\b|\beste ano\b/u.test(text) || /今年/u.test(raw)) return yearRange(now.year, today);
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
