/**
 * Turns what the bot says (text that may hold markdown, cards, buttons, suggested actions) into
 * plain text a phone can show: buttons become numbered choices ("Reply 1 for…"), and a long
 * reply is cut into pages that each fit two SMS segments, the rest waiting for "MORE".
 */
import type { Activity, Attachment, CardAction } from 'botbuilder';
import { translator, type Locale } from '../../locales/i18n.js';

/** Twilio refuses longer bodies. */
export const MAX_SMS_CHARS = 1600;
/** Two concatenated segments: 2 × 153 GSM-7 characters, or 2 × 67 UCS-2 code units. */
export const GSM7_TWO_SEGMENTS = 306;
export const UCS2_TWO_SEGMENTS = 134;

export interface TextChoice {
  readonly number: number;
  /** What choosing it sends back, as if the parent had typed it. */
  readonly value: string;
}

export interface RenderedText {
  readonly text: string;
  readonly choices: readonly TextChoice[];
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set([...GSM7_BASIC]);
const EXTENDED = new Set([...GSM7_EXTENDED]);

export function isGsm7(text: string): boolean {
  return [...text].every((c) => BASIC.has(c) || EXTENDED.has(c));
}

/** Length as the carrier counts it against the two-segment budget of the text's encoding. */
export function smsUnits(text: string): { readonly units: number; readonly budget: number } {
  if (isGsm7(text)) return { units: [...text].reduce((n, c) => n + (EXTENDED.has(c) ? 2 : 1), 0), budget: GSM7_TWO_SEGMENTS };
  return { units: text.length, budget: UCS2_TWO_SEGMENTS };
}

/** Markdown a phone would show as stray symbols: emphasis, code, headings, links. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => (label === '' || label === url ? url : `${label}: ${url}`))
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, '$1')
    .replace(/(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])/g, '$1')
    .replace(/`{1,3}([^`]*)`{1,3}/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^(\s*)[*+]\s+/gm, '$1- ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function actionValue(action: CardAction): string {
  const value: unknown = action.value;
  if (typeof value === 'string' && value !== '') return value;
  return action.title ?? action.text ?? '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Hero, thumbnail and similar cards: their words and buttons; anything else only its text parts. */
function cardParts(attachment: Attachment): { lines: string[]; actions: CardAction[] } {
  const content: unknown = attachment.content;
  if (!isRecord(content)) return { lines: [], actions: [] };
  const lines = ['title', 'subtitle', 'text']
    .map((k) => content[k])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  const buttons = Array.isArray(content.buttons) ? (content.buttons as CardAction[]) : [];
  return { lines, actions: buttons.filter((b) => isRecord(b)) };
}

/**
 * One turn's activities as one text. A button that opens a URL becomes the URL itself (when the
 * text does not already show it); any other button a numbered choice.
 */
export function renderActivities(activities: readonly Partial<Activity>[], locale: Locale): RenderedText {
  const t = translator(locale);
  const paragraphs: string[] = [];
  const choices: TextChoice[] = [];
  const choiceLines: string[] = [];
  for (const activity of activities) {
    if (activity.type !== undefined && activity.type !== 'message') continue;
    const parts: string[] = [];
    if (typeof activity.text === 'string' && activity.text.trim() !== '') parts.push(stripMarkdown(activity.text));
    const actions: CardAction[] = [...(activity.suggestedActions?.actions ?? [])];
    for (const attachment of activity.attachments ?? []) {
      const card = cardParts(attachment);
      parts.push(...card.lines.map(stripMarkdown));
      actions.push(...card.actions);
    }
    const shown = parts.join('\n');
    for (const action of actions) {
      const value = actionValue(action);
      if (value === '') continue;
      if (action.type === 'openUrl' || action.type === 'signin') {
        if (!shown.includes(value)) parts.push(value);
        continue;
      }
      const number = choices.length + 1;
      choices.push({ number, value });
      choiceLines.push(t('sms.reply_for', { number, title: action.title ?? value }));
    }
    if (parts.length > 0) paragraphs.push(parts.join('\n'));
  }
  if (choiceLines.length > 0) paragraphs.push(choiceLines.join('\n'));
  return { text: paragraphs.join('\n\n'), choices };
}

const LINK = /\bhttps?:\/\/\S+/i;

/**
 * A page may run past two segments (never past 1,600 characters) to keep a link on it: a parent
 * told "open this link" must not need MORE to reach it, and a link cut in two opens nothing.
 */
function keepsLink(page: string, piece: string, suffix: string): boolean {
  return page !== '' && LINK.test(piece) && `${page}\n${piece}\n${suffix}`.length <= MAX_SMS_CHARS;
}

function fits(text: string, suffix: string): boolean {
  const { units, budget } = smsUnits(suffix === '' ? text : `${text}\n${suffix}`);
  return units <= budget;
}

/** Pieces no longer than the budget: lines, then words, then characters for a monster word. */
function pieces(text: string, suffix: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (fits(line, suffix)) {
      out.push(line);
      continue;
    }
    let current = '';
    for (const word of line.split(' ')) {
      const next = current === '' ? word : `${current} ${word}`;
      if (fits(next, suffix)) {
        current = next;
        continue;
      }
      if (current !== '') out.push(current);
      current = word;
      while (!fits(current, suffix) && !LINK.test(current)) {
        let cut = current.length - 1;
        while (cut > 1 && !fits(current.slice(0, cut), suffix)) cut -= 1;
        out.push(current.slice(0, cut));
        current = current.slice(cut);
      }
    }
    if (current !== '') out.push(current);
  }
  return out;
}

/**
 * Pages that each fit two segments with the "MORE" hint on all but the last. Lines are kept whole
 * where they can be, so a list item is never split across pages.
 */
export function paginate(text: string, moreHint: string): string[] {
  if (fits(text, '')) return [text];
  const pages: string[] = [];
  let current = '';
  for (const piece of pieces(text, moreHint)) {
    const next = current === '' ? piece : `${current}\n${piece}`;
    if (fits(next, moreHint) || keepsLink(current, piece, moreHint)) {
      current = next;
      continue;
    }
    pages.push(current);
    current = piece;
  }
  if (current !== '') pages.push(current);
  const cleaned = pages.map((p) => p.replace(/^\n+|\n+$/g, '')).filter((p) => p !== '');
  // The last page carries no hint, so it may absorb nothing more: it already fits.
  return cleaned.map((page, i) => (i < cleaned.length - 1 ? `${page}\n${moreHint}` : page).slice(0, MAX_SMS_CHARS));
}
