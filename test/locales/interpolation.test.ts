/**
 * Regression for "You have {{number}} cases": a text whose placeholder the code never fills shows
 * the braces to the parent. This test reads the source of dialogs/, channels/ and bots/, collects
 * every place a conversation text is asked for (`say('key', {…})`, `t('key', …)`,
 * `reply(ctx, 'key', …)`, wrappers that pass a key on) with the variable names really passed there,
 * then renders every key in every language with exactly those names (plus what `sayIn` always
 * adds: the command words and `max`) and fails on any `{{` left.
 *
 * Keys written as template literals (`payments.source.${p.source}`) are expanded against the keys
 * that exist. A key used only through a helper is rendered with the variables that file's helper
 * passes to a non-literal key. A key no code names is still rendered with the defaults, so an
 * orphaned placeholder cannot hide either.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { LOCALES, loadResources, translator, type Locale } from '../../locales/i18n.js';
import { COMMANDS } from '../../dialogs/messages.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIRS = ['dialogs', 'channels', 'bots'];
const PLURAL = /_(zero|one|two|few|many|other)$/;
/** What `sayIn` adds to every call (dialogs/messages.ts). */
const DEFAULT_VARS = [...COMMANDS, 'max'];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path);
  }
  return out;
}

function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, out);
  } else if (typeof value === 'string') {
    out.set(prefix, value);
  }
  return out;
}

const resources = loadResources();
/** Keys as code names them: plural forms folded onto their base. */
const KEYS = [...new Set([...flatten(resources.en.translation).keys()].map((k) => k.replace(PLURAL, '')))].sort();
const KEY_SET = new Set(KEYS);

/** Splits call arguments at top-level commas, skipping strings, template literals and brackets. */
export function splitArgs(source: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < source.length; i += 1) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i += 1; i < source.length && source[i] !== c; i += 1) if (source[i] === '\\') i += 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        args.push(source.slice(start, i).trim());
        return { args: args.filter((a) => a !== ''), end: i };
      }
      depth -= 1;
    } else if (c === ',' && depth === 0) {
      args.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  return { args, end: source.length };
}

/** Property names of an object literal `{ a, b: x, 'c': y }`; undefined when it spreads something unknown. */
export function objectKeys(literal: string): string[] | undefined {
  const inner = literal.trim().replace(/^\{/, '').replace(/\}$/, '');
  const parts = splitArgs(`(${inner})`, 0).args;
  const names: string[] = [];
  for (const part of parts) {
    if (part.startsWith('...')) return undefined;
    const name = /^['"]?([A-Za-z_$][\w$]*)['"]?\s*(?::|$|\()/.exec(part)?.[1];
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names;
}

/** The keys a literal names: a plain string, or a template literal expanded against the real keys. */
function keysOf(arg: string): string[] {
  // `cond ? 'a' : 'b'`: both.
  const choice = /^[^'"`?]+\?\s*('[^']*'|`[^`]*`)\s*:\s*('[^']*'|`[^`]*`)$/.exec(arg);
  if (choice !== null) return [...keysOf(choice[1] ?? ''), ...keysOf(choice[2] ?? '')];
  const plain = /^'([^']*)'$|^"([^"]*)"$/.exec(arg);
  if (plain !== null) {
    const key = plain[1] ?? plain[2] ?? '';
    return KEY_SET.has(key) ? [key] : [];
  }
  const template = /^`([^`]*)`$/.exec(arg);
  if (template === null || !template[1]?.includes('${')) return [];
  const pattern = new RegExp(
    `^${template[1]
      .split(/\$\{[^}]*\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]+')}$`,
  );
  return KEYS.filter((key) => pattern.test(key));
}

/** A call's vars argument: an object literal, or a const object literal of the same file. */
function varsOf(arg: string | undefined, source: string): string[] | undefined {
  if (arg === undefined) return [];
  if (arg.startsWith('{')) return objectKeys(arg);
  if (/^[A-Za-z_$][\w$]*$/.test(arg)) {
    const decl = new RegExp(`\\b(?:const|let)\\s+${arg}\\b[^=]*=\\s*\\{`).exec(source);
    if (decl === null) return undefined;
    const open = decl.index + decl[0].length - 1;
    const { end } = splitArgs(source.replace(/\{/g, '(').replace(/\}/g, ')'), open);
    return objectKeys(source.slice(open, end + 1));
  }
  return undefined;
}

