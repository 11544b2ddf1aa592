/**
 * Keyword rules, one file per language (`locales/<lang>/keywords.json`). Every rule applies
 * whatever the conversation's language, because parents mix: a Spanish speaker in an English conversation who types "saldo" means balance.
 *
 * Scoring: a text that is exactly a phrase scores 1; a phrase inside a longer text scores the rule's
 * weight plus a little for how much of the text it covers. Weights rank the rules: specific phrases
 * ("last payment") outrank the generic words inside them ("payment"), and small talk ("hi", "help")
 * loses to any real request in the same message.
 */
import type { Locale } from '../../locales/i18n.js';
import { loadKeywordRules, loadLexicon, type KeywordRule, type Lexicon } from './lexicon.js';
import { normalizeForMatching } from './normalize.js';
import type { Recognition, Recognizer } from './Recognizer.js';

type Rule = KeywordRule;

/** Naming a language switches to it; the names live with each language (`locales/<lang>/nlu.json`). */
function languageRules(lexicon: Lexicon): Rule[] {
  return [
    ...[...lexicon.languageNames].map(([locale, phrases]): Rule => ({ intent: 'language', weight: 0.9, phrases, entities: { locale } })),
    { intent: 'language', weight: 0.8, phrases: lexicon.languageWords },
  ];
}

const LATIN = /[a-z0-9]/;

interface CompiledPhrase {
  readonly rule: Rule;
  readonly phrase: string;
  readonly test: (text: string) => boolean;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Latin phrases match whole words only ("pin" must not fire inside "spinning"); Chinese has no spaces,
 * so Han phrases match anywhere. A Latin phrase next to Han characters ("pin码") still counts.
 */
function compile(rule: Rule, raw: string): CompiledPhrase {
  const phrase = normalizeForMatching(raw);
  if (!LATIN.test(phrase)) return { rule, phrase, test: (text) => text.includes(phrase) };
  const pattern = new RegExp(`(?<![a-z0-9])${escapeRegExp(phrase)}(?![a-z0-9])`, 'u');
  return { rule, phrase, test: (text) => pattern.test(text) };
}

const COMPILED: readonly CompiledPhrase[] = [...loadKeywordRules(), ...languageRules(loadLexicon())].flatMap((rule) => rule.phrases.map((p) => compile(rule, p)));

/**
 * A text that is exactly a phrase scores 1, which no other phrase can beat, and among phrases
 * scoring 1 the first in file order wins: so the scan's answer for it is known in advance. Most
 * messages are a command word ("help", "menu"); they skip the few hundred patterns.
 */
const EXACT = new Map<string, CompiledPhrase>();
for (const compiled of COMPILED) {
  if (!EXACT.has(compiled.phrase) && compiled.test(compiled.phrase)) EXACT.set(compiled.phrase, compiled);
}

/** Characters that carry meaning: spaces do not make a text "longer" for coverage. */
function weightOf(text: string): number {
  return [...text.replace(/ /g, '')].length;
}

export class KeywordRecognizer implements Recognizer {
  async recognize(text: string, _locale?: Locale): Promise<Recognition> {
    return this.recognizeSync(text);
  }

  /** Synchronous core, for the evaluation command and tests. */
  recognizeSync(text: string): Recognition {
    const normalized = normalizeForMatching(text);
    if (normalized === '') return { intent: 'none', score: 1, entities: {} };
    const exact = EXACT.get(normalized);
    if (exact !== undefined) return { intent: exact.rule.intent, score: 1, entities: { ...exact.rule.entities } };
    const length = weightOf(normalized);
    let best: { compiled: CompiledPhrase; score: number } | undefined;
    for (const compiled of COMPILED) {
      if (!compiled.test(normalized)) continue;
      const score =
        compiled.phrase === normalized
          ? 1
          : Math.min(0.99, compiled.rule.weight + 0.1 * (weightOf(compiled.phrase) / length));
      if (best === undefined || score > best.score) best = { compiled, score };
    }
    if (best === undefined) return { intent: 'none', score: 1, entities: {} };
    const score = Math.round(best.score * 1000) / 1000;
    return { intent: best.compiled.rule.intent, score, entities: { ...best.compiled.rule.entities } };
  }
}
