/**
 * "Statement", "my October statement", "coupon", "notice", and "print" after a payment history:
 * the gate (a NY.gov sign-in, because the link opens a PDF of the account; a TTY gets a text
 * summary instead, so SSN and PIN are enough there), the person's own cases in the role the
 * document is for, the case choice, then the document. Web chat gets a download card and the link
 * in plain text; SMS the link; TTY the same figures read from the same read model, and an offer of
 * a paper copy by mail. Every issue is audited with its kind and case, nothing personal.
 */
import { CardFactory, type Activity, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidator,
  type WaterfallStepContext,
} from '../framework.js';
import { dataAsOf } from '../../db/account/balances.js';
import { listCases, type CaseSummary } from '../../db/account/cases.js';
import { readCoupon, readMonthlyNotice, readStatement } from '../../db/account/statements.js';
import { readPayments } from '../../db/account/payments.js';
import { createDocumentMailRequest } from '../../db/repositories/documents.js';
import type { Role } from '../../db/schema.js';
import { CARD_VERSION } from '../account/present.js';
import { isReroute } from '../account/reroute.js';
import { auditTurn, conversationKeyOf } from '../auth/conversation.js';
import { VERIFY_DIALOG, VerifyDialog, verifiedPersonOf, type VerifyOptions } from '../auth/VerifyDialog.js';
import { CASE_CHOICE_DIALOG, CaseChoiceDialog, isCaseSelection, type CaseChoiceOptions } from '../cases/CaseChoiceDialog.js';
import type { AccountDeps } from '../deps.js';
import { turnLog } from '../log.js';
import { formatDate, formatMoney } from '../format.js';
import type { Say } from '../messages.js';
import { yesNo } from '../pin/yesNo.js';
import { localeOf, reply, sayFor } from '../reply.js';
import { SMS_CHANNEL_ID, textTurnOf } from '../text/mode.js';
import { textResult } from '../linking/validators.js';
import { documentParams, formatSize, periodWords } from './period.js';
import type { DocumentKind, DocumentParams, DocumentPort, IssuedDocument } from './ports.js';

export const DOCUMENT_DIALOG = 'DocumentDialog';
const DOCUMENT_WATERFALL = 'DocumentDialog.waterfall';
const MAIL_PROMPT = 'DocumentDialog.mail';
/** How often the yes/no question is asked again before it counts as "no". */
const MAX_REASKS = 1;

/** "print" after a payment history: the range and cases it showed, so the PDF is that answer. */
export interface PrintRequest {
  readonly range: { readonly from: string; readonly to: string } | null;
  readonly caseNumbers: readonly string[];
}

/** The main dialog's recognition (its intent is the kind), or a print request. */
export interface DocumentOptions {
  readonly intent?: string;
  readonly print?: PrintRequest;
}

interface DocumentValues {
  kind?: DocumentKind;
  text?: string;
  personId?: string;
  cases?: CaseSummary[];
  /** What a "yes" to the paper copy would mail: one entry per case. */
  mail?: { caseNumber: string | null; params: DocumentParams }[];
}

const ROLE_FOR: Partial<Record<DocumentKind, Role>> = { monthly_notice: 'custodial', payment_coupon: 'noncustodial' };

function kindOf(options: DocumentOptions): DocumentKind | null {
  if (options.print !== undefined) return 'payment_history';
  const { intent } = options;
  return intent === 'statement' || intent === 'monthly_notice' || intent === 'payment_coupon' ? intent : null;
}

const mailValidator: PromptValidator<string> = async (prompt) => {
  const value = prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '';
  return yesNo(value) !== null || prompt.attemptCount > MAX_REASKS;
};

/** "print", "打印", "imprimir"… in any of our languages, whatever language the chat is in. */
export function isPrintRequest(text: string, words: readonly string[]): boolean {
  const cleaned = text.toLowerCase().replace(/[\p{P}\p{S}]+/gu, ' ').trim().replace(/\s+/g, ' ');
  return words.includes(cleaned);
}

export class DocumentDialog extends ComponentDialog {
  constructor(
    private readonly deps: AccountDeps,
    private readonly documents: DocumentPort,
  ) {
    super(DOCUMENT_DIALOG);
    this.addDialog(new VerifyDialog(deps));
    this.addDialog(new CaseChoiceDialog(deps));
    this.addDialog(new TextPrompt(MAIL_PROMPT, mailValidator));
    this.addDialog(
      new WaterfallDialog<DocumentOptions>(DOCUMENT_WATERFALL, [
        this.verifyStep.bind(this),
        this.casesStep.bind(this),
        this.issueStep.bind(this),
        this.mailStep.bind(this),
      ]),
    );
    this.initialDialogId = DOCUMENT_WATERFALL;
  }

  private async verifyStep(step: WaterfallStepContext<DocumentOptions>): Promise<DialogTurnResult> {
    const kind = kindOf(step.options ?? {});
    if (kind === null) return step.endDialog();
    const values = step.values as DocumentValues;
    values.kind = kind;
    values.text = step.context.activity.text ?? '';
    // A TTY gets the figures as text, never a link: its SSN+PIN session is enough.
    return step.beginDialog(VERIFY_DIALOG, { requireNyGov: !textTurnOf(step.context).tty } satisfies VerifyOptions);
  }

