/**
 * The conversation's word lists (dates, case choice, words that name a secret), one
 * `locales/<lang>/words.json` per language, so a new language is a new folder and not code. Every
 * language's words are merged: parents mix languages ("desde enero" in an English chat), so every
 * list applies to every message. The recognizer's own lists live beside them (`nlu.json`,
 * `keywords.json`) and load in `dialogs/recognizer/lexicon.ts`.
 */
import { readFileSync } from 'node:fs';
import { LOCALES, type Locale } from './i18n.js';

export interface DateWords {
  /** Twelve entries, January first; each the ways of writing that month ("sept", "9月"). */
  readonly months: readonly (readonly string[])[];
  /** Month names that are ordinary words too ("may"): a month only after a preposition or before a year. */
  readonly ambiguousMonths: readonly string[];
  readonly monthPrepositions: readonly string[];
  /** What may follow a month and belongs to it ("三月份"). */
  readonly monthTrail: readonly string[];
  /** What follows a year written before its month ("2026年3月"). */
  readonly yearBefore: readonly string[];
  /** What joins a month to the year after it ("marzo de 2026"). */
  readonly yearJoiners: readonly string[];
  /** Number words for a count of months ("last six months", "最近三个月"). */
  readonly numbers: Readonly<Record<string, number>>;
  /** "since March": from the month to today. */
  readonly since: readonly string[];
  /** "January to March": two months make one range. */
  readonly between: readonly string[];
  readonly thisMonth: readonly string[];
  readonly lastMonth: readonly string[];
  readonly thisYear: readonly string[];
  readonly lastYear: readonly string[];
  /** "last", "últimos", "最近": before a count of months. */
  readonly recent: readonly string[];
  /** "months", "meses", "个月": after a count of months. */
  readonly monthUnits: readonly string[];
}

export interface LanguageWords {
  /** BCP-47 tags (and their subtags: "zh" takes "zh-CN") that this language serves. */
  readonly tags: readonly string[];
  readonly dates: DateWords;
  readonly cases: {
    /** "all", "todos", "全部": every case at once. */
    readonly all: readonly string[];
    /** "case", "caso", "案": before the last four digits of a case number. */
    readonly caseWords: readonly string[];
  };
  /** Text reminders: which messages speak of them, and whether to turn them off or ask how they stand. */
  readonly reminders: {
    /** "remind", "recordatorio", "提醒": the message is about reminders. */
    readonly about: readonly string[];
    /** "stop", "desactivar", "关闭": turn them off. */
    readonly off: readonly string[];
    /** "status", "estado", "状态": how they stand, anywhere in the message. */
    readonly status: readonly string[];
    /** "reminders", "mis recordatorios": how they stand, as the whole message. */
    readonly statusWhole: readonly string[];
    /** The agreement word, as the whole message: never YES, a carrier keyword. */
    readonly agree: readonly string[];
  };
  readonly sensitive: {
    /** Words that name a PIN or an SSN: next to a number that size, the message is held back. */
    readonly secretWords: readonly string[];
    /** Words that name a PIN (or a password) in a message to the office. */
    readonly pinWords: readonly string[];
  };
}

/** Lists that may be empty in a language that has no such thing (no year joiner in Chinese). */
export const OPTIONAL_LISTS: readonly string[] = [
  'dates.ambiguousMonths',
  'dates.monthPrepositions',
  'dates.monthTrail',
  'dates.yearBefore',
  'dates.yearJoiners',
];

export function wordsFile(locale: string, root: URL = new URL('./', import.meta.url)): URL {
  return new URL(`${locale}/words.json`, root);
}

/** One language's words, checked for shape: a missing list fails at start-up, not mid-conversation. */
export function loadLanguageWords(locale: string, root?: URL): LanguageWords {
  const words = JSON.parse(readFileSync(wordsFile(locale, root), 'utf8')) as LanguageWords;
  const where = `locales/${locale}/words.json`;
  if (!Array.isArray(words.tags) || words.tags.length === 0) throw new Error(`${where}: tags missing`);
  if (!Array.isArray(words.dates?.months) || words.dates.months.length !== 12) throw new Error(`${where}: dates.months must list 12 months`);
  return words;
}

function merge<T>(pick: (words: LanguageWords) => readonly T[]): T[] {
  return LOCALES.flatMap((locale) => pick(ALL[locale]));
}

const ALL = Object.fromEntries(LOCALES.map((locale) => [locale, loadLanguageWords(locale)])) as Record<Locale, LanguageWords>;

/** Every language's words, merged list by list. */
export const WORDS = {
  dates: {
    months: Array.from({ length: 12 }, (_, index) => merge((w) => w.dates.months[index] ?? [])),
    ambiguousMonths: merge((w) => w.dates.ambiguousMonths),
    monthPrepositions: merge((w) => w.dates.monthPrepositions),
    monthTrail: merge((w) => w.dates.monthTrail),
    yearBefore: merge((w) => w.dates.yearBefore),
    yearJoiners: merge((w) => w.dates.yearJoiners),
    numbers: Object.assign({}, ...LOCALES.map((locale) => ALL[locale].dates.numbers)) as Record<string, number>,
    since: merge((w) => w.dates.since),
    between: merge((w) => w.dates.between),
    thisMonth: merge((w) => w.dates.thisMonth),
    lastMonth: merge((w) => w.dates.lastMonth),
    thisYear: merge((w) => w.dates.thisYear),
    lastYear: merge((w) => w.dates.lastYear),
    recent: merge((w) => w.dates.recent),
    monthUnits: merge((w) => w.dates.monthUnits),
  } satisfies DateWords,
  cases: { all: merge((w) => w.cases.all), caseWords: merge((w) => w.cases.caseWords) },
  sensitive: { secretWords: merge((w) => w.sensitive.secretWords), pinWords: merge((w) => w.sensitive.pinWords) },
  reminders: {
    about: merge((w) => w.reminders.about),
    off: merge((w) => w.reminders.off),
    status: merge((w) => w.reminders.status),
    statusWhole: merge((w) => w.reminders.statusWhole),
    agree: merge((w) => w.reminders.agree),
  },
} as const;

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One alternation of `phrases` (already in the form they are matched against), longest first so
 * "十一月" wins over "一月". A phrase that begins or ends with a Latin letter or digit matches only
 * at a word boundary there ("pin" not inside "spinning", "1月" not inside "11月"); Han text has no
 * spaces and matches anywhere.
 */
export function phrasePattern(phrases: readonly string[]): string {
  const sorted = [...new Set(phrases)].filter((p) => p !== '').sort((a, b) => b.length - a.length);
  const parts = sorted.map((phrase) => {
    const head = /^[a-z0-9]/u.test(phrase) ? '(?<![a-z0-9])' : '';
    const tail = /[a-z0-9]$/u.test(phrase) ? '(?![a-z0-9])' : '';
    return `${head}${escapeRegExp(phrase)}${tail}`;
  });
  return parts.length === 0 ? '(?!)' : `(?:${parts.join('|')})`;
}
