/**
 * Every namespace file, whoever writes it, must offer the same texts in every locale: a key missing
 * in one language silently falls back to English for that parent.
 */
import { describe, expect, it } from '@jest/globals';
import { LOCALES, NAMESPACES, loadResources, type Locale } from '../../locales/i18n.js';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

function placeholders(text: string): string[] {
  const names = [...text.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1] ?? '');
  const nested = [...text.matchAll(/\$t\(([^)]+)\)/g)].map((m) => `$t(${m[1] ?? ''})`);
  return [...new Set([...names, ...nested])].sort();
}

const resources = loadResources();

/** key without plural suffix -> { locale -> {suffixes, placeholders} } */
function describeNamespace(ns: string) {
  const byLocale = new Map<Locale, Map<string, { forms: Set<string>; placeholders: Set<string>; values: unknown[] }>>();
  for (const locale of LOCALES) {
    const bases = new Map<string, { forms: Set<string>; placeholders: Set<string>; values: unknown[] }>();
    for (const [key, value] of flatten(resources[locale][ns] ?? {})) {
      const form = PLURAL.exec(key)?.[1] ?? '';
      const base = key.replace(PLURAL, '');
      const entry = bases.get(base) ?? { forms: new Set<string>(), placeholders: new Set<string>(), values: [] };
      entry.forms.add(form);
      entry.values.push(value);
      if (typeof value === 'string') for (const p of placeholders(value)) entry.placeholders.add(p);
      bases.set(base, entry);
    }
    byLocale.set(locale, bases);
  }
  return byLocale;
}

describe.each([...NAMESPACES])('locales/*/%s.json', (ns) => {
  const byLocale = describeNamespace(ns);
  const reference = [...(byLocale.get('en')?.keys() ?? [])].sort();

  it.each(LOCALES.filter((l) => l !== 'en'))('%s has the same keys as en', (locale) => {
    expect([...(byLocale.get(locale)?.keys() ?? [])].sort()).toEqual(reference);
  });

  it.each([...LOCALES])('%s has no empty or non-string texts', (locale) => {
    for (const [key, entry] of byLocale.get(locale) ?? []) {
      for (const value of entry.values) {
        expect({ key, ok: typeof value === 'string' && value.trim() !== '' }).toEqual({ key, ok: true });
      }
    }
  });

  it.each([...LOCALES])('%s uses the same {{placeholders}} as en for every key', (locale) => {
    const english = byLocale.get('en');
    for (const [key, entry] of byLocale.get(locale) ?? []) {
      const expected = [...(english?.get(key)?.placeholders ?? [])].sort();
      expect({ key, placeholders: [...entry.placeholders].sort() }).toEqual({ key, placeholders: expected });
    }
  });

  it.each([...LOCALES])('%s has every plural form its language needs', (locale) => {
    const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (const [key, entry] of byLocale.get(locale) ?? []) {
      if (entry.forms.has('')) {
        expect({ key, mixesPluralAndPlain: entry.forms.size > 1 }).toEqual({ key, mixesPluralAndPlain: false });
        continue;
      }
      for (const form of needed) expect({ key, form, present: entry.forms.has(form) }).toEqual({ key, form, present: true });
    }
  });
});

describe('plural handling', () => {
  it('needs _many in Spanish: without it i18next falls back to English for a million', () => {
    expect(new Intl.PluralRules('es').select(1_000_000)).toBe('many');
  });
});
