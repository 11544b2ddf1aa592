/**
 * A language is one folder (issue 10 item 4): everything the conversation knows about a language —
 * its texts, its date words, its case and secret words, its keyword rules, the recognizer's lists
 * and training lines — lives in `locales/<lang>/`, and the folder plus its entry in `LOCALES` is all
 * a new language adds. This test proves each language folder complete, and that every
 * language-specific behaviour really reads from it, by driving each behaviour with the words of
 * each folder in turn.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { LOCALES, resolveLocale, translator, type Locale } from '../../locales/i18n.js';
import { loadLanguageWords, OPTIONAL_LISTS } from '../../locales/words.js';
import { parseDateRange, parseMonthSpan } from '../../dialogs/dates/dateRange.js';
import { matchCases } from '../../dialogs/cases/caseChoice.js';
import { looksSensitive } from '../../dialogs/input/screenInput.js';
import { checkOfficeMessage } from '../../dialogs/office/officeMessage.js';
import { yesNo } from '../../dialogs/pin/yesNo.js';
import { KeywordRecognizer } from '../../dialogs/recognizer/KeywordRecognizer.js';
import { loadKeywordRules, loadLexicon, loadTrainingData } from '../../dialogs/recognizer/lexicon.js';
import { buildModel, IntentRecognizer } from '../../dialogs/recognizer/IntentRecognizer.js';
import { INTENTS } from '../../dialogs/recognizer/Recognizer.js';

const ROOT = new URL('../../locales/', import.meta.url);
/** What every language folder holds. */
const REQUIRED_FILES = ['translation.json', 'page.json', 'words.json', 'keywords.json', 'nlu.json', 'nlu.train.jsonl'];
/** Objects whose keys are data (a word → its number or spelling), not structure: only non-empty. */
const MAPS = new Set(['dates.numbers', 'spellings']);
/** Texts that describe the file for whoever edits it; their wording is the language's own. */
const FREE_TEXT = new Set(['about']);
const TODAY = '2026-11-20';

function readJson(locale: string, name: string, root: URL = ROOT): unknown {
  return JSON.parse(readFileSync(new URL(`${locale}/${name}`, root), 'utf8'));
}

/** Every key path of a JSON value, down to its lists and maps (their contents are the language's own). */
function shape(value: unknown, prefix = '', out: string[] = []): string[] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !MAPS.has(prefix)) {
    for (const [key, child] of Object.entries(value)) shape(child, prefix === '' ? key : `${prefix}.${key}`, out);
  } else if (prefix !== '') {
    out.push(`${prefix}:${Array.isArray(value) ? 'list' : typeof value}`);
  }
  return out.sort();
}

