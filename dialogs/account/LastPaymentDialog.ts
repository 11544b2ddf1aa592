/**
 * "When was my last payment?": for the paying parent, the last payment received from them and how
 * it came; for the receiving parent, the last payment on their case and when it was (or will be)
 * sent on to them. A case with no payment yet says so and names the first amount and due date.
 */
import type { DialogTurnResult, WaterfallStepContext } from '../framework.js';
import { readLastPayment } from '../../db/account/payments.js';
import { caseLabel } from '../cases/CaseChoiceDialog.js';
import type { AccountDeps } from '../deps.js';
import { formatDate, formatMoney } from '../format.js';
import { localeOf, sayFor } from '../reply.js';
import { AccountQuestionDialog, type AccountQuestion } from './AccountQuestionDialog.js';
import { noPaymentLine } from './lines.js';
import { tableActivity } from './present.js';

export const LAST_PAYMENT_DIALOG = 'LastPaymentDialog';

export class LastPaymentDialog extends AccountQuestionDialog {
  protected readonly view = 'last_payment';

  constructor(deps: AccountDeps) {
    super(LAST_PAYMENT_DIALOG, deps);
  }

  protected async answer(step: WaterfallStepContext, { personId, cases, asOf }: AccountQuestion): Promise<DialogTurnResult> {
    const say = sayFor(step.context);
    const locale = localeOf(step.context);
    const heading = say('lastPayment.heading', { date: formatDate(asOf, locale) });
    const blocks: string[] = [];
    const rows: string[][] = [];
    for (const item of cases) {
      const label = caseLabel(say, item);
      const last = await readLastPayment(this.deps.db, personId, item.caseNumber, asOf);
      if (last === null) {
        const line = noPaymentLine(say, locale, item);
        blocks.push(`${label}: ${line}`);
        rows.push([label, '—', '—', line]);
        continue;
      }
      const { payment, disbursement } = last;
      const vars = {
        amount: formatMoney(payment.amountCents),
        date: formatDate(payment.receivedOn, locale),
        source: say(`payments.source.${payment.source}`),
      };
      const lines = [say(item.role === 'custodial' ? 'lastPayment.custodial.received' : 'lastPayment.noncustodial.received', vars)];
      let sent = '';
      if (item.role === 'custodial') {
        sent =
          disbursement === null
            ? say('lastPayment.custodial.not_sent_yet')
            : say('lastPayment.custodial.sent', {
                amount: formatMoney(disbursement.amountCents),
                date: formatDate(disbursement.issuedOn, locale),
                method: say(`disbursements.method.${disbursement.method}`),
              });
        lines.push(sent);
      }
      blocks.push(`${label}: ${lines.join(' ')}`);
      rows.push([label, vars.date, vars.amount, item.role === 'custodial' ? `${vars.source}. ${sent}` : vars.source]);
    }
    const footer = [say('lastPayment.footer')];
    const text = [heading, ...blocks, ...footer].join('\n\n');
    await step.context.sendActivity(
      tableActivity(step.context, {
        text,
        heading: [heading],
        columns: [say('payments.table.case'), say('payments.table.date'), say('payments.table.amount'), say('payments.table.details')],
        rows,
        footer,
        locale,
      }),
    );
    return step.endDialog();
  }
}
