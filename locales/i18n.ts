/**
 * Every user-facing text comes from the JSON files beside this module. One i18next instance is
 * created here, once, synchronously; callers ask for a fixed-locale `t` and never see i18next.
 */
import { readFileSync } from 'node:fs';
import i18next, { type TFunction } from 'i18next';

/**
 * The languages: each is a folder beside this module (`<lang>/translation.json`, `page.json`,
 * `words.json`, `keywords.json`, `nlu.json`, `nlu.train.jsonl`) plus its entry here, the one line a
 * new language adds (a test checks the list and the folders agree and every folder is complete).
 */
export const LOCALES = ['en', 'zh-Hans', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
/** `translation`: the conversation; `page`: the web page and the sign-in pages around it. */
export const NAMESPACES = ['translation', 'page'] as const;

/**
 * The BCP-47 tags each language serves (`tags` in `locales/<lang>/words.json`), lower case. Chinese
 * lists "zh": traditional-script regions are still best served by the simplified texts we have.
 */
const TAGS: readonly (readonly [string, Locale])[] = LOCALES.flatMap((locale) =>
  (JSON.parse(readFileSync(new URL(`./${locale}/words.json`, import.meta.url), 'utf8')) as { tags: string[] }).tags.map(
    (tag): [string, Locale] => [tag.toLowerCase(), locale],
  ),
);

/** Maps any BCP-47 tag (zh, zh-CN, zh-SG, es-US…) onto a supported locale; default English. */
export function resolveLocale(tag: string | null | undefined): Locale {
  const value = (tag ?? '').trim().toLowerCase().replace(/_/g, '-');
  if (value === '') return 'en';
  const exact = LOCALES.find((locale) => locale.toLowerCase() === value);
  if (exact !== undefined) return exact;
  for (const [prefix, locale] of TAGS) {
    if (value === prefix || value.startsWith(`${prefix}-`)) return locale;
  }
  return 'en';
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function load(locale: Locale, ns: string): Record<string, unknown> {
  const file = new URL(`./${locale}/${ns}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function loadResources(): Record<Locale, Record<string, Record<string, unknown>>> {
  const out = {} as Record<Locale, Record<string, Record<string, unknown>>>;
  for (const locale of LOCALES) {
    out[locale] = {};
    for (const ns of NAMESPACES) out[locale][ns] = load(locale, ns);
  }
  return out;
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: loadResources(),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  nonExplicitSupportedLngs: false,
  load: 'currentOnly',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export type Translate = TFunction;

const translators = new Map<Locale, Translate>();

/** A `t` bound to one locale; one per locale, made once (the texts never change after start). */
export function translator(locale: Locale): Translate {
  const known = translators.get(locale);
  if (known !== undefined) return known;
  const t = instance.getFixedT(locale);
  if (isLocale(locale)) translators.set(locale, t);
  return t;
}

/** Does the key exist (in English, the reference locale)? */
export function hasKey(key: string): boolean {
  return instance.exists(key, { lng: 'en' });
}
