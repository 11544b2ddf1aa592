/**
 * Accuracy of a recognizer over a labelled file, per locale, so a rule change that helps one
 * language and hurts another shows up as such.
 */
import { isLocale, type Locale } from '../../locales/i18n.js';
import { isIntent, type Intent, type Recognizer } from './Recognizer.js';

export interface EvalExample {
  locale: Locale;
  text: string;
  intent: Intent;
}

export interface EvalMiss extends EvalExample {
  got: Intent;
}

export interface EvalReport {
  perLocale: Partial<Record<Locale, { correct: number; total: number }>>;
  correct: number;
  total: number;
  accuracy: number;
  misses: EvalMiss[];
}

/** Parses JSON lines; blank lines are skipped, a malformed line names its line number. */
export function parseEvalFile(content: string): EvalExample[] {
  const examples: EvalExample[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${index + 1}: not JSON`);
    }
    if (typeof value !== 'object' || value === null) throw new Error(`line ${index + 1}: not an object`);
    const { locale, text, intent } = value as Record<string, unknown>;
    if (!isLocale(locale)) throw new Error(`line ${index + 1}: unknown locale`);
    if (typeof text !== 'string') throw new Error(`line ${index + 1}: text must be a string`);
    if (!isIntent(intent)) throw new Error(`line ${index + 1}: unknown intent`);
    examples.push({ locale, text, intent });
  });
  return examples;
}

export async function evaluate(recognizer: Recognizer, examples: readonly EvalExample[]): Promise<EvalReport> {
  const perLocale: EvalReport['perLocale'] = {};
  const misses: EvalMiss[] = [];
  let correct = 0;
  for (const example of examples) {
    const { intent } = await recognizer.recognize(example.text, example.locale);
    const bucket = (perLocale[example.locale] ??= { correct: 0, total: 0 });
    bucket.total += 1;
    if (intent === example.intent) {
      bucket.correct += 1;
      correct += 1;
    } else {
      misses.push({ ...example, got: intent });
    }
  }
  const total = examples.length;
  return { perLocale, correct, total, accuracy: total === 0 ? 0 : correct / total, misses };
}
