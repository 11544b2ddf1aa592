/**
 * "Did I get my money?": what was sent to the receiving parent, when and how. Only the custodial
 * side of a case has disbursements; a paying parent who asks is told kindly who they are for.
 */
import type { DialogTurnResult, WaterfallStepContext } from '../framework.js';
import { readDisbursements } from '../../db/account/disbursements.js';
import { readLastPayment } from '../../db/account/payments.js';
import { caseLabel } from '../cases/CaseChoiceDialog.js';
import { parseDateRange } from '../dates/dateRange.js';
import type { AccountDeps } from '../deps.js';
import { formatDate, formatMoney, lastFour } from '../format.js';
import { localeOf, sayFor } from '../reply.js';
import { AccountQuestionDialog, type AccountQuestion } from './AccountQuestionDialog.js';
import { rangeWords } from './PaymentHistoryDialog.js';
import { tableActivity } from './present.js';

export const DISBURSEMENTS_DIALOG = 'DisbursementsDialog';
const LATEST = 5;

export class DisbursementsDialog extends AccountQuestionDialog {
  protected readonly view = 'disbursements';

  constructor(deps: AccountDeps) {
    super(DISBURSEMENTS_DIALOG, deps);
  }

  protected async answer(step: WaterfallStepContext, { personId, cases, asOf, text }: AccountQuestion): Promise<DialogTurnResult> {
    const say = sayFor(step.context);
    const locale = localeOf(step.context);
    const receiving = cases.filter((c) => c.role === 'custodial');
    if (receiving.length === 0) {
      await step.context.sendActivity(say('disbursements.not_custodial'));
      return step.endDialog();
    }
    const range = parseDateRange(text, asOf);
    const page = await readDisbursements(this.deps.db, personId, {
      caseNumbers: receiving.map((c) => c.caseNumber),
      ...(range === null ? {} : { from: range.from }),
      to: range?.to ?? asOf,
      limit: range === null ? LATEST : 50,
    });
    const where = receiving.map((c) => caseLabel(say, c)).join('; ');
    const asOfDate = formatDate(asOf, locale);
    const heading =
      range === null
        ? say('disbursements.heading', { cases: where, date: asOfDate })
        : say('disbursements.heading_range', { cases: where, date: asOfDate, range: rangeWords(say, locale, range) });
    if (page.count === 0) {
      await step.context.sendActivity([heading, say('disbursements.none')].join('\n\n'));
      return step.endDialog();
    }
    const several = receiving.length > 1;
    const rows = page.disbursements.map((d) => {
      const row = [formatDate(d.issuedOn, locale), formatMoney(d.amountCents), say(`disbursements.method.${d.method}`)];
      return several ? [...row, lastFour(d.caseNumber)] : row;
    });
    const lines = rows.map((row) =>
      several
        ? say('disbursements.line_case', { date: row[0] ?? '', amount: row[1] ?? '', method: row[2] ?? '', caseEnding: row[3] ?? '' })
        : say('disbursements.line', { date: row[0] ?? '', amount: row[1] ?? '', method: row[2] ?? '' }),
    );
    // "When will I get my money?": the latest payment not yet passed on is the next money out.
    const pending: string[] = [];
    if (range === null) {
      for (const item of receiving) {
        const last = await readLastPayment(this.deps.db, personId, item.caseNumber, asOf);
        if (last === null || last.disbursement !== null) continue;
        const vars = { amount: formatMoney(last.payment.amountCents), date: formatDate(last.payment.receivedOn, locale), caseEnding: lastFour(item.caseNumber) };
        pending.push(say(several ? 'disbursements.pending_case' : 'disbursements.pending', vars));
      }
    }
    const footer = [
      ...pending,
      range === null
        ? say('disbursements.latest', { shown: page.disbursements.length, count: page.count })
        : say('disbursements.total_range', { amount: formatMoney(page.totalCents), count: page.count, range: rangeWords(say, locale, range) }),
      say('disbursements.hint'),
    ];
    const columns = [say('payments.table.date'), say('payments.table.amount'), say('disbursements.table.method')];
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
    return step.endDialog();
  }
}
