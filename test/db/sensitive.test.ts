import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { containsSsn, findSensitiveSpans, maskSensitive, maskTranscript, redactText } from '../../db/sensitive.js';
import { acceptedSecrets, embedded, pinSpelling, ssnSpelling } from '../helpers/secrets.js';

describe('maskSensitive (regression: SSN spellings the parser accepts were stored in clear)', () => {
  it.each([
    ['900  11  1007', '•••  ••  ••••'],
    ['900 - 11 - 1001', '••• - •• - ••••'],
    ['9 0 0 1 1 1 0 0 1', '• • • • • • • • •'],
    ['900-111-001', '•••-•••-•••'],
    ['my ssn is 900-11-1001.', 'my ssn is •••-••-••••.'],
    ['ssn900111001', 'ssn•••••••••'],
    ['pin 24680, thanks', 'pin •••••, thanks'],
    ['900.11.1001', '•••.••.••••'],
    ['5 900 11 1001', '5 ••• •• ••••'],
  ])('masks %j', (input, expected) => {
    expect(maskSensitive(input)).toBe(expected);
  });

  it('keeps amounts, dates, case numbers, phone numbers and short numbers readable', () => {
    for (const text of [
      'I paid $1,125.00 on 2026-11-06, case 0101, 3 kids',
      'case CS24000101 and CS23000202',
      'payments from 2026-01-01 - 2026-03-31',
      'call 718-555-0199 or 7185550199',
      'due 11/06/2026 at 10:30, $250.00 and $1,250',
    ]) {
      expect(maskSensitive(text)).toBe(text);
      expect(findSensitiveSpans(text)).toEqual([]);
    }
  });

  it('hides every SSN in every accepted spelling, wherever it stands in a text', () => {
    fc.assert(
      fc.property(embedded(ssnSpelling), ({ digits, text }) => {
        expect(containsSsn(text)).toBe(true);
        expect(acceptedSecrets(text)).toContain(digits);
        const masked = maskSensitive(text);
        expect(acceptedSecrets(masked)).not.toContain(digits);
        expect(acceptedSecrets(redactText(text))).not.toContain(digits);
      }),
      { numRuns: 500 },
    );
  });

  it('hides every PIN wherever it stands in a text', () => {
    fc.assert(
      fc.property(embedded(pinSpelling), ({ digits, text }) => {
        expect(acceptedSecrets(maskSensitive(text))).not.toContain(digits);
        expect(acceptedSecrets(redactText(text))).not.toContain(digits);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves text without digits untouched', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/\d/.test(s)), (text) => {
        expect(maskSensitive(text)).toBe(text);
      }),
    );
  });
});

describe('maskTranscript', () => {
  it('hides a message that is only a 6-digit sign-in code, as the chat accepts it, and masks SSNs as before', () => {
    expect(maskTranscript('482913')).toBe('••••••');
    expect(maskTranscript('482 913')).toBe('••• •••');
    expect(maskTranscript('48-29-13')).toBe('••-••-••');
    expect(maskTranscript('my ssn is 900-11-1001')).toBe('my ssn is •••-••-••••');
    expect(maskTranscript('payments in 2026')).toBe('payments in 2026');
    expect(maskTranscript('1234567')).toBe('1234567');
  });
});

describe('redactText', () => {
  it('labels what it hides and keeps dates and amounts', () => {
    expect(redactText('ssn 9 0 0 1 1 1 0 0 1, pin 24680')).toBe('ssn [redacted-ssn], pin [redacted-pin]');
    expect(redactText('due 2026-11-27: $1,125.00')).toBe('due 2026-11-27: $1,125.00');
  });
});
