import { describe, expect, it } from '@jest/globals';
import type { CaseSummary } from '../../../db/account/cases.js';
import { ALL_CASES, matchCases, rememberedCases } from '../../../dialogs/cases/caseChoice.js';

function summary(caseNumber: string, children: string[]): CaseSummary {
  return { caseNumber, role: 'noncustodial', childrenFirstNames: children, orderAmountCents: 100, orderFrequency: 'monthly', orderStartDate: '2020-01-01', nextDueDate: null, nextDueAmountCents: null };
}

const ROBERT = [summary('CS22000404', ['Jordan']), summary('CS25000303', ['Lucas'])];

describe('matchCases', () => {
  it.each([
    ['0303', ['CS25000303']],
    ['payments for Lucas', ['CS25000303']],
    ['jordan', ['CS22000404']],
    ['case CS22000404', ['CS22000404']],
    ['2', ['CS25000303']],
  ])('%s names a case', (text, expected) => {
    expect(matchCases(text, ROBERT)).toEqual({ kind: 'cases', caseNumbers: expected });
  });

  it.each(['all', 'both', 'todos', '全部'])('%s means every case', (text) => {
    expect(matchCases(text, ROBERT)).toEqual({ kind: 'all' });
  });

  it.each([
    ['CS24000101', '24000101'],
    ['payments on case 0101', '0101'],
    ['caso 0505', '0505'],
  ])('%s is somebody else\'s case', (text, asked) => {
    expect(matchCases(text, ROBERT)).toEqual({ kind: 'foreign', asked });
  });

  it('a year is not a case', () => {
    expect(matchCases('payments 2025', ROBERT)).toEqual({ kind: 'none' });
  });

  it('a remembered choice counts only while it names one of the parent\'s own cases', () => {
    expect(rememberedCases('CS25000303', ROBERT)).toEqual(['CS25000303']);
    expect(rememberedCases(ALL_CASES, ROBERT)).toEqual(['CS22000404', 'CS25000303']);
    expect(rememberedCases('CS24000101', ROBERT)).toBeUndefined();
  });
});
