/**
 * Money and dates as parents read them. Amounts are always US dollars written `$1,125.00`, whatever
 * the language, because that is how they appear on notices and checks; dates follow the language.
 * Calendar dates are `YYYY-MM-DD` and formatted in UTC so no server time zone can move a due date.
 */
import type { Locale } from '../locales/i18n.js';

const MONEY = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });

export function formatMoney(cents: number): string {
  return MONEY.format(cents / 100);
}

const DATE_FORMATS = new Map<Locale, Intl.DateTimeFormat>();

export function formatDate(isoDate: string, locale: Locale): string {
  let format = DATE_FORMATS.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
    DATE_FORMATS.set(locale, format);
  }
  return format.format(new Date(`${isoDate}T00:00:00Z`));
}

/** Case numbers are shown by their last four characters only, like card numbers on a statement. */
export function lastFour(value: string): string {
  return value.slice(-4);
}
