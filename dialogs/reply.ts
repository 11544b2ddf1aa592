/**
 * Sends one localized text in the turn's language. Dialogs nested below the main dialog use this
 * instead of inheriting the interruption base, which must run once per turn, at the top.
 */
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../locales/i18n.js';
import { sessionOf } from './language/turnLanguage.js';
import { sayIn, type Say, type Wording } from './messages.js';
import { SMS_CHANNEL_ID } from './text/mode.js';

export function localeOf(context: TurnContext): Locale {
  return sessionOf(context).locale();
}

/** SMS needs words no carrier reads as a keyword; every other channel takes the usual ones. */
export function wordingOf(context: TurnContext): Wording {
  return context.activity.channelId === SMS_CHANNEL_ID ? 'sms' : 'any';
}

export function sayFor(context: TurnContext): Say {
  return sayIn(localeOf(context), wordingOf(context));
}

export async function reply(context: TurnContext, key: string, vars?: Record<string, string | number>): Promise<void> {
  await context.sendActivity(sayFor(context)(key, vars));
}
