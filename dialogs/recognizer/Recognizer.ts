import type { Locale } from '../../locales/i18n.js';

/** The fixed intent labels of INTERFACES.md; the eval files and the router both speak them. */
export const INTENTS = [
  'balance',
  'last_payment',
  'payment_history',
  'disbursements',
  'statement',
  'monthly_notice',
  'payment_coupon',
  'contact_office',
  'pin_help',
  'sign_in',
  'sign_out',
  'help',
  'cancel',
  'greeting',
  'language',
  'reminders',
  'goodbye',
  'none',
] as const;
export type Intent = (typeof INTENTS)[number];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

/**
 * `locale`: the language a `language` intent asks for (absent when the parent only said "language").
 * `view`: `'menu'` when a `help` intent came from "menu", which is not an intent label of its own.
 */
export interface RecognitionEntities {
  locale?: Locale;
  [key: string]: string | undefined;
}

export interface Recognition {
  intent: Intent;
  /** Confidence in [0, 1]. */
  score: number;
  entities: RecognitionEntities;
  /**
   * Only on `none` from a recognizer that had a guess below its threshold: the likeliest intents,
   * best first (at most two), for the bot to offer as choices.
   */
  alternatives?: readonly { readonly intent: Exclude<Intent, 'none'>; readonly score: number }[];
}

/**
 * Dialogs depend on this, not on the keyword rules, so a statistical recognizer can replace them
 * without touching a dialog. `locale` is the conversation's language: a hint, never a filter.
 */
export interface Recognizer {
  recognize(text: string, locale: Locale): Promise<Recognition>;
}
