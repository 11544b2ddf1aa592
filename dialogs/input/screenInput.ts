/**
 * What a message holds before anyone tries to understand it. Odd input (nothing, a file, only
 * emoji, a novel, an SQL probe) gets a calm answer instead of reaching the recognizer or a prompt.
 */
import type { Activity } from 'botbuilder';
import { normalizePin } from '../../db/crypto.js';
import { containsSsn, digitChains } from '../../db/sensitive.js';
import { phrasePattern, WORDS } from '../../locales/words.js';
import { normalizeForMatching } from '../recognizer/normalize.js';

/** "PIN", "SSN", "密码", "seguro social" (`locales/<lang>/words.json`). */
const SECRET_WORDS = new RegExp(phrasePattern(WORDS.sensitive.secretWords.map(normalizeForMatching)), 'u');

export const MAX_INPUT_LENGTH = 2000;

export type ScreenedInput =
  | { kind: 'text'; text: string }
  | { kind: 'empty' }
  | { kind: 'attachment' }
  | { kind: 'no_words' }
  | { kind: 'too_long' }
  | { kind: 'unclear' };

/** C0 and C1 controls except newline; a tab becomes a space so words stay apart. */
export function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g, '');
}

/**
 * SQL keywords alone are ordinary words ("update my address from…"); a probe also carries SQL
 * punctuation. Nothing reaches SQL unparameterized anyway: this only keeps the answer sensible.
 */
export function looksLikeSql(text: string): boolean {
  const keywords = /\b(select|insert|update|delete|drop|alter|truncate|union)\b[\s\S]*\b(from|into|table|set|select|where|database)\b/i;
  const punctuation = /[;*=]|--|\/\*/;
  return (
    (keywords.test(text) && punctuation.test(text)) ||
    /['"`]\s*(or|and)\s+['"`]?\w+['"`]?\s*=\s*['"`]?\w+/i.test(text)
  );
}

/**
 * Anything the SSN parser would accept anywhere in the text (however spaced or hyphenated), a
 * message the PIN parser would accept, or a PIN-sized number (spaced digits too) next to the word
 * PIN or SSN: the parent should not type these unasked.
 */
export function looksSensitive(text: string): boolean {
  if (containsSsn(text) || normalizePin(text) !== null) return true;
  return SECRET_WORDS.test(normalizeForMatching(text)) && digitChains(text).some((c) => c.digits >= 4 && c.digits <= 9);
}

export function screenInput(activity: Pick<Partial<Activity>, 'text' | 'attachments'>): ScreenedInput {
  const text = stripControls(activity.text ?? '');
  if ([...text].length > MAX_INPUT_LENGTH) return { kind: 'too_long' };
  const trimmed = text.trim();
  if (trimmed === '') {
    return (activity.attachments?.length ?? 0) > 0 ? { kind: 'attachment' } : { kind: 'empty' };
  }
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return { kind: 'no_words' };
  if (looksLikeSql(trimmed)) return { kind: 'unclear' };
  return { kind: 'text', text: trimmed };
}
