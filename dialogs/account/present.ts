/**
 * One answer, two forms in the same activity: plain text that reads well by itself (SMS and TTY
 * send only that, and screen readers may prefer it) and, for web chat, an Adaptive Card table. The
 * text never holds a markdown table, so the SMS renderer can pass it on as it is.
 */
import { ActivityTypes, CardFactory, type Activity } from 'botbuilder';
import type { Locale } from '../../locales/i18n.js';

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

export function tableCard(answer: TableAnswer): Record<string, unknown> {
  const body: Record<string, unknown>[] = answer.heading.map((line, index) => textBlock(line, index === 0 ? { weight: 'Bolder' } : {}));
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

export function tableActivity(answer: TableAnswer): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    text: answer.text,
    textFormat: 'plain',
    locale: answer.locale,
    attachments: [CardFactory.adaptiveCard(tableCard(answer))],
  };
}
