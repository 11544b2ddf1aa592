/**
 * The rules for a message a parent hands to their office, and the email it becomes. The message is
 * the parent's own words, so it is checked rather than cleaned: nothing is silently dropped, and a
 * number shaped like an SSN or a PIN is refused before it can be stored or mailed.
 */
import type { TurnContext } from 'botbuilder';
import { SMS_CHANNEL_ID, textTurnOf } from '../text/mode.js';
import type { Office, OfficeChannelKind } from '../../db/repositories/officeMessages.js';
import { translator, type Locale } from '../../locales/i18n.js';
import { digitChains } from '../../db/sensitive.js';
import { looksSensitive } from '../input/screenInput.js';
import { phrasePattern, WORDS } from '../../locales/words.js';
import { normalizeForMatching } from '../recognizer/normalize.js';
import type { OfficeEmail } from './ports.js';

/** Characters (code points) after trimming: enough for a question, short enough to read at a desk. */
export const MAX_OFFICE_MESSAGE = 1000;

export type MessageCheck =
  | { readonly ok: true; readonly text: string; readonly length: number }
  | { readonly ok: false; readonly reason: 'empty' | 'too_long' | 'control' | 'sensitive'; readonly length: number };

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** A PIN-looking run of digits next to a word that names it, in any of our languages. */
const PIN_WORDS = new RegExp(phrasePattern(WORDS.sensitive.pinWords.map(normalizeForMatching)), 'u');
/** Four to six digits, however spaced: "2 4 6 8 0" next to "PIN" is still the PIN. */
const hasPinSizedNumber = (text: string): boolean => digitChains(text).some((c) => c.digits >= 4 && c.digits <= 6);

export function checkOfficeMessage(raw: string): MessageCheck {
  const text = raw.replace(/\r\n?/g, '\n').trim();
  const length = [...text].length;
  if (length === 0) return { ok: false, reason: 'empty', length };
  if (length > MAX_OFFICE_MESSAGE) return { ok: false, reason: 'too_long', length };
  if (CONTROL.test(text)) return { ok: false, reason: 'control', length };
  if (looksSensitive(text) || (PIN_WORDS.test(normalizeForMatching(text)) && hasPinSizedNumber(text))) return { ok: false, reason: 'sensitive', length };
  return { ok: true, text, length };
}

/**
 * While the parent types their message, "I need help with my payment" is the message, not a call
 * for the help menu. Only a short text, the size of a command ("help", "cancel", "español", "取消"),
 * may still interrupt.
 */
export function mayInterruptFreeText(text: string): boolean {
  const trimmed = text.trim();
  const chars = [...trimmed].length;
  if (/\p{Script=Han}/u.test(trimmed)) return chars <= 6;
  return chars <= 20 && trimmed.split(/\s+/u).length <= 3;
}

export type ChannelKind = OfficeChannelKind;

/** How the office should think of reaching this parent back: a TTY user needs a relay call. */
export function channelKindOf(context: TurnContext): ChannelKind {
  if (textTurnOf(context).tty) return 'tty';
  if (context.activity.channelId === SMS_CHANNEL_ID) return 'sms';
  return 'web';
}

/** "+17185550140" → "718-555-0140", as the helpline number is written everywhere else. */
export function formatPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return national.length === 10 ? `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}` : e164;
}

export interface EmailFacts {
  /** `OCS-7K3QH`: told to the parent, written in the email, and its Message-ID. */
  readonly reference: string;
  readonly office: Office;
  readonly parentName: string;
  readonly caseNumber: string;
  readonly channel: ChannelKind;
  readonly locale: Locale;
  readonly message: string;
}

/**
 * Office staff work in English whatever language the parent chose, so the email's own words are
 * English; the parent's language is stated so the office can answer in it. No SSN, PIN or address
 * of the parent is ever part of it: the office looks the case up by its number.
 */
export function composeOfficeEmail(facts: EmailFacts): OfficeEmail {
  const t = translator('en');
  const text = [
    t('office.email.intro'),
    '',
    t('office.email.parent', { name: facts.parentName }),
    t('office.email.case', { caseNumber: facts.caseNumber }),
    t('office.email.channel', { channel: t(`office.email.channels.${facts.channel}`) }),
    t('office.email.language', { language: t(`office.email.languages.${facts.locale}`) }),
    t('office.email.reference', { reference: facts.reference }),
    '',
    t('office.email.message_heading'),
    facts.message,
    '',
    t('office.email.reply'),
  ].join('\n');
  return { reference: facts.reference, to: facts.office.email, subject: t('office.email.subject', { caseNumber: facts.caseNumber }), text };
}

/** A short code worth storing: the transport's (`ECONNECTION`, `EAUTH`, `EACCES`…) or a generic one. */
export function errorCodeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(code) ? code : 'send_failed';
}
