/**
 * Prompt validators for numbers the parent types. After `MAX_REASKS` clear re-asks the prompt gives
 * up and hands on what it got; the next step sees it does not normalize and stops politely, rather
 * than asking forever.
 */
import type { PromptValidator } from '../framework.js';
import { normalizePin, normalizeSsn } from '../../db/crypto.js';

export const MAX_REASKS = 3;

function validator(normalize: (input: string) => string | null): PromptValidator<string> {
  return async (prompt) => {
    const value = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
    if (normalize(value) !== null) return true;
    return prompt.attemptCount > MAX_REASKS;
  };
}

export const ssnValidator = validator(normalizeSsn);
export const pinValidator = validator(normalizePin);

/** A step result as text; prompts hand back `unknown` to the waterfall. */
export function textResult(result: unknown): string {
  return typeof result === 'string' ? result : '';
}
