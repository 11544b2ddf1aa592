/**
 * Generators and checks for SSNs and PINs "in every spelling the parsers accept", shared by the
 * masker's own property test and the one that drives the real Direct Line server.
 */
import fc from 'fast-check';
import { normalizePin, normalizeSsn } from '../../db/crypto.js';

/** Everything `normalizeSsn` strips between digits: hyphens and the whitespace `\s` matches. */
const JOINERS = ['-', ' ', '  ', ' - ', '\t', '\u00a0', '\u3000', '\u2009', '\n', '--', ' -  '];

/** Nine digits, cut into groups anywhere, joined by any mix of what the parser strips. */
export const ssnSpelling = fc
  .tuple(fc.stringMatching(/^[0-9]{9}$/), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.array(fc.constantFrom(...JOINERS), { minLength: 8, maxLength: 8 }))
  .map(([digits, cuts, joiners]) => {
    let spelled = digits[0] ?? '';
    for (let i = 1; i < 9; i++) spelled += (cuts[i - 1] === true ? joiners[i - 1] : '') + digits[i];
    return { digits, spelled };
  });

export const pinSpelling = fc.stringMatching(/^[0-9]{5}$/).map((digits) => ({ digits, spelled: digits }));

/** Words, punctuation, amounts and stray digits around the secret, never glued to its digits. */
const filler = fc.array(
  fc.oneof(
    fc.constantFrom('my', 'ssn', 'is', 'pin', 'PIN:', 'please', 'case', 'CS24000101', '$1,125.00', '2026-11-06', '#', '(', ')', ',', '.', '😀', '号码', 'número', '7'),
    fc.string({ maxLength: 6 }),
  ),
  { maxLength: 6 },
);
const boundary = fc.constantFrom(' ', ': ', ' (', '\n', ', ', ' "', 'x');

export function embedded(secret: fc.Arbitrary<{ digits: string; spelled: string }>): fc.Arbitrary<{ digits: string; text: string }> {
  return fc.tuple(filler, boundary, secret, boundary, filler).map(([before, left, { digits, spelled }, right, after]) => {
    // The boundaries are never digits: a digit glued to the secret would make a longer number.
    return { digits, text: `${before.join(' ')}${left}${spelled}${right}${after.join(' ')}` };
  });
}

/** Every SSN and PIN some substring of `text` would be accepted as by the parsers. */
export function acceptedSecrets(text: string): Set<string> {
  const found = new Set<string>();
  const digitAt: number[] = [];
  for (let i = 0; i < text.length; i++) if (/\d/.test(text[i] ?? '')) digitAt.push(i);
  for (let a = 0; a < digitAt.length; a++) {
    for (let b = a; b < digitAt.length && b - a < 9; b++) {
      const piece = text.slice(digitAt[a], (digitAt[b] ?? 0) + 1);
      const ssn = normalizeSsn(piece);
      if (ssn !== null) found.add(ssn);
      const pin = normalizePin(piece);
      if (pin !== null) found.add(pin);
    }
  }
  return found;
}