/** Callees whose first argument is the key (`say`, `t`, `en`, `own`) or second (after a context). */
const KEY_FIRST = /\b(say|t|en|own|sayIn\([^()]*(?:\([^()]*\))?\)|sayFor\([^()]*\)|translator\([^()]*\))\(/g;
const KEY_SECOND = /(?<!\.)\breply\(/g;

interface Usage {
  readonly file: string;
  /** Variable names passed; undefined when the code passes something this scan cannot read. */
  readonly vars: string[] | undefined;
}

function collect(): { usages: Map<string, Usage[]>; helperVars: Map<string, string[]>; literalKeys: Map<string, Set<string>> } {
  const usages = new Map<string, Usage[]>();
  const helperVars = new Map<string, string[]>();
  const literalKeys = new Map<string, Set<string>>();
  for (const path of SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const file = relative(ROOT, path);
    const source = readFileSync(path, 'utf8');
    for (const literal of source.matchAll(/'([a-z][\w]*(?:\.[\w]+)+)'|`([a-z][\w]*(?:\.(?:[\w]+|\$\{[^}]*\}))+)`/gi)) {
      for (const key of keysOf(literal[0])) {
        const files = literalKeys.get(key) ?? new Set<string>();
        files.add(file);
        literalKeys.set(key, files);
      }
    }
    for (const [pattern, keyIndex] of [
      [KEY_FIRST, 0],
      [KEY_SECOND, 1],
    ] as const) {
      for (const match of source.matchAll(pattern)) {
        const open = (match.index ?? 0) + match[0].length - 1;
        const { args } = splitArgs(source, open);
        const keyArg = args[keyIndex];
        if (keyArg === undefined) continue;
        const vars = varsOf(args[keyIndex + 1], source);
        const keys = keysOf(keyArg);
        if (keys.length === 0 && !/^['"`]/.test(keyArg) && vars !== undefined && vars.length > 0) {
          // A helper passing a key it was handed: its variables go with the literal keys of this file.
          helperVars.set(file, [...new Set([...(helperVars.get(file) ?? []), ...vars])]);
        }
        for (const key of keys) {
          const list = usages.get(key) ?? [];
          list.push({ file, vars });
          usages.set(key, list);
        }
      }
    }
  }
  return { usages, helperVars, literalKeys };
}

const { usages, helperVars, literalKeys } = collect();

/** Every set of variable names a key is rendered with. */
function variableSets(key: string): { where: string; vars: string[] }[] {
  // `X_sms` is what `sayIn(locale, 'sms')` shows for `X` on SMS (i18next context): X's call sites pass its variables.
  const sms = /^(.+)_sms(_(?:zero|one|two|few|many|other))?$/.exec(key);
  if (sms !== null && !usages.has(key)) return variableSets(`${sms[1] ?? ''}${sms[2] ?? ''}`);
  const sets: { where: string; vars: string[] }[] = [];
  for (const usage of usages.get(key) ?? []) {
    if (usage.vars !== undefined) sets.push({ where: usage.file, vars: usage.vars });
  }
  for (const file of literalKeys.get(key) ?? []) {
    const vars = helperVars.get(file);
    if (vars !== undefined && !(usages.get(key) ?? []).some((u) => u.file === file && u.vars !== undefined)) sets.push({ where: `${file} (helper)`, vars });
  }
  if (sets.length === 0) sets.push({ where: 'no call site found', vars: [] });
  return sets;
}

function render(locale: Locale, key: string, vars: string[]): string[] {
  const t = translator(locale);
  const values: Record<string, string | number> = {};
  for (const name of [...DEFAULT_VARS, ...vars]) values[name] = name === 'count' ? 2 : `‹${name}›`;
  values.max = 500;
  if (!vars.includes('count')) return [t(key, values)];
  // Every plural form the language has: 1, 2, 5, a million (Spanish "many").
  return [1, 2, 5, 1_000_000].map((count) => t(key, { ...values, count }));
}

describe('every conversation text renders with the variables the code passes', () => {
  it('the scan finds the call sites (a guard against a scanner that silently finds nothing)', () => {
    expect(usages.get('cases.ask')?.[0]?.vars).toEqual(['count']);
    expect(usages.get('office.sent')?.[0]?.vars).toEqual(['office', 'phone', 'hours', 'reference']);
    expect(usages.has('payments.source.wage_withholding') || usages.size > 100).toBe(true);
    expect(variableSets('auth.sign_in_link').some((s) => s.vars.includes('url'))).toBe(true);
  });

  it.each([...LOCALES])('%s: no "{{" is left in any text', (locale) => {
    const leftovers: string[] = [];
    for (const key of KEYS) {
      for (const { where, vars } of variableSets(key)) {
        for (const text of render(locale, key, vars)) {
          if (text.includes('{{')) leftovers.push(`${key} [${where}; vars: ${vars.join(', ') || 'none'}]: ${text}`);
        }
      }
    }
    expect(leftovers).toEqual([]);
  });

  it.each([...LOCALES])('%s: page texts are shown as written, so none has a placeholder', (locale) => {
    const withBraces = [...flatten(resources[locale].page).entries()].filter(([, text]) => text.includes('{{')).map(([key]) => key);
    expect(withBraces).toEqual([]);
  });
});
