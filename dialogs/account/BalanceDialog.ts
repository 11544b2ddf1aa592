/**
 * "What is my balance?": behind the sign-in gate, the balance of each of the verified person's
 * cases as of the data's date and the next payment due, worded for their side of the case.
 */
import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../framework.js';
import { readBalances, type CaseBalance } from '../../db/account/balances.js';
import { auditTurn } from '../auth/conversation.js';
import { VERIFY_DIALOG, VerifyDialog, verifiedPersonOf } from '../auth/VerifyDialog.js';
import type { AccountDeps } from '../deps.js';
import { formatDate, formatMoney, lastFour } from '../format.js';
import type { Say } from '../messages.js';
import { localeOf, sayFor } from '../reply.js';
import type { Locale } from '../../locales/i18n.js';
import type { Recognition } from '../recognizer/Recognizer.js';
import { ORDER_DIALOG, OrderDialog } from './OrderDialog.js';

export const BALANCE_DIALOG = 'BalanceDialog';
const BALANCE_WATERFALL = 'BalanceDialog.waterfall';

export function balanceLines(say: Say, locale: Locale, item: CaseBalance): string {
  const caseEnding = lastFour(item.caseNumber);
  const side = item.role === 'custodial' ? 'custodial' : 'noncustodial';
  const amount = formatMoney(item.balanceCents);
  const lines = [
    item.balanceCents > 0 ? say(`balance.${side}.owed`, { caseEnding, amount }) : say(`balance.${side}.nothing_owed`, { caseEnding }),
  ];
  if (item.nextDueDate !== null && item.nextDueAmountCents !== null) {
    lines.push(
      say(`balance.${side}.next_due`, {
        amount: formatMoney(item.nextDueAmountCents),
        date: formatDate(item.nextDueDate, locale),
      }),
    );
  } else {
    lines.push(say('balance.no_next_due'));
  }
  return lines.join('\n');
}

export class BalanceDialog extends ComponentDialog {
  constructor(private readonly deps: AccountDeps) {
    super(BALANCE_DIALOG);
    this.addDialog(new VerifyDialog(deps));
    this.addDialog(new OrderDialog(deps));
    this.addDialog(new WaterfallDialog(BALANCE_WATERFALL, [this.verifyStep.bind(this), this.showStep.bind(this)]));
    this.initialDialogId = BALANCE_WATERFALL;
  }

  private async verifyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // "What is my order?" is recognised as a balance question about the order (no intent label of its own).
    const options = step.options as Partial<Recognition> | undefined;
    if (options?.entities?.view === 'order') return step.replaceDialog(ORDER_DIALOG);
    return step.beginDialog(VERIFY_DIALOG);
  }

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const verified = verifiedPersonOf(step.result);
    if (verified === null) return step.endDialog();
    const { personId } = verified;
    const view = await readBalances(this.deps.db, personId);
    const locale = localeOf(step.context);
    const say = sayFor(step.context);
    for (const item of view.cases) {
      await auditTurn(this.deps.db, step.context, { action: 'account_view', outcome: 'success', personId, caseNumber: item.caseNumber, detail: { view: 'balance' } });
    }
    if (view.cases.length === 0) {
      await auditTurn(this.deps.db, step.context, { action: 'account_view', outcome: 'no_cases', personId, detail: { view: 'balance' } });
      await step.context.sendActivity(say('balance.no_cases'));
      return step.endDialog();
    }
    const asOf = view.asOf ?? this.deps.now().toISOString().slice(0, 10);
    const text = [
      say('balance.heading', { date: formatDate(asOf, locale) }),
      ...view.cases.map((item) => balanceLines(say, locale, item)),
      say('balance.footer'),
    ].join('\n\n');
    await step.context.sendActivity(text);
    return step.endDialog();
  }
}
