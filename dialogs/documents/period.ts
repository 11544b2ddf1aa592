/**
 * Which period a document covers, read from the parent's words against the data's as-of date:
 * a statement of a month ("my October statement", "十月份的对账单"), of a year ("statement for
 * 2025", which adds the chart of its months) or of any range the date words name; by default the
 * last full month before the as-of date, the statement an agency would have mailed last.
 */
import type { Locale } from '../../locales/i18n.js';
import { formatMonth, parseDateRange, parseMonthSpan } from '../dates/dateRange.js';
import { formatDate } from '../format.js';
import type { Say } from '../messages.js';
import type { DocumentKind, DocumentParams } from './ports.js';

function iso(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The last calendar month that had ended by `asOf` (the month of `asOf` itself on its last day). */
export function lastFullMonth(asOf: string): { from: string; to: string } {
  const [year = 0, month = 1, day = 1] = asOf.split('-').map(Number);
  if (day === lastDayOf(year, month)) return { from: iso(year, month, 1), to: asOf };
  const previous = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  return { from: iso(previous.year, previous.month, 1), to: iso(previous.year, previous.month, lastDayOf(previous.year, previous.month)) };
}

/**
 * "from August to October", "de agosto a octubre", "八月到十月": whole months, from the first day of
 * the first to the last day of the second (never past `asOf`); the month words live in
 * `locales/<lang>/words.json` and are read by the date parser.
 */
export { parseMonthSpan };

/** The params of a statement, notice or coupon asked for in `text`. */
export function documentParams(kind: Exclude<DocumentKind, 'payment_history'>, text: string, asOf: string): DocumentParams {
  if (kind === 'payment_coupon') return { asOf };
  const span = kind === 'statement' ? parseMonthSpan(text, asOf) : null;
  if (span !== null) return { asOf, ...span };
  const range = parseDateRange(text, asOf);
  if (range === null) return { asOf, ...lastFullMonth(asOf) };
  if (range.month !== undefined) return { asOf, from: range.from, to: range.to };
  if (kind === 'monthly_notice') {
    // A notice is of one month: the last month of the range named.
    const [year = 0, month = 1] = range.to.split('-').map(Number);
    return { asOf, from: iso(year, month, 1), to: range.to };
  }
  const [fromYear = 0] = range.from.split('-').map(Number);
  const [toYear = 0] = range.to.split('-').map(Number);
  const wholeYear = range.from === iso(fromYear, 1, 1) && fromYear === toYear && (range.to === iso(toYear, 12, 31) || range.to === asOf);
  return wholeYear ? { asOf, from: range.from, to: range.to, year: fromYear } : { asOf, from: range.from, to: range.to };
}

/** "October 2026" for a whole month, "2025" for a whole year, else "May 1, 2026 to October 31, 2026". */
export function periodWords(period: { from: string; to: string }, locale: Locale, say: Say): string {
  const [fy = 0, fm = 1, fd = 1] = period.from.split('-').map(Number);
  const [ty = 0, tm = 1, td = 1] = period.to.split('-').map(Number);
  if (fd === 1 && fy === ty && fm === tm) return formatMonth(fy, fm, locale);
  if (fd === 1 && fm === 1 && fy === ty && tm === 12 && td === 31) return String(fy);
  return say('documents.pdf.period_range', { from: formatDate(period.from, locale), to: formatDate(period.to, locale) });
}

/** "23 KB", "1.2 MB": how big the download is. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
