/**
 * "My payments", "payments in March", "这个月的付款": the payments received on the chosen cases,
 * newest first, a page at a time ("more" turns the page), with the count and total of the whole
 * range. Ranges are read against the data's as-of date. "print" after any page turns the range on
 * screen into a PDF (the document flow), when the composition root handed in a document port.
 */
import { Dialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from '../framework.js';
import type { CaseSummary } from '../../db/account/cases.js';
import { readPayments } from '../../db/account/payments.js';
import { translator, type Locale } from '../../locales/i18n.js';
import { caseLabel } from '../cases/CaseChoiceDialog.js';
import { formatMonth, parseDateRange, type DateRange } from '../dates/dateRange.js';
import type { AccountDeps } from '../deps.js';
import { formatDate, formatMoney, lastFour } from '../format.js';
import type { Say } from '../messages.js';
import { normalizeForMatching } from '../recognizer/normalize.js';
import { localeOf, reply, sayFor } from '../reply.js';
import { useSession } from '../../db/repositories/sessions.js';
import { conversationKeyOf } from '../auth/conversation.js';
import { LOCALES } from '../../locales/i18n.js';
import { AccountQuestionDialog, type AccountQuestion } from './AccountQuestionDialog.js';
import { noPaymentLine } from './lines.js';
import { tableActivity } from './present.js';
import { REROUTE } from './reroute.js';
import { DOCUMENT_DIALOG, DocumentDialog, type DocumentOptions, type PrintRequest } from '../documents/DocumentDialog.js';
import type { DocumentPort } from '../documents/ports.js';

export const PAYMENT_HISTORY_DIALOG = 'PaymentHistoryDialog';
const HISTORY_PAGES = 'PaymentHistoryDialog.pages';
export const HISTORY_PAGE_SIZE = 5;

interface PageOptions {
  readonly personId: string;
  readonly cases: readonly CaseSummary[];
  readonly range: DateRange | null;
  readonly asOf: string;
  readonly offset: number;
}

/** "more" in any of our languages turns the page, whatever language the chat is in. */
const MORE_WORDS = new Set(
  LOCALES.flatMap((locale) => translator(locale)('history.more_words').split('|')).map((word) => normalizeForMatching(word)),
);

export function isMore(text: string): boolean {
  return MORE_WORDS.has(normalizeForMatching(text));
}

/** "print", "打印", "imprimir"… in any of our languages. */
const PRINT_WORDS = new Set(
  LOCALES.flatMap((locale) => translator(locale)('documents.chat.print_words').split('|')).map((word) => normalizeForMatching(word)),
);

export function isPrintWord(text: string): boolean {
  return PRINT_WORDS.has(normalizeForMatching(text));
}

/** "in March 2026" / "from May 21, 2026 to November 20, 2026", in the parent's language. */
export function rangeWords(say: Say, locale: Locale, range: DateRange): string {
  if (range.month !== undefined) return say('history.range_month', { month: formatMonth(range.month.year, range.month.month, locale) });
  return say('history.range_dates', { from: formatDate(range.from, locale), to: formatDate(range.to, locale) });
}

export class PaymentHistoryDialog extends AccountQuestionDialog {
  protected readonly view = 'payment_history';

  private readonly printable: boolean;

  constructor(deps: AccountDeps, documents?: DocumentPort) {
    super(PAYMENT_HISTORY_DIALOG, deps);
    this.printable = documents !== undefined;
    if (documents !== undefined) this.addDialog(new DocumentDialog(deps, documents));
    this.addDialog(new WaterfallDialog<PageOptions>(HISTORY_PAGES, [this.pageStep.bind(this), this.moreStep.bind(this)]));
  }

  protected async answer(step: WaterfallStepContext, { personId, cases, asOf, text }: AccountQuestion): Promise<DialogTurnResult> {
    const range = parseDateRange(text, asOf);
    return step.beginDialog(HISTORY_PAGES, { personId, cases: [...cases], range, asOf, offset: 0 } satisfies PageOptions);
  }

  private async pageStep(step: WaterfallStepContext<PageOptions>): Promise<DialogTurnResult> {
    const { personId, cases, range, asOf, offset } = step.options;
    const say = sayFor(step.context);
    const locale = localeOf(step.context);
    const page = await readPayments(this.deps.db, personId, {
      caseNumbers: cases.map((c) => c.caseNumber),
      ...(range === null ? {} : { from: range.from }),
      to: range?.to ?? asOf,
      limit: HISTORY_PAGE_SIZE,
      offset,
    });
    const where = cases.map((c) => caseLabel(say, c)).join('; ');
    const asOfDate = formatDate(asOf, locale);
    const heading =
      range === null
        ? say('history.heading', { cases: where, date: asOfDate })
        : say('history.heading_range', { cases: where, date: asOfDate, range: rangeWords(say, locale, range) });
    if (page.count === 0) {
      const none =
        range === null ? cases.map((c) => `${caseLabel(say, c)}: ${noPaymentLine(say, locale, c)}`) : [say('history.none_range', { range: rangeWords(say, locale, range) })];
      await step.context.sendActivity([heading, ...none].join('\n\n'));
      return step.endDialog();
    }
    const several = cases.length > 1;
    const rows = page.payments.map((p) => {
      const row = [formatDate(p.receivedOn, locale), formatMoney(p.amountCents), say(`payments.source.${p.source}`)];
      return several ? [...row, lastFour(p.caseNumber)] : row;
    });
    const lines = rows.map((row) =>
      several
        ? say('history.line_case', { date: row[0] ?? '', amount: row[1] ?? '', source: row[2] ?? '', caseEnding: row[3] ?? '' })
        : say('history.line', { date: row[0] ?? '', amount: row[1] ?? '', source: row[2] ?? '' }),
    );
    const shownTo = offset + page.payments.length;
    const hasMore = shownTo < page.count;
    const footer = [
      say('history.showing', { first: offset + 1, last: shownTo, count: page.count }),
      range === null
        ? say('history.total_all', { amount: formatMoney(page.totalCents), count: page.count })
        : say('history.total_range', { amount: formatMoney(page.totalCents), count: page.count, range: rangeWords(say, locale, range) }),
      say('history.ranges_hint'),
      say(this.printable ? 'documents.chat.print_hint' : 'history.pdf'),
      // Last, so on SMS ("Reply MORE", the pager's own word: `history.more_sms`) it is on the last
      // text and never beside the pager's "Reply MORE for the rest".
      ...(hasMore ? [say('history.more')] : []),
    ];
    const columns = [say('payments.table.date'), say('payments.table.amount'), say('payments.table.source')];
    await step.context.sendActivity(
      tableActivity(step.context, {
        text: [heading, lines.map((line) => `- ${line}`).join('\n'), footer.join('\n')].join('\n\n'),
        heading: [heading],
        columns: several ? [...columns, say('payments.table.case_ending')] : columns,
        rows,
        footer,
        locale,
      }),
    );
    (step.values as { hasMore?: boolean }).hasMore = hasMore;
    // Waiting after the last page too when "print" can follow it.
    if (!hasMore && !this.printable) return step.endDialog();
    return Dialog.EndOfTurn;
  }

  /**
   * Waiting after a page: "more" shows the next, "print" prints the range on screen; anything else
   * is a new question for the main dialog.
   */
  private async moreStep(step: WaterfallStepContext<PageOptions>): Promise<DialogTurnResult> {
    const answer = typeof step.result === 'string' ? step.result : '';
    if (this.printable && isPrintWord(answer)) {
      const { range, cases } = step.options;
      const print: PrintRequest = { range: range === null ? null : { from: range.from, to: range.to }, caseNumbers: cases.map((c) => c.caseNumber) };
      return step.replaceDialog(DOCUMENT_DIALOG, { print } satisfies DocumentOptions);
    }
    if (!isMore(answer)) return step.endDialog(REROUTE);
    if ((step.values as { hasMore?: boolean }).hasMore !== true) {
      // "more" after the whole list: say that was all, rather than not understanding it.
      await reply(step.context, 'history.all_shown');
      return step.endDialog();
    }
    // The next page is account data too: only while the session that showed the first is live.
    const session = await useSession(this.deps.db, conversationKeyOf(step.context), this.deps.now());
    if (session === null || session.personId !== step.options.personId) {
      await reply(step.context, 'account.session_ended');
      return step.endDialog();
    }
    return step.replaceDialog(HISTORY_PAGES, { ...step.options, offset: step.options.offset + HISTORY_PAGE_SIZE } satisfies PageOptions);
  }
}
