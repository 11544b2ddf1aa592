/**
 * "agent", "talk to a person", "hablar con un trabajador del caso", "转人工": the recognizer files
 * these under `contact_office`, like "email my office". A parent asking for a person wants the
 * helpline now, not a sign-in link, so these are told apart by words (in any of our languages,
 * from the locale files): a person word and no word about writing or email.
 */
import { LOCALES, translator } from '../../locales/i18n.js';
import { normalizeForMatching } from '../recognizer/normalize.js';

function wordsOf(key: string): readonly string[] {
  return [...new Set(LOCALES.flatMap((locale) => translator(locale)(key).split('|')).map((word) => normalizeForMatching(word)))].filter((w) => w !== '');
}

const PERSON_WORDS = wordsOf('office.person_words');
const EMAIL_WORDS = wordsOf('office.email_words');

/** Whole words for letters (so "agenda" is not "agent"), any substring for Chinese. */
function mentions(text: string, word: string): boolean {
  if (/\p{Script=Han}/u.test(word)) return text.includes(word);
  return ` ${text} `.includes(` ${word} `);
}

export function isPersonRequest(text: string): boolean {
  const normalized = normalizeForMatching(text);
  return PERSON_WORDS.some((w) => mentions(normalized, w)) && !EMAIL_WORDS.some((w) => mentions(normalized, w));
}
