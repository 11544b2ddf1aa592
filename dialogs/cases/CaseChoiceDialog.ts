/**
 * Asks a parent with several cases which one they mean (last 4 digits and the children's first
 * names), or takes "all". A case named in the question itself is used at once; the choice is
 * remembered for the conversation. A case number that is not theirs is refused and audited, never
 * looked up.
 */
import { ComponentDialog, Dialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from '../framework.js';
import type { CaseSummary } from '../../db/account/cases.js';
import { REROUTE } from '../account/reroute.js';
import { auditTurn } from '../auth/conversation.js';
import type { AccountDeps } from '../deps.js';
import { turnLog } from '../log.js';
import { lastFour } from '../format.js';
import type { Say } from '../messages.js';
import { sayFor } from '../reply.js';
import { ALL_CASES, caseChoiceOf, matchCases, rememberedCases, type CaseMatch } from './caseChoice.js';

export const CASE_CHOICE_DIALOG = 'CaseChoiceDialog';
const CASE_CHOICE_WATERFALL = 'CaseChoiceDialog.waterfall';

export interface CaseChoiceOptions {
  readonly personId: string;
  /** The parent's question, which may already name a case. */
  readonly text: string;
  readonly cases: readonly CaseSummary[];
}

/** The dialog's result when a choice was made; undefined when refused, REROUTE on another question. */
export interface CaseSelection {
  readonly caseNumbers: readonly string[];
}

export function isCaseSelection(value: unknown): value is CaseSelection {
  return typeof value === 'object' && value !== null && Array.isArray((value as Partial<CaseSelection>).caseNumbers);
}

/** "case ending 0303 (Lucas)": how every answer and the question name a case. */
export function caseLabel(say: Say, item: CaseSummary): string {
  return say('cases.label', { caseEnding: lastFour(item.caseNumber), children: item.childrenFirstNames.join(', ') });
}

/**
 * The question, the numbered list, then the instructions as paragraphs of their own: Web Chat's
 * markdown would otherwise read a line right after "2. …" as part of list item 2.
 */
export function caseQuestion(say: Say, cases: readonly CaseSummary[]): string {
  return [
    say('cases.ask', { count: cases.length }),
    cases.map((item, index) => say('cases.item', { index: index + 1, label: caseLabel(say, item) })).join('\n'),
    say('cases.ask_hint'),
  ].join('\n\n');
}

export class CaseChoiceDialog extends ComponentDialog {
  constructor(private readonly deps: AccountDeps) {
    super(CASE_CHOICE_DIALOG);
    this.addDialog(new WaterfallDialog<CaseChoiceOptions>(CASE_CHOICE_WATERFALL, [
        this.askStep.bind(this),
        this.answerStep.bind(this),
        this.lastAnswerStep.bind(this),
      ]));
    this.initialDialogId = CASE_CHOICE_WATERFALL;
  }

  private async askStep(step: WaterfallStepContext<CaseChoiceOptions>): Promise<DialogTurnResult> {
    const { text, cases } = step.options;
    const match = matchCases(text, cases);
    if (match.kind !== 'none') return this.settle(step, match);
    if (cases.length <= 1) return step.endDialog({ caseNumbers: cases.map((c) => c.caseNumber) } satisfies CaseSelection);
    const remembered = rememberedCases(caseChoiceOf(step.context).get(), cases);
    if (remembered !== undefined) return step.endDialog({ caseNumbers: remembered } satisfies CaseSelection);
    await step.context.sendActivity(caseQuestion(sayFor(step.context), cases));
    return Dialog.EndOfTurn;
  }

  /** A waterfall resumed by a message gets its text as the result. */
  private async answerStep(step: WaterfallStepContext<CaseChoiceOptions>): Promise<DialogTurnResult> {
    const match = matchCases(typeof step.result === 'string' ? step.result : '', step.options.cases);
    if (match.kind !== 'none') return this.settle(step, match);
    await step.context.sendActivity(caseQuestion(sayFor(step.context), step.options.cases));
    return Dialog.EndOfTurn;
  }

  /** Twice not a case: it is probably another question, which the main dialog then answers. */
  private async lastAnswerStep(step: WaterfallStepContext<CaseChoiceOptions>): Promise<DialogTurnResult> {
    const match = matchCases(typeof step.result === 'string' ? step.result : '', step.options.cases);
    if (match.kind !== 'none') return this.settle(step, match);
    return step.endDialog(REROUTE);
  }

  private async settle(step: WaterfallStepContext<CaseChoiceOptions>, match: Exclude<CaseMatch, { kind: 'none' }>): Promise<DialogTurnResult> {
    const { personId, cases } = step.options;
    if (match.kind === 'foreign') {
      await auditTurn(this.deps.db, step.context, {
        action: 'case_access_refused',
        outcome: 'refused',
        personId,
        caseNumber: match.asked,
        detail: { reason: 'not_a_party' },
      });
      turnLog(step.context, this.deps.logger)?.warn({ event: 'case_access_refused' }, 'a parent asked about a case they are not on');
      await step.context.sendActivity(sayFor(step.context)('cases.not_yours'));
      return step.endDialog(undefined);
    }
    const caseNumbers = match.kind === 'all' ? cases.map((c) => c.caseNumber) : match.caseNumbers;
    const [only] = caseNumbers;
    if (cases.length > 1) caseChoiceOf(step.context).set(only !== undefined && caseNumbers.length === 1 ? only : ALL_CASES);
    return step.endDialog({ caseNumbers } satisfies CaseSelection);
  }
}
