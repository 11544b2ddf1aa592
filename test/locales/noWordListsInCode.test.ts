/**
 * A language is one folder (issue 10 item 4): no word list of a language may hide in code, where a
 * new language would have to find and edit it. This reads every source file outside `locales/`
 * and fails on a letter outside ASCII in code (Han characters, accented words; comments may quote
 * parents' words as examples), and on any word of the non-English folders' word lists written in
 * a string or regular expression in code. The few allowed cases are listed with the reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { LOCALES } from '../../locales/i18n.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = ['bots', 'dialogs', 'channels', 'db', 'config.ts', 'index.ts'];

/**
 * file → why it may write letters outside ASCII. Not word lists: character sets a transport defines.
 */
const ALLOWED: Record<string, string> = {
  // The GSM 03.38 alphabet, which decides whether an SMS costs 160 or 70 characters a segment: a
  // property of the carrier's encoding, the same for every language.
  'channels/text/render.ts': 'GSM-7 alphabet',
};

function files(path: string, out: string[] = []): string[] {
  const full = join(ROOT, path);
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full)) files(join(path, name), out);
  } else if (/\.ts$/.test(path) && !/\.d\.ts$/.test(path)) {
    out.push(path);
  }
  return out;
}

/**
 * The code of a file without its comments (strings are kept, so `'https://…'` is not cut). A
 * small scanner: enough for this code base's style, where a regex literal never holds `//`.
 */
export function stripComments(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      const start = i;
      for (i += 1; i < source.length && source[i] !== c; i += 1) if (source[i] === '\\') i += 1;
      out += source.slice(start, i + 1);
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
      out += '\n';
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The non-English languages' own words (long enough not to be English or code too). */
function foreignWords(): Set<string> {
  const words = (locale: string): string[] => {
    const collect = (value: unknown): string[] =>
      typeof value === 'string' ? value.toLowerCase().split(/[^\p{L}]+/u) : Array.isArray(value) ? value.flatMap(collect) : typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => (k === 'about' ? [] : [...collect(k), ...collect(v)])) : [];
    return ['words.json', 'keywords.json', 'nlu.json'].flatMap((name) => collect(JSON.parse(readFileSync(join(ROOT, 'locales', locale, name), 'utf8'))));
  };
  const english = new Set(words('en'));
  const out = new Set<string>();
  for (const locale of LOCALES) {
    if (locale === 'en') continue;
    for (const word of words(locale)) if (/^[a-z]{5,}$/.test(word) && !english.has(word)) out.add(word);
  }
  return out;
}

const sources = SOURCE.flatMap((path) => files(path)).map((path) => ({ path: relative(ROOT, join(ROOT, path)), code: stripComments(readFileSync(join(ROOT, path), 'utf8')) }));

describe('no language lives in code', () => {
  it('the scan reads the code (a guard against a scanner that silently finds nothing)', () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(stripComments("const a = 'x'; // 'enero'\n/* 一月 */ const b = '//';")).toBe("const a = 'x'; \n const b = '//';");
    expect(foreignWords().has('enero')).toBe(true);
  });

  it('no code outside locales/ writes a letter outside ASCII, except the allowed files', () => {
    const found = sources
      .filter(({ path }) => ALLOWED[path] === undefined)
      .flatMap(({ path, code }) => [...code.matchAll(/\P{ASCII}*\p{L}\P{ASCII}*/gu)].filter((m) => /\P{ASCII}/u.test(m[0])).map((m) => `${path}: ${m[0]}`));
    expect(found).toEqual([]);
  });

  it('no string or regular expression in code holds a word of another language’s word lists', () => {
    const foreign = foreignWords();
    const found: string[] = [];
    for (const { path, code } of sources) {
      const literals = [...code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`|\/(?![*/])(?:[^/\\\n]|\\.)+\/[a-z]*/g)].map((m) => m[0]);
      for (const literal of literals) {
        for (const word of literal.toLowerCase().split(/[^a-z]+/)) if (foreign.has(word)) found.push(`${path}: ${word}`);
      }
    }
    expect(found).toEqual([]);
  });
});
