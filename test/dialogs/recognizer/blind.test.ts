/**
 * `data/blind.jsonl`: written by a second author who saw only the intent list and the eval format
 * (12 lines per intent per language and 40 off-topic, as parents type), never read by whoever tuned
 * the recognizer, and evaluated once, after issue 10's second round. The lines that happened to
 * equal a training line (short ones like "help" or "cuanto debo") were then dropped, so what stays
 * is text the recognizer has never seen: 617 lines. First and only reading: 0.980 / 0.975 / 0.962
 * (en / zh-Hans / es). Three of its 120 off-topic lines still get a confident answer, all about
 * another bill ("the balance on my credit card", "pagar mi cuenta de luz", "cuando tengo que pagar
 * la renta" → balance); they stay here as a known gap rather than being trained away.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { evaluate, parseEvalFile } from '../../../dialogs/recognizer/evaluate.js';
import { IntentRecognizer } from '../../../dialogs/recognizer/IntentRecognizer.js';
import { loadTrainingData } from '../../../dialogs/recognizer/lexicon.js';
import { normalizeForMatching } from '../../../dialogs/recognizer/normalize.js';

const blind = parseEvalFile(readFileSync(new URL('./data/blind.jsonl', import.meta.url), 'utf8'));
const recognizer = new IntentRecognizer();

describe('IntentRecognizer on the blind file (another author, never tuned against)', () => {
  it('holds only text the recognizer never trained on', () => {
    const trained = new Set(loadTrainingData().map((e) => normalizeForMatching(e.text)));
    expect(blind.length).toBe(617);
    expect(blind.filter((e) => trained.has(normalizeForMatching(e.text))).map((e) => e.text)).toEqual([]);
  });

  it('is right at least 95% of the time in every language', async () => {
    const report = await evaluate(recognizer, blind);
    expect(Object.keys(report.perLocale).sort()).toEqual(['en', 'es', 'zh-Hans']);
    for (const [locale, b] of Object.entries(report.perLocale)) {
      expect({ locale, pass: b.correct / b.total >= 0.95, value: b.correct / b.total }).toMatchObject({ locale, pass: true });
    }
  });

  it('answers no off-topic line confidently except the three other-bill lines it was measured with', async () => {
    const wrong = [];
    for (const e of blind.filter((x) => x.intent === 'none')) {
      const got = (await recognizer.recognize(e.text, e.locale)).intent;
      if (got !== 'none') wrong.push(`${e.text} -> ${got}`);
    }
    expect(wrong.length).toBeLessThanOrEqual(3);
    for (const line of wrong) expect(line).toMatch(/credit card|luz|renta/);
  });
});
