import { describe, expect, it } from '@jest/globals';
import { documentParams, lastFullMonth, parseMonthSpan } from '../../../dialogs/documents/period.js';

const AS_OF = '2026-11-20';

describe('the period a document covers', () => {
  it.each([
    ['statement', { from: '2026-10-01', to: '2026-10-31' }],
    ['my October statement', { from: '2026-10-01', to: '2026-10-31' }],
    ['十月份的对账单', { from: '2026-10-01', to: '2026-10-31' }],
    ['estado de cuenta de octubre', { from: '2026-10-01', to: '2026-10-31' }],
    ['statement for 2025', { from: '2025-01-01', to: '2025-12-31', year: 2025 }],
    ['statement this year', { from: '2026-01-01', to: '2026-11-20', year: 2026 }],
    ['statement from August to October', { from: '2026-08-01', to: '2026-10-31' }],
    ['statement november 2025 to february 2026', { from: '2025-11-01', to: '2026-02-28' }],
    ['estado de cuenta de agosto a octubre', { from: '2026-08-01', to: '2026-10-31' }],
    ['八月到十月的对账单', { from: '2026-08-01', to: '2026-10-31' }],
    ['statement from December to February', { from: '2025-12-01', to: '2026-02-28' }],
  ])('"%s"', (text, expected) => {
    expect(documentParams('statement', text, AS_OF)).toEqual({ asOf: AS_OF, ...expected });
  });

  it('a notice is of one month: the month named, or the last full one', () => {
    expect(documentParams('monthly_notice', 'notice', AS_OF)).toEqual({ asOf: AS_OF, from: '2026-10-01', to: '2026-10-31' });
    expect(documentParams('monthly_notice', 'notice for March', AS_OF)).toEqual({ asOf: AS_OF, from: '2026-03-01', to: '2026-03-31' });
    expect(documentParams('monthly_notice', 'notice for 2025', AS_OF)).toEqual({ asOf: AS_OF, from: '2025-12-01', to: '2025-12-31' });
  });

  it('a coupon has no period', () => {
    expect(documentParams('payment_coupon', 'coupon for October', AS_OF)).toEqual({ asOf: AS_OF });
  });

  it('the last full month is the month itself on its last day', () => {
    expect(lastFullMonth('2026-11-30')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(lastFullMonth('2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('a span never runs past the as-of date, and "may" alone is not a month', () => {
    expect(parseMonthSpan('statement from September to November', AS_OF)).toEqual({ from: '2026-09-01', to: '2026-11-20' });
    expect(parseMonthSpan('may I have a statement', AS_OF)).toBeNull();
  });
});
