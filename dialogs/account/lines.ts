/** Sentences more than one account answer uses, so the same fact is always worded the same way. */
import type { CaseSummary } from '../../db/account/cases.js';
import type { Locale } from '../../locales/i18n.js';
import { formatDate, formatMoney } from '../format.js';
import type { Say } from '../messages.js';

/** A case with no payment yet: say so, and when the first one is due and how much. */
export function noPaymentLine(say: Say, locale: Locale, item: CaseSummary): string {
  const side = item.role === 'custodial' ? 'custodial' : 'noncustodial';
  if (item.nextDueDate === null || item.nextDueAmountCents === null) return say(`lastPayment.${side}.none`);
  return [
    say(`lastPayment.${side}.none`),
    say(`lastPayment.${side}.first_due`, { amount: formatMoney(item.nextDueAmountCents), date: formatDate(item.nextDueDate, locale) }),
  ].join(' ');
}
