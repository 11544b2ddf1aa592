/**
 * Ranges that span months: "payments from january to march" used to give January only ($500 of
 * $1,500 for Maria), and "since January", "3/2026", "desde enero", 从一月到三月 were not read at all.
 */
import { describe, expect, it } from '@jest/globals';
import { parseDateRange } from '../../../dialogs/dates/dateRange.js';

const TODAY = '2026-11-20';

describe('parseDateRange over several months (regression: "from january to march" gave January only)', () => {
  it.each([
    ['payments from january to march', { from: '2026-01-01', to: '2026-03-31' }],
    ['payments from jan to mar', { from: '2026-01-01', to: '2026-03-31' }],
    ['payments between January and March 2026', { from: '2026-01-01', to: '2026-03-31' }],
    ['payments january - march', { from: '2026-01-01', to: '2026-03-31' }],
    ['payments from november to february', { from: '2025-11-01', to: '2026-02-28' }],
    ['pagos de enero a marzo', { from: '2026-01-01', to: '2026-03-31' }],
    ['pagos de enero hasta marzo', { from: '2026-01-01', to: '2026-03-31' }],
    ['从一月到三月的付款', { from: '2026-01-01', to: '2026-03-31' }],
    ['1月至3月', { from: '2026-01-01', to: '2026-03-31' }],
    ['payments since January', { from: '2026-01-01', to: '2026-11-20' }],
    ['payments since january 2025', { from: '2025-01-01', to: '2026-11-20' }],
    ['pagos desde enero', { from: '2026-01-01', to: '2026-11-20' }],
    ['一月以来的付款', { from: '2026-01-01', to: '2026-11-20' }],
    ['从一月开始的付款', { from: '2026-01-01', to: '2026-11-20' }],
    ['payments 3/2026', { from: '2026-03-01', to: '2026-03-31', month: { year: 2026, month: 3 } }],
    ['pagos 03/2025', { from: '2025-03-01', to: '2025-03-31', month: { year: 2025, month: 3 } }],
    ['payments from 1/2026 to 3/2026', { from: '2026-01-01', to: '2026-03-31' }],
    ['last 6 months', { from: '2026-05-21', to: '2026-11-20' }],
    ['payments in the last 6 months', { from: '2026-05-21', to: '2026-11-20' }],
    ['payments from may to july', { from: '2026-05-01', to: '2026-07-31' }],
  ])('%s', (text, expected) => {
    expect(parseDateRange(text, TODAY)).toEqual(expected);
  });

  it('a single month is still a whole month, named as such', () => {
    expect(parseDateRange('payments from March', TODAY)).toEqual({ from: '2026-03-01', to: '2026-03-31', month: { year: 2026, month: 3 } });
    expect(parseDateRange('3/2026', TODAY)?.month).toEqual({ year: 2026, month: 3 });
  });

  it('a range never ends after today', () => {
    expect(parseDateRange('from october to december', TODAY)).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(parseDateRange('from september to november', TODAY)).toEqual({ from: '2026-09-01', to: '2026-11-20' });
  });

  it('a full date is not a month/year', () => {
    expect(parseDateRange('11/20/2026', TODAY)).toEqual({ from: '2026-01-01', to: '2026-11-20' });
  });
});
