/** "What is my order?": the support amount and how often it is due, for each chosen case. */
import type { DialogTurnResult, WaterfallStepContext } from '../framework.js';
import { caseLabel } from '../cases/CaseChoiceDialog.js';
import type { AccountDeps } from '../deps.js';
import { formatDate, formatMoney } from '../format.js';
import { localeOf, sayFor } from '../reply.js';
import { AccountQuestionDialog, type AccountQuestion } from './AccountQuestionDialog.js';
import { tableActivity } from './present.js';

export const ORDER_DIALOG = 'OrderDialog';

export class OrderDialog extends AccountQuestionDialog {
  protected readonly view = 'order';

  constructor(deps: AccountDeps) {
    super(ORDER_DIALOG, deps);
  }

  protected async answer(step: WaterfallStepContext, { cases, asOf }: AccountQuestion): Promise<DialogTurnResult> {
    const say = sayFor(step.context);
    const locale = localeOf(step.context);
    const heading = say('order.heading', { date: formatDate(asOf, locale) });
    const rows = cases.map((item) => [
      caseLabel(say, item),
      formatMoney(item.orderAmountCents),
      say(`order.frequency.${item.orderFrequency}`),
      formatDate(item.orderStartDate, locale),
    ]);
    const lines = cases.map((item, index) =>
      say('order.line', {
        label: rows[index]?.[0] ?? '',
        amount: rows[index]?.[1] ?? '',
        frequency: rows[index]?.[2] ?? '',
        date: rows[index]?.[3] ?? '',
      }),
    );
    const footer = [say('order.footer')];
    await step.context.sendActivity(
      tableActivity(step.context, {
        text: [heading, ...lines, ...footer].join('\n\n'),
        heading: [heading],
        columns: [say('payments.table.case'), say('payments.table.amount'), say('order.table.frequency'), say('order.table.since')],
        rows,
        footer,
        locale,
      }),
    );
    return step.endDialog();
  }
}
