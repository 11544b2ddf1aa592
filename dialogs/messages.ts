/**
 * Texts built from several keys. Every text can name the words the parent types ("{{help}}",
 * "{{balance}}"…), and those words come from `commands.*` in the same locale, so a text never tells
 * a parent to type something the recognizer would not understand.
 *
 * On SMS some words mean something else to the carrier: "cancel" opts the number out, "yes" opts
 * it in. So a text may have an SMS wording, the same key with `_sms` (i18next's context), and the
 * command words too (`commands.cancel_sms`); every other key reads the same on every channel.
 */
import { translator, type Locale } from '../locales/i18n.js';
import { MAX_INPUT_LENGTH } from './input/screenInput.js';

export const COMMANDS = [
  'balance',
  'last_payment',
  'payment_history',
  'statement',
  'contact_office',
  'pin_help',
  'language',
  'sign_in',
  'sign_out',
  'help',
  'cancel',
  'menu',
] as const;
export type Command = (typeof COMMANDS)[number];

/** What help and the menu offer, in this order. */
export const HELP_TOPICS = ['balance', 'last_payment', 'payment_history', 'statement', 'contact_office', 'pin_help'] as const;

export type Say = (key: string, vars?: Record<string, string | number>) => string;

/** Which wording a channel needs: `sms` never asks for a carrier keyword. */
export type Wording = 'sms' | 'any';

/** Texts without variables kept per sayer; keys come from code, so this bounds nothing real. */
const MAX_FIXED_TEXTS = 2000;

const sayers = new Map<string, Say>();

/**
 * A `t` for one locale (and channel wording) that always knows the command words. The texts are
 * loaded once at start and never change, so one sayer per locale and wording is built once, and a
 * text without variables is looked up once: i18next copies its options on every call, which made
 * the help text alone (some 40 lookups) most of a turn's allocations.
 */
export function sayIn(locale: Locale, wording: Wording = 'any'): Say {
  const id = `${locale}|${wording}`;
  const known = sayers.get(id);
  if (known !== undefined) return known;
  const t = translator(locale);
  const context = wording === 'sms' ? { context: 'sms' } : {};
  const commands = Object.fromEntries(COMMANDS.map((c) => [c, t(`commands.${c}`, context)])) as Record<Command, string>;
  const fixed = new Map<string, string>();
  const say: Say = (key, vars) => {
    if (vars !== undefined) return t(key, { ...commands, max: MAX_INPUT_LENGTH, ...vars, ...context });
    const cached = fixed.get(key);
    if (cached !== undefined) return cached;
    const text = t(key, { ...commands, max: MAX_INPUT_LENGTH, ...context });
    if (fixed.size < MAX_FIXED_TEXTS) fixed.set(key, text);
    return text;
  };
  sayers.set(id, say);
  return say;
}

export function welcomeText(locale: Locale, wording: Wording = 'any'): string {
  const say = sayIn(locale, wording);
  return [say('welcome.intro'), say('welcome.privacy'), say('welcome.next')].join('\n\n');
}

const helpTexts = new Map<string, string>();

/** `menu` is the same list under a shorter heading: "menu" is what SMS users tend to type. */
export function helpText(locale: Locale, view: 'help' | 'menu' = 'help', wording: Wording = 'any'): string {
  const id = `${locale}|${view}|${wording}`;
  const known = helpTexts.get(id);
  if (known !== undefined) return known;
  const text = buildHelpText(locale, view, wording);
  helpTexts.set(id, text);
  return text;
}

function buildHelpText(locale: Locale, view: 'help' | 'menu', wording: Wording): string {
  const say = sayIn(locale, wording);
  const items = HELP_TOPICS.map((topic) =>
    say('help.item', { command: say(`commands.${topic}`), description: say(`help.descriptions.${topic}`) }),
  );
  return [
    say(view === 'menu' ? 'help.menu_intro' : 'help.intro'),
    items.join('\n'),
    [say('help.language'), say('help.cancel'), say('help.sign_out')].join('\n'),
  ].join('\n\n');
}
