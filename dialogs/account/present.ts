/**
 * One answer in the form the channel shows best. Where cards show (web chat, Teams), an Adaptive
 * Card table under a one-line summary: the answer once, not a text and then the same again as a
 * card (which took 1,731 px of a phone screen). Where only text travels (SMS, TTY), the whole answer
 * as plain text, every line of it; the SMS and TTY renderers read only `text`. The card keeps the
 * whole text as its fallback and speech, for clients that cannot draw it.
 * The text never holds a markdown table, so the SMS renderer can pass it on as it is.
 */
import { ActivityTypes, CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { Locale } from '../../locales/i18n.js';
import { isTextOnly } from '../text/mode.js';

/** Web Chat renders 1.5 (Table arrived in 1.5); nothing newer is used. */
export const CARD_VERSION = '1.5';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface TableAnswer {
  /** The whole answer as plain text; also the card's fallback. */
  readonly text: string;
  /** Lines above the table (the "as of" line first). */
  readonly heading: readonly string[];
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines below the table: totals, "more", where the PDF is. */
  readonly footer: readonly string[];
  readonly locale: Locale;
}

function textBlock(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

function cell(text: string, header: boolean): Record<string, unknown> {
  return { type: 'TableCell', items: [textBlock(text, header ? { weight: 'Bolder' } : {})] };
}

/** `withHeading`: false when the activity's text already shows the heading above the card. */
export function tableCard(answer: TableAnswer, withHeading = true): Record<string, unknown> {
  const heading = withHeading ? answer.heading : [];
  const body: Record<string, unknown>[] = heading.map((line, index) => textBlock(line, index === 0 ? { weight: 'Bolder' } : {}));
  if (answer.rows.length > 0) {
    body.push({
      type: 'Table',
      gridStyle: 'accent',
      firstRowAsHeader: true,
      columns: answer.columns.map(() => ({ width: 1 })),
      rows: [answer.columns, ...answer.rows].map((row, index) => ({ type: 'TableRow', cells: row.map((value) => cell(value, index === 0)) })),
    });
  }
  body.push(...answer.footer.map((line) => textBlock(line, { spacing: 'Medium' })));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    lang: answer.locale,
    fallbackText: answer.text,
    speak: answer.text,
    body,
  };
}

/** The short text shown above the card: the heading (its "as of" line first). */
export function tableSummary(answer: TableAnswer): string {
  return answer.heading.join('\n');
}

export function tableActivity(context: TurnContext, answer: TableAnswer): Partial<Activity> {
  if (isTextOnly(context)) {
    return { type: ActivityTypes.Message, text: answer.text, textFormat: 'plain', locale: answer.locale };
  }
  return {
    type: ActivityTypes.Message,
    text: tableSummary(answer),
    textFormat: 'plain',
    locale: answer.locale,
    attachments: [CardFactory.adaptiveCard(tableCard(answer, false))],
  };
}
