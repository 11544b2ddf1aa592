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

function findMonth(text: string, raw: string): number | undefined {
  const zh = /(?:^|[^\d一二三四五六七八九十个])(十[一二]?|[一二三四五六七八九]|1[0-2]|0?[1-9])\s*月/u.exec(raw);
  if (zh?.[1] !== undefined) return chineseNumber(zh[1].replace(/^0/, ''));
  for (const [index, name] of ES_MONTHS.entries()) if (new RegExp(`\\b${name}\\b`, 'u').test(text)) return index + 1;
  if (/\bsetiembre\b/u.test(text)) return 9;
  for (const [index, name] of EN_MONTHS.entries()) {
    // "may" is also a verb: only "in May", "for May", "May 2026" name the month.
    const pattern = name === 'may' ? /\b(?:in|for|during|of) may\b|\bmay \d{4}\b/u : new RegExp(`\\b${name}\\b`, 'u');
    if (pattern.test(text)) return index + 1;
  }
  for (const [index, name] of EN_SHORT.entries()) if (name !== '' && new RegExp(`\\b${name}\\b`, 'u').test(text)) return index + 1;
  return undefined;
}

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
  const month = findMonth(text, raw);
  if (month !== undefined) {
    const year = explicitYear ?? (month > now.month ? now.year - 1 : now.year);
    return monthRange(year, month, today);
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
