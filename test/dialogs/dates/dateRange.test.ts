import { describe, expect, it } from '@jest/globals';
import { formatMonth, parseDateRange } from '../../../dialogs/dates/dateRange.js';

const TODAY = '2026-11-20';

describe('parseDateRange against the data date', () => {
  it.each([
    ['payments in March', { from: '2026-03-01', to: '2026-03-31' }],
    ['十月', { from: '2026-10-01', to: '2026-10-31' }],
    ['十二月的付款', { from: '2025-12-01', to: '2025-12-31' }],
    ['octubre', { from: '2026-10-01', to: '2026-10-31' }],
    ['pagos de diciembre', { from: '2025-12-01', to: '2025-12-31' }],
    ['this month', { from: '2026-11-01', to: '2026-11-20' }],
    ['this year', { from: '2026-01-01', to: '2026-11-20' }],
    ['今年', { from: '2026-01-01', to: '2026-11-20' }],
    ['este año', { from: '2026-01-01', to: '2026-11-20' }],
    ['last year', { from: '2025-01-01', to: '2025-12-31' }],
    ['last month', { from: '2026-10-01', to: '2026-10-31' }],
    ['上个月', { from: '2026-10-01', to: '2026-10-31' }],
    ['last 6 months', { from: '2026-05-21', to: '2026-11-20' }],
    ['past three months', { from: '2026-08-21', to: '2026-11-20' }],
    ['últimos 6 meses', { from: '2026-05-21', to: '2026-11-20' }],
    ['最近六个月', { from: '2026-05-21', to: '2026-11-20' }],
    ['2025年3月', { from: '2025-03-01', to: '2025-03-31' }],
    ['payments 2025', { from: '2025-01-01', to: '2025-12-31' }],
    ['payments in May', { from: '2026-05-01', to: '2026-05-31' }],
  ])('%s', (text, expected) => {
    expect(parseDateRange(text, TODAY)).toMatchObject(expected);
  });

  it.each(['payments', 'may I see my payments', 'payment history', '付款记录', 'mis pagos'])('%s names no range', (text) => {
    expect(parseDateRange(text, TODAY)).toBeNull();
  });

  it('a month without a year is the latest one not after today, whatever the server clock says', () => {
    expect(parseDateRange('december', '2027-01-05')).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
    expect(parseDateRange('january', '2027-01-05')).toMatchObject({ from: '2027-01-01', to: '2027-01-05' });
  });

  it('names months in the parent\'s language', () => {
    expect([formatMonth(2026, 3, 'en'), formatMonth(2026, 3, 'zh-Hans'), formatMonth(2026, 3, 'es')]).toEqual(['March 2026', '2026年3月', 'marzo de 2026']);
  });
});
