/**
 * The recognizer's word lists and training utterances, one folder per language
 * (`locales/<lang>/nlu.json`, `locales/<lang>/nlu.train.jsonl`), so adding a language adds files,
 * not code. All languages are merged: parents mix them, so every list applies to every message.
 */
import { readFileSync } from 'node:fs';
import { isLocale, LOCALES, type Locale } from '../../locales/i18n.js';
import { parseEvalFile, type EvalExample } from './evaluate.js';
import { normalizeForMatching } from './normalize.js';
import { isIntent, type Intent } from './Recognizer.js';

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
  /**
   * Small talk as whole-message phrases ("thx", "nvm", "gracias", "谢谢"), by intent: a message made
   * only of these (and `fillers`) is that intent for certain (see SmallTalk.ts).
   */
  readonly smallTalk: ReadonlyMap<SmallTalkIntent, readonly string[]>;
  /** Words that change nothing in small talk ("ok", "pues", "啊"): "ok bye" is "bye". */
  readonly fillers: readonly string[];
}

/**
 * The intents small talk can be, most decisive first when a message mixes them: "never mind,
 * thanks" and "hi, thanks" take their leave, "hi, help" asks for help.
 */
export const SMALL_TALK_INTENTS = ['goodbye', 'cancel', 'help', 'greeting'] as const;
export type SmallTalkIntent = (typeof SMALL_TALK_INTENTS)[number];

interface LexiconFile {
  spellings?: Record<string, string>;
  stopWords?: string[];
  carrierWords?: string[];
  languageNames?: Record<string, string[]>;
  languageWords?: string[];
  smallTalk?: Record<string, string[]>;
  fillers?: string[];
}

export function localeFile(locale: Locale, name: string): URL {
  return new URL(`../../locales/${locale}/${name}`, import.meta.url);
}

let everyLanguage: Lexicon | undefined;

/**
 * The lexicon of `locales`. Every language's (the default) is read once and shared: the intent
 * recognizer, the keyword rules and the sign-in wait's goodbye check each ask for it, and it is
 * read-only.
 */
export function loadLexicon(locales: readonly Locale[] = LOCALES): Lexicon {
  if (locales !== LOCALES) return readLexicon(locales);
  everyLanguage ??= readLexicon(LOCALES);
  return everyLanguage;
}

function readLexicon(locales: readonly Locale[]): Lexicon {
  const spellings = new Map<string, string>();
  const stopWords = new Set<string>();
  const carrierWords = new Set<string>();
  const languageNames = new Map<Locale, string[]>();
  const languageWords: string[] = [];
  const smallTalk = new Map<SmallTalkIntent, string[]>(SMALL_TALK_INTENTS.map((intent) => [intent, []]));
  const fillers: string[] = [];
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
    for (const [intent, phrases] of Object.entries(file.smallTalk ?? {})) {
      const list = smallTalk.get(intent as SmallTalkIntent);
      if (list === undefined) throw new Error(`locales/${locale}/nlu.json: smallTalk.${intent} is not a small-talk intent`);
      list.push(...phrases);
    }
    fillers.push(...(file.fillers ?? []));
  }
  return { spellings, stopWords, carrierWords, languageNames, languageWords, smallTalk, fillers };
}

/** The training utterances of every language (never the held-out file, which lives with the tests). */
export function loadTrainingData(locales: readonly Locale[] = LOCALES): EvalExample[] {
  return locales.flatMap((locale) => parseEvalFile(readFileSync(localeFile(locale, 'nlu.train.jsonl'), 'utf8')));
}

/** One keyword rule of `locales/<lang>/keywords.json`. */
export interface KeywordRule {
  readonly intent: Exclude<Intent, 'none'>;
  readonly weight: number;
  readonly phrases: readonly string[];
  readonly entities?: Readonly<Record<string, string>>;
}

interface KeywordFile {
  rules?: { intent?: unknown; weight?: unknown; phrases?: unknown; entities?: unknown }[];
}

/**
 * Every language's keyword rules (`locales/<lang>/keywords.json`), checked as they load: a typo in a
 * language folder fails at start-up, not as a silently dead rule.
 */
export function loadKeywordRules(locales: readonly Locale[] = LOCALES): KeywordRule[] {
  const rules: KeywordRule[] = [];
  for (const locale of locales) {
    const file = JSON.parse(readFileSync(localeFile(locale, 'keywords.json'), 'utf8')) as KeywordFile;
    for (const [index, rule] of (file.rules ?? []).entries()) {
      const where = `locales/${locale}/keywords.json rules[${index}]`;
      const { intent, weight, phrases, entities } = rule;
      if (!isIntent(intent) || intent === 'none') throw new Error(`${where}: unknown intent`);
      if (typeof weight !== 'number' || weight <= 0 || weight > 1) throw new Error(`${where}: weight must be in (0, 1]`);
      if (!Array.isArray(phrases) || phrases.length === 0 || !phrases.every((p): p is string => typeof p === 'string' && p.trim() !== '')) {
        throw new Error(`${where}: phrases must be non-empty strings`);
      }
      if (entities !== undefined && (typeof entities !== 'object' || entities === null || !Object.values(entities).every((v) => typeof v === 'string'))) {
        throw new Error(`${where}: entities must map names to strings`);
      }
      rules.push({ intent, weight, phrases, ...(entities === undefined ? {} : { entities: entities as Record<string, string> }) });
    }
  }
  return rules;
}
