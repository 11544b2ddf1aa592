/**
 * Turns what the bot says (text that may hold markdown, cards, buttons, suggested actions) into
 * plain text a phone can show: buttons become numbered choices ("Reply 1 for…"), and a long
 * reply is cut into pages that each fit three SMS segments, the rest waiting for "MORE".
 */
import type { Activity, Attachment, CardAction } from 'botbuilder';
import { translator, type Locale } from '../../locales/i18n.js';
import { WORDS } from '../../locales/words.js';

/** Twilio refuses longer bodies. */
export const MAX_SMS_CHARS = 1600;
/**
 * A page: three concatenated segments, 3 × 153 GSM-7 characters or 3 × 67 UCS-2 code units.
 * Carriers bill segments, not texts, so a bigger page costs nothing more and saves a "MORE" hint
 * and a half-empty last segment; two UCS-2 segments (134) could not hold a Chinese heading and
 * the one sentence that answers the question, so the answer waited behind MORE.
 */
export const GSM7_PAGE_UNITS = 459;
export const UCS2_PAGE_UNITS = 201;

/** Segments as the carrier counts them: one of 160 / 70, or parts of 153 / 67 when longer. */
export function smsSegments(text: string): number {
  const gsm = isGsm7(text);
  const units = gsm ? [...text].reduce((n, c) => n + (EXTENDED.has(c) ? 2 : 1), 0) : text.length;
  if (units <= (gsm ? 160 : 70)) return 1;
  return Math.ceil(units / (gsm ? 153 : 67));
}

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

/** Letters outside GSM-7 that Spanish uses, and typographic marks, with their plain forms. */
const GSM7_FOLD: Readonly<Record<string, string>> = {
  á: 'a', í: 'i', ó: 'o', ú: 'u', Á: 'A', Í: 'I', Ó: 'O', Ú: 'U', ê: 'e', â: 'a', ô: 'o', ç: 'c',
  '\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'", '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ',
};

/**
 * Spanish with its accents as GSM-7, when that is all that keeps a text out of it: one "ó" turns
 * the whole text into UCS-2, where a segment holds 67 characters instead of 153 (Ana's balance
 * took 11 segments). Plain vowels are the usual way Spanish is texted and read. A text that still
 * needs UCS-2 (Chinese) is returned unchanged, accents and all.
 */
export function foldToGsm7(text: string): string {
  if (isGsm7(text)) return text;
  const folded = [...text].map((c) => GSM7_FOLD[c] ?? c).join('');
  return isGsm7(folded) ? folded : text;
}

