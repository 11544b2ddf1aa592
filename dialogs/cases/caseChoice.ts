/**
 * Which of their cases a parent with several means. A case is named the way the chat shows it (the
 * last 4 digits, a child's first name) or as "all"; a case number that is not theirs is reported as
 * such so the caller can refuse and audit it. The choice is kept for the conversation through a
 * memory the bot attaches to the turn, so dialogs never hold a state accessor.
 */
import type { TurnContext } from 'botbuilder';
import type { CaseSummary } from '../../db/account/cases.js';
import { lastFour } from '../format.js';
import { phrasePattern, WORDS } from '../../locales/words.js';
import { normalizeForMatching } from '../recognizer/normalize.js';

/** A case number, or every case of the parent. */
export type CaseChoice = string;
export const ALL_CASES: CaseChoice = 'all';

export interface CaseChoiceMemory {
  get(): CaseChoice | undefined;
  set(choice: CaseChoice | undefined): void;
}

const MEMORY_KEY = Symbol('CaseChoiceMemory');

export function attachCaseChoice(context: TurnContext, memory: CaseChoiceMemory): void {
  context.turnState.set(MEMORY_KEY, memory);
}

/** The attached memory, or one that lasts this turn only (a dialog driven without the bot). */
export function caseChoiceOf(context: TurnContext): CaseChoiceMemory {
  const attached = context.turnState.get<CaseChoiceMemory | undefined>(MEMORY_KEY);
  if (attached !== undefined) return attached;
  let choice: CaseChoice | undefined;
  const memory: CaseChoiceMemory = {
    get: () => choice,
    set: (next) => {
      choice = next;
    },
  };
  attachCaseChoice(context, memory);
  return memory;
}

export type CaseMatch =
  | { readonly kind: 'all' }
  | { readonly kind: 'cases'; readonly caseNumbers: readonly string[] }
  /** A case number (or "case NNNN") that is none of the parent's: never looked up, only refused. */
  | { readonly kind: 'foreign'; readonly asked: string }
  | { readonly kind: 'none' };

/** "all", "todos", "全部" (`locales/<lang>/words.json`). */
const ALL_WORDS = new RegExp(phrasePattern(WORDS.cases.all.map(normalizeForMatching)), 'u');
/** A full case number ("CS25000303", "25000303") or an explicit "case 0505". */
const FULL_NUMBER = /\b(?:cs ?)?(\d{8})\b/u;
/** "case 0505", "caso 0505", "案件0505": a case word, then the last four digits. */
const CASE_ENDING = new RegExp(`${phrasePattern(WORDS.cases.caseWords.map(normalizeForMatching))}\\s*(\\d{4})(?!\\d)`, 'u');

function fold(value: string): string {
  return normalizeForMatching(value);
}

/** Reads a case choice out of any message: the question itself ("payments for Lucas") or an answer. */
export function matchCases(text: string, cases: readonly CaseSummary[]): CaseMatch {
  const folded = fold(text);
  const raw = text.normalize('NFKC');
  const full = FULL_NUMBER.exec(folded);
  if (full?.[1] !== undefined) {
    const digits = full[1];
    const own = cases.filter((c) => c.caseNumber.replace(/\D/g, '') === digits);
    return own.length > 0 ? { kind: 'cases', caseNumbers: own.map((c) => c.caseNumber) } : { kind: 'foreign', asked: digits };
  }
  const named = new Set<string>();
  for (const item of cases) {
    const ending = lastFour(item.caseNumber);
    if (new RegExp(`(?:^|\\D)${ending}(?:\\D|$)`, 'u').test(folded)) named.add(item.caseNumber);
    for (const name of item.childrenFirstNames) {
      if (new RegExp(`\\b${fold(name)}\\b`, 'u').test(folded)) named.add(item.caseNumber);
    }
  }
  if (named.size > 0) return { kind: 'cases', caseNumbers: cases.filter((c) => named.has(c.caseNumber)).map((c) => c.caseNumber) };
  const ending = CASE_ENDING.exec(folded) ?? CASE_ENDING.exec(raw);
  const asked = ending?.[1];
  if (asked !== undefined) return { kind: 'foreign', asked };
  if (ALL_WORDS.test(folded)) return { kind: 'all' };
  // A bare number picks from the list as shown ("1", "2").
  const index = /^(\d)$/u.exec(folded);
  if (index?.[1] !== undefined) {
    const picked = cases[Number(index[1]) - 1];
    if (picked !== undefined) return { kind: 'cases', caseNumbers: [picked.caseNumber] };
  }
  return { kind: 'none' };
}

/** The stored choice if it still names the parent's own cases; undefined otherwise. */
export function rememberedCases(choice: CaseChoice | undefined, cases: readonly CaseSummary[]): readonly string[] | undefined {
  if (choice === undefined) return undefined;
  if (choice === ALL_CASES) return cases.map((c) => c.caseNumber);
  return cases.some((c) => c.caseNumber === choice) ? [choice] : undefined;
}
