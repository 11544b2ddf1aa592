import { describe, expect, it } from '@jest/globals';
import {
  looksLikeSql,
  looksSensitive,
  MAX_INPUT_LENGTH,
  screenInput,
  stripControls,
} from '../../../dialogs/input/screenInput.js';

describe('screenInput', () => {
  it('passes ordinary text through, trimmed', () => {
    expect(screenInput({ text: '  what is my balance?  ' })).toEqual({ kind: 'text', text: 'what is my balance?' });
  });

  it.each([
    ['', 'empty'],
    ['   \n\t ', 'empty'],
    ['👍👍', 'no_words'],
    ['?!…', 'no_words'],
    ["'; DROP TABLE users; --", 'unclear'],
    ["' OR '1'='1", 'unclear'],
    ['SELECT * FROM payments', 'unclear'],
  ])('%j is %s', (text, kind) => {
    expect(screenInput({ text }).kind).toBe(kind);
  });

  it('tells an attachment-only message from an empty one', () => {
    expect(screenInput({ attachments: [{ contentType: 'image/png', contentUrl: 'https://example.test/a.png' }] }).kind).toBe(
      'attachment',
    );
    expect(screenInput({}).kind).toBe('empty');
  });

  it('refuses text over the limit, counting characters not UTF-16 units', () => {
    expect(screenInput({ text: 'a'.repeat(MAX_INPUT_LENGTH) }).kind).toBe('text');
    expect(screenInput({ text: 'a'.repeat(MAX_INPUT_LENGTH + 1) }).kind).toBe('too_long');
    expect(screenInput({ text: '余'.repeat(MAX_INPUT_LENGTH) }).kind).toBe('text');
    expect(screenInput({ text: '😀'.repeat(MAX_INPUT_LENGTH) }).kind).toBe('no_words');
  });

  it('strips C0 and C1 controls but keeps newlines', () => {
    expect(stripControls('bal\u0000an\u0007ce\u009b\nok\tnow\u007f')).toBe('balance\nok now');
    expect(screenInput({ text: '\u0000\u0001\u0085' }).kind).toBe('empty');
  });

  it('does not take ordinary sentences with SQL words for SQL', () => {
    expect(looksLikeSql('I want to update my address from the old one')).toBe(false);
    expect(looksLikeSql('select a payment from the list')).toBe(false);
  });

  it('spots SSN and PIN shapes', () => {
    expect(looksSensitive('my ssn is 123-45-6789')).toBe(true);
    expect(looksSensitive('123456789')).toBe(true);
    expect(looksSensitive('my pin is 4821')).toBe(true);
    expect(looksSensitive('我的密码是 4821')).toBe(true);
    expect(looksSensitive('I lost my PIN')).toBe(false);
    expect(looksSensitive('I paid $250 in 2024')).toBe(false);
  });

  it('spots every SSN spelling the parser accepts, and a PIN only as the parser takes it or when named', () => {
    for (const text of ['900  11  1007', 'ssn 900 - 11 - 1001', 'it is 9 0 0 1 1 1 0 0 1', '900-111-001', ' 24680 ', 'my pin is 2 4 6 8 0']) {
      expect(looksSensitive(text)).toBe(true);
    }
    for (const text of ['payments from 2026-01-01 - 2026-03-31', 'case CS24000101', 'I moved to 10001 last year', 'call 718-555-0199']) {
      expect(looksSensitive(text)).toBe(false);
    }
  });
});
