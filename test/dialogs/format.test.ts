import { describe, expect, it } from '@jest/globals';
import { formatDate, formatMoney, lastFour } from '../../dialogs/format.js';

describe('format', () => {
  it('writes dollars the same way in every language', () => {
    expect(formatMoney(112500)).toBe('$1,125.00');
    expect(formatMoney(270000)).toBe('$2,700.00');
    expect(formatMoney(5)).toBe('$0.05');
  });

  it('writes dates in the parent language, without a time zone shifting the day', () => {
    expect(formatDate('2026-11-27', 'en')).toBe('November 27, 2026');
    expect(formatDate('2026-11-27', 'zh-Hans')).toBe('2026年11月27日');
    expect(formatDate('2026-11-27', 'es')).toBe('27 de noviembre de 2026');
    expect(formatDate('2026-01-01', 'en')).toBe('January 1, 2026');
  });

  it('shows only the last four characters of a case number', () => {
    expect(lastFour('CS24000101')).toBe('0101');
  });
});