/** Every list (and map) in a words file with its path, to check none is empty. */
function lists(value: unknown, prefix = '', out: [string, number][] = []): [string, number][] {
  if (Array.isArray(value)) {
    out.push([prefix, value.length]);
    value.forEach((item, index) => {
      if (Array.isArray(item)) lists(item, `${prefix}[${index}]`, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    if (MAPS.has(prefix)) out.push([prefix, Object.keys(value).length]);
    else for (const [key, child] of Object.entries(value)) lists(child, prefix === '' ? key : `${prefix}.${key}`, out);
  }
  return out;
}

/**
 * What is wrong with one language folder, checked against English: a missing file, a JSON file whose
 * keys differ, an empty word list. Takes a root so a temporary folder can be checked the same way.
 */
function folderProblems(locale: string, root: URL = ROOT): string[] {
  const problems: string[] = [];
  const present = readdirSync(new URL(`${locale}/`, root));
  for (const name of REQUIRED_FILES) if (!present.includes(name)) problems.push(`missing ${name}`);
  for (const name of ['words.json', 'keywords.json', 'nlu.json']) {
    if (!present.includes(name)) continue;
    const keys = (l: string, r: URL) => shape(readJson(l, name, r)).filter((path) => !FREE_TEXT.has(path.split(':')[0] ?? ''));
    const mine = keys(locale, root);
    const reference = keys('en', ROOT);
    for (const key of reference) if (!mine.includes(key)) problems.push(`${name}: no ${key}`);
    for (const key of mine) if (!reference.includes(key)) problems.push(`${name}: extra ${key}`);
  }
  if (present.includes('words.json')) {
    for (const [path, length] of lists(readJson(locale, 'words.json', root))) {
      if (length === 0 && !OPTIONAL_LISTS.includes(path)) problems.push(`words.json: ${path} is empty`);
    }
    if (loadLanguageWords(locale, root).dates.months.length !== 12) problems.push('words.json: not 12 months');
  }
  return problems;
}

const folders = readdirSync(ROOT).filter((name) => statSync(new URL(name, ROOT)).isDirectory());

describe('a language is one folder', () => {
  it('the folders under locales/ are exactly the languages listed in LOCALES', () => {
    expect([...folders].sort()).toEqual([...LOCALES].sort());
  });

  it.each(folders)('%s: every required file is there, with the same keys as English and no empty list', (locale) => {
    expect(folderProblems(locale)).toEqual([]);
  });

  it('a fourth language copied from a folder passes the same checks, and a half-made one does not', () => {
    const root = mkdtempSync(join(tmpdir(), 'locales-'));
    try {
      const rootUrl = pathToFileURL(`${root}/`);
      cpSync(new URL('en/', ROOT), join(root, 'en'), { recursive: true });
      cpSync(new URL('es/', ROOT), join(root, 'fr'), { recursive: true });
      expect(folderProblems('fr', rootUrl)).toEqual([]);
      // Half-made: no keyword rules yet, and the "since" words not translated.
      rmSync(join(root, 'fr', 'keywords.json'));
      const words = readJson('fr', 'words.json', rootUrl) as { dates: { since: string[] } };
      words.dates.since = [];
      writeFileSync(join(root, 'fr', 'words.json'), JSON.stringify(words));
      expect(folderProblems('fr', rootUrl)).toEqual(['missing keywords.json', 'words.json: dates.since is empty']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each(REQUIRED_FILES.filter((name) => name.endsWith('.json') && name !== 'translation.json' && name !== 'page.json'))(
    '%s has the same keys in every language',
    (name) => {
      // translation.json and page.json are compared key by key, placeholders too, in keys.test.ts.
      const reference = shape(readJson('en', name)).filter((path) => !FREE_TEXT.has(path.split(':')[0] ?? ''));
      for (const locale of LOCALES) {
        expect({ locale, keys: shape(readJson(locale, name)).filter((path) => !FREE_TEXT.has(path.split(':')[0] ?? '')) }).toEqual({ locale, keys: reference });
      }
    },
  );

  it.each([...LOCALES])('%s: no word list is empty (except the few a language may lack) and a year has twelve months', (locale) => {
    const empty = lists(readJson(locale, 'words.json')).filter(([path, length]) => length === 0 && !OPTIONAL_LISTS.includes(path));
    expect(empty).toEqual([]);
    expect(loadLanguageWords(locale).dates.months).toHaveLength(12);
    const nlu = readJson(locale, 'nlu.json') as { stopWords: string[]; languageNames: Record<string, string[]>; languageWords: string[] };
    expect(nlu.stopWords.length).toBeGreaterThan(0);
    expect(nlu.languageWords.length).toBeGreaterThan(0);
    // Each language names every language in its own words ("Spanish", "西班牙语", "español").
    expect(Object.keys(nlu.languageNames).sort()).toEqual([...LOCALES].sort());
  });

  it.each([...LOCALES])('%s: the keyword rules load and cover the same intents as every other language', (locale) => {
    const intents = (l: Locale) => [...new Set(loadKeywordRules([l]).map((r) => r.intent))].sort();
    expect(intents(locale).length).toBeGreaterThan(10);
    expect(intents(locale)).toEqual(intents('en'));
    const recognizer = new KeywordRecognizer();
    for (const rule of loadKeywordRules([locale])) {
      for (const phrase of rule.phrases) expect({ phrase, intent: recognizer.recognizeSync(phrase).intent }).toEqual({ phrase, intent: rule.intent });
    }
  });

  it.each([...LOCALES])('%s: the recognizer trains on the language alone, with every intent at least 60 times', (locale) => {
    const training = loadTrainingData([locale]);
    const counts = new Map<string, number>();
    for (const example of training) counts.set(example.intent, (counts.get(example.intent) ?? 0) + 1);
    expect(INTENTS.filter((intent) => (counts.get(intent) ?? 0) < 60)).toEqual([]);
    expect(training.every((example) => example.locale === locale)).toBe(true);
    const model = buildModel(training, loadLexicon([locale]));
    expect(Object.keys(model.classifier.weights).length).toBeGreaterThan(100);
  });

  it.each([...LOCALES])('%s: the recognizer understands its own language names', async (locale) => {
    const recognizer = new IntentRecognizer();
    const names = (readJson(locale, 'nlu.json') as { languageNames: Record<string, string[]> }).languageNames;
    for (const [target, words] of Object.entries(names)) {
      for (const word of words) {
        const recognition = await recognizer.recognize(word, locale);
        expect({ word, intent: recognition.intent, target: recognition.entities.locale }).toEqual({ word, intent: 'language', target });
      }
    }
  });

  it.each([...LOCALES])('%s: its tags resolve to it', (locale) => {
    for (const tag of loadLanguageWords(locale).tags) {
      expect(resolveLocale(tag)).toBe(locale);
      expect(resolveLocale(`${tag}-US`)).toBe(locale);
    }
    expect(resolveLocale(locale)).toBe(locale);
  });

  it.each([...LOCALES])('%s: every month name parses to its month, and the range words join and open ranges', (locale) => {
    const dates = loadLanguageWords(locale).dates;
    const preposition = dates.monthPrepositions[0] ?? '';
    dates.months.forEach((names, index) => {
      for (const name of names) {
        const text = dates.ambiguousMonths.includes(name) ? `${preposition} ${name}` : name;
        expect({ text, month: parseDateRange(text, TODAY)?.month?.month }).toEqual({ text, month: index + 1 });
      }
    });
    const [january = ''] = dates.months[0] ?? [];
    const [march = ''] = dates.months[2] ?? [];
    for (const word of dates.between) {
      const text = `${january} ${word} ${march}`;
      expect({ text, range: parseDateRange(text, TODAY) }).toEqual({ text, range: { from: '2026-01-01', to: '2026-03-31' } });
      expect({ text, span: parseMonthSpan(text, TODAY) }).toEqual({ text, span: { from: '2026-01-01', to: '2026-03-31' } });
    }
    for (const word of dates.since) {
      // "since March" or "三月以来": the word comes before or after the month.
      const ranges = [`${word} ${march}`, `${march} ${word}`].map((text) => parseDateRange(text, TODAY));
      expect({ word, since: ranges.some((r) => r !== null && r.from === '2026-03-01' && r.to === TODAY) }).toEqual({ word, since: true });
    }
    for (const recent of dates.recent) {
      for (const unit of dates.monthUnits) {
        for (const [number, value] of Object.entries(dates.numbers)) {
          if (value < 2) continue;
          const text = `${recent} ${number} ${unit}`;
          expect({ text, from: parseDateRange(text, TODAY)?.to }).toEqual({ text, from: TODAY });
        }
      }
    }
    const relative = (words: readonly string[], from: string, to: string) => {
      for (const text of words) expect({ text, range: parseDateRange(text, TODAY) }).toMatchObject({ text, range: { from, to } });
    };
    relative(dates.thisMonth, '2026-11-01', TODAY);
    relative(dates.lastMonth, '2026-10-01', '2026-10-31');
    relative(dates.thisYear, '2026-01-01', TODAY);
    relative(dates.lastYear, '2025-01-01', '2025-12-31');
  });

  it.each([...LOCALES])('%s: the case words choose all cases or name one by its last four digits', (locale) => {
    const { cases } = loadLanguageWords(locale);
    for (const word of cases.all) expect({ word, match: matchCases(word, []) }).toEqual({ word, match: { kind: 'all' } });
    for (const word of cases.caseWords) {
      expect({ word, match: matchCases(`${word} 9876`, []) }).toEqual({ word, match: { kind: 'foreign', asked: '9876' } });
    }
  });

  it.each([...LOCALES])('%s: a PIN-sized number next to a word that names a secret is held back', (locale) => {
    const { sensitive } = loadLanguageWords(locale);
    for (const word of sensitive.secretWords) expect({ word, held: looksSensitive(`${word} 4 8 1 5`) }).toEqual({ word, held: true });
    for (const word of sensitive.pinWords) {
      const check = checkOfficeMessage(`my ${word} is 4815, please reset it`);
      expect({ word, reason: check.ok ? 'ok' : check.reason }).toEqual({ word, reason: 'sensitive' });
    }
  });

  it.each([...LOCALES])('%s: its yes, send and no words answer a yes/no question', (locale) => {
    const t = translator(locale);
    const words = (key: string) => t(key).split('|').map((w) => w.trim()).filter((w) => w !== '');
    expect(words('common.yes_words').length).toBeGreaterThan(0);
    for (const word of [...words('common.yes_words'), ...words('common.send_words')]) expect({ word, answer: yesNo(word) }).toEqual({ word, answer: 'yes' });
    for (const word of words('common.no_words')) expect({ word, answer: yesNo(word) }).toEqual({ word, answer: 'no' });
  });
});
