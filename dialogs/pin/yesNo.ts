/**
 * Yes or no in any of our languages: parents mix them ("sí" in an English chat), and a short answer
 * is not worth a misunderstanding. The words live in the locale files with the other texts. "Send"
 * is a yes too: SMS asks for it, since a carrier reads "YES" as an opt-in keyword.
 */
import { LOCALES, translator } from '../../locales/i18n.js';

function words(key: string): Set<string> {
  return new Set(LOCALES.flatMap((locale) => translator(locale)(key).split('|').map((w) => w.trim().toLowerCase())));
}

const YES = new Set([...words('common.yes_words'), ...words('common.send_words')]);
const NO = words('common.no_words');

export function yesNo(text: string): 'yes' | 'no' | null {
  const cleaned = text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  if (YES.has(cleaned)) return 'yes';
  if (NO.has(cleaned)) return 'no';
  return null;
}
