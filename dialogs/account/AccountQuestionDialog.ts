/**
 * The steps every account answer shares, in order: remember the question, pass the sign-in gate,
 * find the verified person's own cases, settle which of them the question is about, then answer.
 * Subclasses write only the answer, so no answer can skip the gate or the case scoping.
 */
import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from '../framework.js';
import { dataAsOf } from '../../db/account/balances.js';
import { listCases, type CaseSummary } from '../../db/account/cases.js';
import { auditTurn } from '../auth/conversation.js';
import { VERIFY_DIALOG, VerifyDialog, verifiedPersonOf } from '../auth/VerifyDialog.js';
import { CASE_CHOICE_DIALOG, CaseChoiceDialog, isCaseSelection, type CaseChoiceOptions } from '../cases/CaseChoiceDialog.js';
import type { AccountDeps } from '../deps.js';
import { reply } from '../reply.js';
import { isReroute } from './reroute.js';

/** What the answer step gets: who asked, about which of their cases, and the data's date. */
export interface AccountQuestion {
  readonly personId: string;
  /** The chosen cases, in case-number order; never empty. */
  readonly cases: readonly CaseSummary[];
  /** Every case of the person, for answers that must name the others. */
  readonly allCases: readonly CaseSummary[];
  /** `YYYY-MM-DD`: relative dates are read against it and every answer states it. */
  readonly asOf: string;
  /** The parent's question as typed (already screened for SSN and PIN shapes). */
  readonly text: string;
}

interface QuestionValues {
  text?: string;
  personId?: string;
  cases?: CaseSummary[];
}

export abstract class AccountQuestionDialog extends ComponentDialog {
  /** The audit entry's `detail.view`. */
  protected abstract readonly view: string;

  protected constructor(
    dialogId: string,
    protected readonly deps: AccountDeps,
  ) {
    super(dialogId);
    const waterfall = `${dialogId}.waterfall`;
    this.addDialog(new VerifyDialog(deps));
    this.addDialog(new CaseChoiceDialog(deps));
    this.addDialog(
      new WaterfallDialog(waterfall, [
        this.verifyStep.bind(this),
        this.casesStep.bind(this),
        this.answerStep.bind(this),
      ]),
    );
    this.initialDialogId = waterfall;
  }

  protected abstract answer(step: WaterfallStepContext, question: AccountQuestion): Promise<DialogTurnResult>;

  private async verifyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    (step.values as QuestionValues).text = step.context.activity.text ?? '';
    return step.beginDialog(VERIFY_DIALOG);
  }

  private async casesStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const verified = verifiedPersonOf(step.result);
    if (verified === null) return step.endDialog();
    const values = step.values as QuestionValues;
    const cases = await listCases(this.deps.db, verified.personId);
    if (cases.length === 0) {
      await auditTurn(this.deps.db, step.context, { action: 'account_view', outcome: 'no_cases', personId: verified.personId, detail: { view: this.view } });
      await reply(step.context, 'balance.no_cases');
      return step.endDialog();
    }
    values.personId = verified.personId;
    values.cases = cases;
    return step.beginDialog(CASE_CHOICE_DIALOG, { personId: verified.personId, text: values.text ?? '', cases } satisfies CaseChoiceOptions);
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isReroute(step.result)) return step.endDialog(step.result);
    const values = step.values as QuestionValues;
    if (!isCaseSelection(step.result) || values.personId === undefined || values.cases === undefined) return step.endDialog();
    const chosen = new Set(step.result.caseNumbers);
    const cases = values.cases.filter((c) => chosen.has(c.caseNumber));
    const asOf = (await dataAsOf(this.deps.db)) ?? this.deps.now().toISOString().slice(0, 10);
    for (const item of cases) {
      await auditTurn(this.deps.db, step.context, {
        action: 'account_view',
        outcome: 'success',
        personId: values.personId,
        caseNumber: item.caseNumber,
        detail: { view: this.view },
      });
    }
    return this.answer(step, { personId: values.personId, cases, allCases: values.cases, asOf, text: values.text ?? '' });
  }
}
