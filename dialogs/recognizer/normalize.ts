/**
 * One normal form for rules and input alike, so a rule written "¿Cuánto debo?" matches a parent who
 * types "cuanto debo" on a phone without accents, and full-width "ＰＩＮ" matches "pin".
 */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .replace(/[\p{P}\p{S}\p{C}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}