  private async casesStep(step: WaterfallStepContext<DocumentOptions>): Promise<DialogTurnResult> {
    const verified = verifiedPersonOf(step.result);
    const values = step.values as DocumentValues;
    if (verified === null || values.kind === undefined) return step.endDialog();
    const all = await listCases(this.deps.db, verified.personId);
    if (all.length === 0) {
      await auditTurn(this.deps.db, step.context, { action: 'document_issued', outcome: 'no_cases', personId: verified.personId, detail: { kind: values.kind } });
      await reply(step.context, 'balance.no_cases');
      return step.endDialog();
    }
    const role = ROLE_FOR[values.kind];
    const cases = role === undefined ? all : all.filter((c) => c.role === role);
    if (cases.length === 0) {
      await reply(step.context, values.kind === 'payment_coupon' ? 'documents.chat.coupon_not_yours' : 'documents.chat.notice_not_yours');
      return step.endDialog();
    }
    values.personId = verified.personId;
    values.cases = cases;
    const print = step.options.print;
    if (print !== undefined) {
      const own = new Set(cases.map((c) => c.caseNumber));
      return step.next({ caseNumbers: print.caseNumbers.filter((c) => own.has(c)) });
    }
    return step.beginDialog(CASE_CHOICE_DIALOG, { personId: verified.personId, text: values.text ?? '', cases } satisfies CaseChoiceOptions);
  }

