/**
 * Small talk by exact phrase. Greetings, thanks, "never mind" and "help" are short, and a short
 * message gives a classifier little to go on ("cya", "chao", "当我没说" fell to `none`), yet the
 * phrases are few and closed: a list is exact where a model guesses. A message made only of
 * listed phrases and fillers ("ok thx bye!!", "hola hola", "谢谢啦") is that intent, with certainty;
 * anything else in it ("thanks, what's my balance") leaves the message to the classifier.
 *
 * Matching works on the normal form (see normalize.ts) after the spelling map, with every run of
 * a repeated letter squeezed to one on both sides, so "heyyy", "graciass" and "byeee" match
 * "hey", "gracias" and "bye". Words are Latin words and single Han characters, so "你好你好" is
 * two phrases and "hi你好" is too.
 */
import { respell } from './features.js';
import { SMALL_TALK_INTENTS, type Lexicon, type SmallTalkIntent } from './lexicon.js';
import { normalizeForMatching } from './normalize.js';

const TOKEN = /\p{Script=Han}|[^\s\p{Script=Han}]+/gu;
/** Longer messages are not small talk, whatever they start with. */
const MAX_TOKENS = 16;
const FILLER = -1;

function tokens(text: string, lexicon: Lexicon): string[] {
  return (respell(normalizeForMatching(text), lexicon).match(TOKEN) ?? []).map((token) => token.replace(/(.)\1+/gu, '$1'));
}

interface Cover {
  /** Phrases used, fillers not counted. */
  readonly count: number;
  /** Rank in SMALL_TALK_INTENTS of the most decisive phrase, or FILLER. */
  readonly rank: number;
}

/** A cover with an intent beats fillers alone ("你好" is a greeting, not 你 + 好); then fewer phrases; then the more decisive. */
function better(a: Cover, b: Cover): boolean {
  if ((a.rank === FILLER) !== (b.rank === FILLER)) return b.rank === FILLER;
  if (a.count !== b.count) return a.count < b.count;
  return a.rank < b.rank;
}

export class SmallTalk {
  /** First token → phrases starting with it, each with its rank in SMALL_TALK_INTENTS (or FILLER). */
  private readonly phrases = new Map<string, { readonly words: readonly string[]; readonly rank: number }[]>();

  constructor(private readonly lexicon: Lexicon) {
    const add = (phrase: string, rank: number): void => {
      const words = tokens(phrase, lexicon);
      const first = words[0];
      if (first === undefined) return;
      const list = this.phrases.get(first) ?? [];
      if (!list.some((p) => p.rank === rank && p.words.join(' ') === words.join(' '))) list.push({ words, rank });
      this.phrases.set(first, list);
    };
    SMALL_TALK_INTENTS.forEach((intent, rank) => {
      for (const phrase of lexicon.smallTalk.get(intent) ?? []) add(phrase, rank);
    });
    for (const filler of lexicon.fillers) add(filler, FILLER);
  }

  /** The small-talk intent a message is made of, or undefined when any of it is something else. */
  match(text: string): SmallTalkIntent | undefined {
    const words = tokens(text, this.lexicon);
    if (words.length === 0 || words.length > MAX_TOKENS) return undefined;
    // best[i]: the best cover of words[0..i) (see `better`): "thanks for the help" is one goodbye
    // phrase, not goodbye + help.
    const best: (Cover | undefined)[] = new Array<undefined>(words.length + 1).fill(undefined);
    best[0] = { count: 0, rank: FILLER };
    for (let i = 0; i < words.length; i += 1) {
      const here = best[i];
      if (here === undefined) continue;
      for (const phrase of this.phrases.get(words[i] ?? '') ?? []) {
        const end = i + phrase.words.length;
        if (end > words.length || !phrase.words.every((word, k) => words[i + k] === word)) continue;
        const count = here.count + (phrase.rank === FILLER ? 0 : 1);
        const rank = here.rank === FILLER ? phrase.rank : phrase.rank === FILLER ? here.rank : Math.min(here.rank, phrase.rank);
        const previous = best[end];
        if (previous === undefined || better({ count, rank }, previous)) {
          best[end] = { count, rank };
        }
      }
    }
    const rank = best[words.length]?.rank;
    return rank === undefined || rank === FILLER ? undefined : SMALL_TALK_INTENTS[rank];
  }
}
