/**
 * The recognizer's word lists and training utterances, one folder per language
 * (`locales/<lang>/nlu.json`, `locales/<lang>/nlu.train.jsonl`), so adding a language adds files,
 * not code. All languages are merged: parents mix them, so every list applies to every message.
 */
import { readFileSync } from 'node:fs';
import { isLocale, LOCALES, type Locale } from '../../locales/i18n.js';
import { parseEvalFile, type EvalExample } from './evaluate.js';
import { normalizeForMatching } from './normalize.js';

export interface Lexicon {
  /** Normalized word (or Han string) → what the training data writes instead. */
  readonly spellings: ReadonlyMap<string, string>;
  readonly stopWords: ReadonlySet<string>;
  /** SMS carrier keywords: the carrier acts on them; the bot must not read an intent into them. */
  readonly carrierWords: ReadonlySet<string>;
  /** What parents call each language, in every language's own words ("Spanish", "西班牙语", "español"). */
  readonly languageNames: ReadonlyMap<Locale, readonly string[]>;
  /** "language", "idioma", "语言": asking which languages there are. */
  readonly languageWords: readonly string[];
}

interface LexiconFile {
  spellings?: Record<string, string>;
  stopWords?: string[];
  carrierWords?: string[];
  languageNames?: Record<string, string[]>;
  languageWords?: string[];
}

export function localeFile(locale: Locale, name: string): URL {
  return new URL(`../../locales/${locale}/${name}`, import.meta.url);
}

export function loadLexicon(locales: readonly Locale[] = LOCALES): Lexicon {
  const spellings = new Map<string, string>();
  const stopWords = new Set<string>();
  const carrierWords = new Set<string>();
  const languageNames = new Map<Locale, string[]>();
  const languageWords: string[] = [];
  for (const locale of locales) {
    const file = JSON.parse(readFileSync(localeFile(locale, 'nlu.json'), 'utf8')) as LexiconFile;
    for (const [from, to] of Object.entries(file.spellings ?? {})) spellings.set(normalizeForMatching(from), normalizeForMatching(to));
    for (const word of file.stopWords ?? []) stopWords.add(normalizeForMatching(word));
    for (const word of file.carrierWords ?? []) carrierWords.add(normalizeForMatching(word));
    for (const [target, names] of Object.entries(file.languageNames ?? {})) {
      if (!isLocale(target)) throw new Error(`locales/${locale}/nlu.json: unknown language ${target}`);
      languageNames.set(target, [...(languageNames.get(target) ?? []), ...names]);
    }
    languageWords.push(...(file.languageWords ?? []));
  }
  return { spellings, stopWords, carrierWords, languageNames, languageWords };
}

/** The training utterances of every language (never the held-out file, which lives with the tests). */
export function loadTrainingData(locales: readonly Locale[] = LOCALES): EvalExample[] {
  return locales.flatMap((locale) => parseEvalFile(readFileSync(localeFile(locale, 'nlu.train.jsonl'), 'utf8')));
}
