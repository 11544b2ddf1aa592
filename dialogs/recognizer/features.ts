/**
 * What the classifier sees of a message. Three kinds of feature, because parents type three ways:
 * whole words (and word pairs) for well-spelled text; character n-grams inside words, so "balnce"
 * and "paymnt" still share most of their pieces with "balance" and "payment"; Han characters and
 * character pairs, because Chinese has no spaces to split on.
 *
 * Before that, each Latin word the training data never used is corrected to a training word one
 * edit away ("balnce" → "balance"), and the share of the message the training data knows at all is
 * measured: a message of words never seen ("my son plays soccer") is not understood, however the
 * classifier would rank it.
 */
import type { Lexicon } from './lexicon.js';
import { normalizeForMatching } from './normalize.js';

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
const LATIN_WORD = /[\p{L}\p{N}]+/gu;
/** Shorter words are too easily one edit from another word ("pin"/"pun", "owe"/"one"). */
const MIN_CORRECTABLE = 5;
/** How much a corrected word counts toward coverage (a known word counts 1). */
const CORRECTED_WEIGHT = 0.5;

/** Applies the spelling map word by word (Latin) and substring by substring (Han). */
export function respell(normalized: string, lexicon: Lexicon): string {
  const words = normalized.split(' ').map((word) => lexicon.spellings.get(word) ?? word);
  let text = words.join(' ');
  for (const [from, to] of lexicon.spellings) if (HAN.test(from) && text.includes(from)) text = text.split(from).join(to);
  return text;
}

/** Deletion, insertion, substitution or swap of two neighbours: the slips of a thumb on a phone. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i);
}

/** The Latin words and Han characters of the training data, to correct and measure against. */
export interface VocabularyModel {
  /** Word → how many training lines use it (the most used wins a correction). */
  readonly words: Readonly<Record<string, number>>;
  /** Every Han character of the training lines, as one string. */
  readonly han: string;
}

export class Vocabulary {
  private readonly words: Map<string, number>;
  private readonly han: Set<string>;
  private readonly corrections = new Map<string, string | null>();

  private constructor(model: VocabularyModel) {
    this.words = new Map(Object.entries(model.words));
    this.han = new Set(model.han);
  }

  static fromTexts(texts: readonly string[], lexicon: Lexicon): Vocabulary {
    const words: Record<string, number> = {};
    const han = new Set<string>();
    for (const text of texts) {
      const normalized = respell(normalizeForMatching(text), lexicon);
      for (const word of latinWords(normalized)) words[word] = (words[word] ?? 0) + 1;
      for (const char of normalized.match(HAN_RUN)?.join('') ?? '') han.add(char);
    }
    return new Vocabulary({ words, han: [...han].sort().join('') });
  }

  static fromJSON(model: VocabularyModel): Vocabulary {
    return new Vocabulary(model);
  }

  toJSON(): VocabularyModel {
    return { words: Object.fromEntries([...this.words].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), han: [...this.han].join('') };
  }

  /**
   * The word itself if known, else the most frequent known word one edit away that starts with the
   * same letter (thumbs slip inside a word; "fever" is not a typo of "never"), else null.
   */
  correct(word: string): string | null {
    if (this.words.has(word) || /^\d+$/.test(word)) return word;
    if (word.length < MIN_CORRECTABLE) return null;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached;
    let best: string | null = null;
    let bestCount = 0;
    for (const [known, count] of this.words) {
      if (known.length >= MIN_CORRECTABLE - 1 && count > bestCount && known[0] === word[0] && withinOneEdit(word, known)) {
        best = known;
        bestCount = count;
      }
    }
    if (this.corrections.size < 10_000) this.corrections.set(word, best);
    return best;
  }

  knowsHan(char: string): boolean {
    return this.han.has(char);
  }

}

function latinWords(normalized: string): string[] {
  return normalized.replace(HAN_RUN, ' ').match(LATIN_WORD) ?? [];
}

export interface Features {
  readonly features: readonly string[];
  /** Share of the message's content words and Han characters the training data has seen, in [0, 1]. */
  readonly coverage: number;
}

export function featuresOf(text: string, lexicon: Lexicon, vocabulary?: Vocabulary): Features {
  const normalized = respell(normalizeForMatching(text), lexicon);
  const features = new Set<string>();
  let content = 0;
  let known = 0;
  const latin = latinWords(normalized).map((word) => {
    if (vocabulary === undefined) return word;
    const corrected = vocabulary.correct(word);
    if (!lexicon.stopWords.has(word)) {
      content += 1;
      // A corrected word is a guess: it counts half, so "my truck" read as "my track" stays unsure.
      if (corrected === word) known += 1;
      else if (corrected !== null) known += CORRECTED_WEIGHT;
    }
    return corrected ?? word;
  });
  for (const word of latin) if (!lexicon.stopWords.has(word)) features.add(`w:${word}`);
  for (let i = 1; i < latin.length; i += 1) features.add(`b:${latin[i - 1]}_${latin[i]}`);
  for (const word of latin) {
    if (word.length < 3) continue;
    const padded = ` ${word} `;
    for (let n = 3; n <= 4; n += 1) for (let i = 0; i + n <= padded.length; i += 1) features.add(`c:${padded.slice(i, i + n)}`);
  }
  for (const run of normalized.match(HAN_RUN) ?? []) {
    const chars = [...run];
    chars.forEach((char, i) => {
      if (!lexicon.stopWords.has(char)) {
        features.add(`h:${char}`);
        content += 1;
        if (vocabulary?.knowsHan(char) === true) known += 1;
      }
      if (i + 1 < chars.length) features.add(`h:${char}${chars[i + 1]}`);
      if (i + 2 < chars.length) features.add(`h:${char}${chars[i + 1]}${chars[i + 2]}`);
    });
  }
  return { features: [...features], coverage: content === 0 ? 0 : known / content };
}
