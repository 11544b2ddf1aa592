/**
 * The recognizer's word lists and training utterances, one folder per language
 * (`locales/<lang>/nlu.json`, `locales/<lang>/nlu.train.jsonl`), so adding a language adds files,
 * not code. All languages are merged: parents mix them, so every list applies to every message.
 */
import { readFileSync } from 'node:fs';
import { LOCALES, type Locale } from '../../locales/i18n.js';
import { parseEvalFile, type EvalExample } from './evaluate.js';
import { normalizeForMatching } from './normalize.js';

export interface Lexicon {
  /** Normalized word (or Han string) → what the training data writes instead. */
  readonly spellings: ReadonlyMap<string, string>;
  readonly stopWords: ReadonlySet<string>;
  /** SMS carrier keywords: the carrier acts on them; the bot must not read an intent into them. */
  readonly carrierWords: ReadonlySet<string>;
}

interface LexiconFile {
  spellings?: Record<string, string>;
  stopWords?: string[];
  carrierWords?: string[];
}

export function localeFile(locale: Locale, name: string): URL {
  return new URL(`../../locales/${locale}/${name}`, import.meta.url);
}

export function loadLexicon(locales: readonly Locale[] = LOCALES): Lexicon {
  const spellings = new Map<string, string>();
  const stopWords = new Set<string>();
  const carrierWords = new Set<string>();
  for (const locale of locales) {
    const file = JSON.parse(readFileSync(localeFile(locale, 'nlu.json'), 'utf8')) as LexiconFile;
    for (const [from, to] of Object.entries(file.spellings ?? {})) spellings.set(normalizeForMatching(from), normalizeForMatching(to));
    for (const word of file.stopWords ?? []) stopWords.add(normalizeForMatching(word));
    for (const word of file.carrierWords ?? []) carrierWords.add(normalizeForMatching(word));
  }
  return { spellings, stopWords, carrierWords };
}

/** The training utterances of every language (never the held-out file, which lives with the tests). */
export function loadTrainingData(locales: readonly Locale[] = LOCALES): EvalExample[] {
  return locales.flatMap((locale) => parseEvalFile(readFileSync(localeFile(locale, 'nlu.train.jsonl'), 'utf8')));
}