/** Length as the carrier counts it against the page budget of the text's encoding. */
export function smsUnits(text: string): { readonly units: number; readonly budget: number } {
  if (isGsm7(text)) return { units: [...text].reduce((n, c) => n + (EXTENDED.has(c) ? 2 : 1), 0), budget: GSM7_PAGE_UNITS };
  return { units: text.length, budget: UCS2_PAGE_UNITS };
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

/** Text between two possible page breaks: a sentence, or a piece of one too long for a page. */
interface Atom {
  /** What stood between it and the text before it ('\n', '\n\n', ' ', or '' after 。). */
  readonly sep: string;
  readonly text: string;
}

/** Month names written with letters (dates in Han script have their own pattern below), from every language folder. */
const MONTHS = [...new Set(WORDS.dates.months.flat().filter((w) => /^\p{L}+$/u.test(w) && !/\p{Script=Han}/u.test(w)))]
  .sort((a, b) => b.length - a.length)
  .join('|');
/** The words that join a day, a month and a year in a written date, from every language folder. */
const JOINERS = WORDS.dates.yearJoiners.filter((w) => /^\p{L}+$/u.test(w)).join('|') || '(?!)';

/**
 * What a page break must never cut: an amount ("$1,125.00"), a date written out in any of our
 * languages (day, joiner word, month, year), a date in Han script, and links. A parent reading
 * "$210.00 on the 20th of" on one text and the month on the next cannot tell when a payment is due.
 */
const UNBREAKABLE = new RegExp(
  [
    '\\$\\s?\\d{1,3}(?:,\\d{3})*(?:\\.\\d{2})?',
    `(?:${MONTHS})\\s+\\d{1,2}(?:,\\s*\\d{4})?`,
    `\\d{1,2}\\s+(?:${JOINERS})\\s+(?:${MONTHS})(?:\\s+(?:${JOINERS})\\s+\\d{4})?`,
    `(?:${MONTHS})\\s+(?:${JOINERS})\\s+\\d{4}`,
    '\\d{4}\\s?年\\s?\\d{1,2}\\s?月(?:\\s?\\d{1,2}\\s?日)?',
    '\\d{1,2}\\s?月\\s?\\d{1,2}\\s?日',
    'https?:\\/\\/\\S+',
  ].join('|'),
  'giu',
);

/** Where a sentence ends: . ! ? (then any closing quote) before a space, or 。！？ anywhere. */
const SENTENCE_END = /[.!?][)"'\u201d\u2019\u00bb]*[ \t]+(?=\S)|[\u3002\uff01\uff1f][\u300d\u300f\u201d\u2019\uff09]*(?=\S)/gu;

function protectedSpans(text: string): readonly (readonly [number, number])[] {
  return [...text.matchAll(UNBREAKABLE)].map((m) => [m.index, m.index + m[0].length] as const);
}

function insideSpan(spans: readonly (readonly [number, number])[], at: number): boolean {
  return spans.some(([from, to]) => at > from && at < to);
}

/** A line cut into its sentences, each with the space that preceded it. */
function sentencesOf(line: string): Atom[] {
  const spans = protectedSpans(line);
  const out: Atom[] = [];
  let start = 0;
  let sep = '';
  for (const match of line.matchAll(SENTENCE_END)) {
    const punct = /^[^ \t]+/u.exec(match[0])?.[0] ?? '';
    const cut = match.index + punct.length;
    const next = match.index + match[0].length;
    if (next >= line.length || insideSpan(spans, cut)) continue;
    out.push({ sep, text: line.slice(start, cut) });
    sep = line.slice(cut, next);
    start = next;
  }
  out.push({ sep, text: line.slice(start) });
  return out;
}

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/**
 * A sentence too long for a page, cut where a word ends (or between Chinese characters), never
 * inside a date, an amount or a link. Each piece fits unless one word alone does not.
 */
function splitLong(atom: Atom, suffix: string): Atom[] {
  const { text } = atom;
  const spans = protectedSpans(text);
  const cuts: number[] = [];
  for (let i = 1; i < text.length; i += 1) {
    const before = text[i - 1] ?? '';
    const here = text[i] ?? '';
    const wordStart = /\s/u.test(before) && !/\s/u.test(here);
    const cjk = !/\s/u.test(before) && !/\s/u.test(here) && (CJK.test(before) || CJK.test(here));
    if ((wordStart || cjk) && !insideSpan(spans, i)) cuts.push(i);
  }
  const out: Atom[] = [];
  let start = 0;
  let sep = atom.sep;
  while (!fits(text.slice(start), suffix)) {
    const candidates = cuts.filter((c) => c > start);
    const fitting = candidates.filter((c) => fits(text.slice(start, c).trimEnd(), suffix));
    let cut = fitting.at(-1) ?? candidates[0];
    if (cut === undefined) break;
    if (fitting.length === 0 && !LINK.test(text.slice(start, cut))) {
      // One word longer than a page (no date or link): cut it where it must, as a last resort.
      cut = start + 1;
      while (cut < text.length && fits(text.slice(start, cut + 1), suffix)) cut += 1;
    }
    const piece = text.slice(start, cut);
    const trimmed = piece.trimEnd();
    out.push({ sep, text: trimmed });
    sep = piece.slice(trimmed.length);
    start = cut;
  }
  out.push({ sep, text: text.slice(start) });
  return out;
}

/** The text as sentences, each on the line it was on; blank lines kept in the separators. */
function atomsOf(text: string, suffix: string): Atom[] {
  const atoms: Atom[] = [];
  let sep = '';
  text.split('\n').forEach((line, i) => {
    if (i > 0) sep += '\n';
    if (line.trim() === '') {
      sep += line;
      return;
    }
    sentencesOf(line).forEach((sentence, j) => {
      const atom = { sep: j === 0 ? sep : sentence.sep, text: sentence.text };
      atoms.push(...(fits(atom.text, suffix) || (LINK.test(atom.text) && !/\s/u.test(atom.text.trim())) ? [atom] : splitLong(atom, suffix)));
    });
    sep = '';
  });
  return atoms;
}

/**
 * Pages that each fit three segments with the "MORE" hint on all but the last. A page ends only
 * between lines or sentences; a sentence longer than a page is cut between words, never inside a
 * date or an amount. Nothing is lost or reordered: the pages, hints taken away, are the text.
 */
export function paginate(text: string, moreHint: string): string[] {
  if (fits(text, '')) return [text];
  const pages: string[] = [];
  let current = '';
  for (const atom of atomsOf(text, moreHint)) {
    if (atom.text === '') continue;
    const next = current === '' ? atom.text : `${current}${atom.sep}${atom.text}`;
    if (current === '' || fits(next, moreHint) || keepsLink(current, atom.text, moreHint)) {
      current = next;
      continue;
    }
    pages.push(current);
    current = atom.text;
  }
  if (current !== '') pages.push(current);
  const cleaned = pages.map((p) => p.replace(/^\s+|\s+$/g, '')).filter((p) => p !== '');
  // The last page carries no hint, so it may absorb nothing more: it already fits.
  return cleaned.map((page, i) => (i < cleaned.length - 1 ? `${page}\n${moreHint}` : page).slice(0, MAX_SMS_CHARS));
}