  private async issueStep(step: WaterfallStepContext<DocumentOptions>): Promise<DialogTurnResult> {
    if (isReroute(step.result)) return step.endDialog(step.result);
    const values = step.values as DocumentValues;
    const { kind, personId, cases } = values;
    if (!isCaseSelection(step.result) || kind === undefined || personId === undefined || cases === undefined) return step.endDialog();
    const chosen = cases.filter((c) => step.result.caseNumbers.includes(c.caseNumber));
    if (chosen.length === 0) return step.endDialog();
    const asOf = (await dataAsOf(this.deps.db)) ?? this.deps.now().toISOString().slice(0, 10);
    const jobs = this.jobsFor(kind, step.options.print, chosen, values.text ?? '', asOf);
    const tty = textTurnOf(step.context).tty;
    const audit = (caseNumber: string | null, outcome: string): Promise<void> =>
      auditTurn(this.deps.db, step.context, {
        action: 'document_issued',
        outcome,
        personId,
        caseNumber,
        detail: { kind, delivery: tty ? 'summary' : step.context.activity.channelId === SMS_CHANNEL_ID ? 'sms_link' : 'link' },
      });
    for (const job of jobs) {
      if (tty) {
        await step.context.sendActivity(await this.summary(step.context, kind, personId, job));
        await audit(job.caseNumber, 'success');
        continue;
      }
      let issued: IssuedDocument;
      try {
        issued = await this.documents.issue({
          personId,
          caseNumber: job.caseNumber,
          kind,
          params: job.params,
          locale: localeOf(step.context),
          channel: step.context.activity.channelId,
          conversationId: step.context.activity.conversation.id,
          conversationHash: conversationKeyOf(step.context),
        });
      } catch (error) {
        turnLog(step.context, this.deps.logger)?.error({ code: 'document_issue_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'document could not be issued');
        await audit(job.caseNumber, 'failed');
        await reply(step.context, 'documents.chat.failed');
        return step.endDialog();
      }
      await audit(job.caseNumber, 'success');
      await step.context.sendActivity(this.readyActivity(step.context, kind, job.params, issued));
    }
    if (!tty) return step.endDialog();
    values.mail = jobs;
    const say = sayFor(step.context);
    return step.prompt(MAIL_PROMPT, { prompt: say('documents.chat.mail_offer'), retryPrompt: say('documents.chat.mail_offer_retry') });
  }

  private async mailStep(step: WaterfallStepContext<DocumentOptions>): Promise<DialogTurnResult> {
    const values = step.values as DocumentValues;
    if (yesNo(textResult(step.result)) !== 'yes' || values.personId === undefined || values.kind === undefined) {
      await reply(step.context, 'documents.chat.mail_declined');
      return step.endDialog();
    }
    const references: string[] = [];
    for (const job of values.mail ?? []) {
      const id = await createDocumentMailRequest(this.deps.db, {
        personId: values.personId,
        caseNumber: job.caseNumber,
        kind: values.kind,
        params: { ...job.params },
        locale: localeOf(step.context),
        channel: step.context.activity.channelId,
      });
      const reference = `DOC-${id}`;
      references.push(reference);
      await auditTurn(this.deps.db, step.context, {
        action: 'document_mail_requested',
        outcome: 'success',
        personId: values.personId,
        caseNumber: job.caseNumber,
        detail: { kind: values.kind, reference },
      });
    }
    await reply(step.context, 'documents.chat.mail_recorded', { reference: references.join(', ') });
    return step.endDialog();
  }

  /** One document per chosen case; a printed history is one document over the cases it showed. */
  private jobsFor(
    kind: DocumentKind,
    print: PrintRequest | undefined,
    chosen: readonly CaseSummary[],
    text: string,
    asOf: string,
  ): { caseNumber: string | null; params: DocumentParams }[] {
    if (kind === 'payment_history') {
      const caseNumbers = chosen.map((c) => c.caseNumber);
      const earliest = chosen.map((c) => c.orderStartDate).sort()[0] ?? asOf;
      const range = print?.range ?? { from: earliest, to: asOf };
      return [{ caseNumber: caseNumbers.length === 1 ? (caseNumbers[0] ?? null) : null, params: { asOf, from: range.from, to: range.to, caseNumbers } }];
    }
    const params = documentParams(kind, text, asOf);
    return chosen.map((c) => ({ caseNumber: c.caseNumber, params }));
  }

  /** The TTY's text: the same figures the PDF would print, from the same read model. */
  private async summary(context: TurnContext, kind: DocumentKind, personId: string, job: { caseNumber: string | null; params: DocumentParams }): Promise<string> {
    const say = sayFor(context);
    const locale = localeOf(context);
    const { params } = job;
    const period = params.from !== undefined && params.to !== undefined ? { from: params.from, to: params.to } : null;
    const periodText = period === null ? '' : periodWords(period, locale, say);
    if (kind === 'payment_history' && period !== null) {
      const page = await readPayments(this.deps.db, personId, { caseNumbers: params.caseNumbers ?? [], from: period.from, to: period.to, limit: 1 });
      return say('documents.chat.summary.payment_history', { period: periodText, count: page.count, amount: formatMoney(page.totalCents) });
    }
    const caseNumber = job.caseNumber ?? '';
    if (kind === 'statement' && period !== null) {
      const s = await readStatement(this.deps.db, personId, caseNumber, period);
      if (s !== null) {
        const figures = {
          period: periodText,
          caseNumber,
          opening: formatMoney(s.openingCents),
          charges: formatMoney(s.chargesCents),
          payments: formatMoney(s.paymentsCents),
          adjustments: formatMoney(s.adjustmentsCents),
          closing: formatMoney(s.closingCents),
        };
        return say(s.adjustmentsCents === 0 ? 'documents.chat.summary.statement' : 'documents.chat.summary.statement_adjusted', figures);
      }
    }
    if (kind === 'monthly_notice' && period !== null) {
      const n = await readMonthlyNotice(this.deps.db, personId, caseNumber, period);
      if (n !== null) {
        return say('documents.chat.summary.monthly_notice', {
          period: periodText,
          caseNumber,
          payments: formatMoney(n.paymentsCents),
          paymentCount: n.payments.length,
          sent: formatMoney(n.disbursementsCents),
          sentCount: n.disbursements.length,
        });
      }
    }
    if (kind === 'payment_coupon') {
      const c = await readCoupon(this.deps.db, personId, caseNumber);
      if (c !== null) {
        return say('documents.chat.summary.payment_coupon', {
          caseNumber,
          amount: c.nextDueAmountCents === null ? '—' : formatMoney(c.nextDueAmountCents),
          date: c.nextDueDate === null ? '—' : formatDate(c.nextDueDate, locale),
        });
      }
    }
    return say('documents.chat.failed');
  }

  private readyActivity(context: TurnContext, kind: DocumentKind, params: DocumentParams, issued: IssuedDocument): Partial<Activity> {
    const say = sayFor(context);
    const locale = localeOf(context);
    const vars = {
      title: say(`documents.chat.name.${kind}`),
      period: periodLabel(say, locale, kind, params),
      url: issued.url,
      count: issued.pages,
      size: formatSize(issued.bytes),
    };
    if (context.activity.channelId === SMS_CHANNEL_ID) return { type: 'message', text: say('documents.chat.ready_sms', vars) };
    const text = say('documents.chat.ready', vars);
    const card = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: CARD_VERSION,
      lang: locale,
      fallbackText: text,
      speak: text,
      body: [
        { type: 'TextBlock', text: `${vars.title} (${vars.period})`, weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: issued.fileName, wrap: true, isSubtle: true },
        { type: 'TextBlock', text: say('documents.chat.card_details', vars), wrap: true, spacing: 'Small' },
      ],
      actions: [{ type: 'Action.OpenUrl', title: say('documents.chat.card_button'), url: issued.url }],
    };
    return { type: 'message', text, textFormat: 'plain', locale, attachments: [CardFactory.adaptiveCard(card)] };
  }
}

/** What the chat calls the document's period: its months, or for a coupon the day the payment is due. */
function periodLabel(say: Say, locale: Parameters<typeof periodWords>[1], kind: DocumentKind, params: DocumentParams): string {
  if (params.from !== undefined && params.to !== undefined) return periodWords({ from: params.from, to: params.to }, locale, say);
  return say('documents.pdf.as_of', { date: formatDate(params.asOf, locale) });
}
