/**
 * Turns a stored document request into a PDF: reads the figures from the `db/account` read model,
 * always scoped to the person the document was issued to, and lays them out. Used when the link is
 * issued (to know its pages and size) and again when it is opened, so a stored link holds no PDF.
 */
import type { Kysely } from 'kysely';
import { readPayments } from '../../db/account/payments.js';
import { readCoupon, readDocumentParty, readMonthlyNotice, readStatement } from '../../db/account/statements.js';
import { AppError } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import type { DocumentKind, DocumentParams } from '../../dialogs/documents/ports.js';
import type { Locale } from '../../locales/i18n.js';
import { renderPdf, type RenderedPdf } from './render.js';
import { couponDefinition, historyDefinition, noticeDefinition, statementDefinition, type Definition } from './templates.js';

export interface ComposeRequest {
  readonly personId: string;
  readonly caseNumber: string | null;
  readonly kind: DocumentKind;
  readonly params: DocumentParams;
  readonly locale: Locale;
}

export interface ComposedPdf extends RenderedPdf {
  readonly fileName: string;
}

/** Most payments a history PDF lists: years of weekly payments, well past any real case. */
const HISTORY_LIMIT = 5000;

function fileName(request: ComposeRequest): string {
  const { params } = request;
  const what = request.caseNumber ?? 'all-cases';
  const period = params.year !== undefined ? String(params.year) : params.from === undefined ? params.asOf : params.from.slice(0, 7) === params.to?.slice(0, 7) ? params.from.slice(0, 7) : `${params.from}_${params.to ?? ''}`;
  return `${request.kind.replace('_', '-')}-${what}-${period}.pdf`.replace(/[^A-Za-z0-9._-]/g, '_');
}

function period(params: DocumentParams): { from: string; to: string } {
  if (params.from === undefined || params.to === undefined) throw new AppError('bad_request', 'the document has no period');
  return { from: params.from, to: params.to };
}

async function definitionFor(db: Kysely<Database>, request: ComposeRequest): Promise<Definition | null> {
  const { personId, caseNumber, kind, params, locale } = request;
  if (kind === 'payment_history') {
    const caseNumbers = params.caseNumbers ?? (caseNumber === null ? [] : [caseNumber]);
    const first = caseNumbers[0];
    if (first === undefined) return null;
    const party = await readDocumentParty(db, personId, first);
    if (party === null) return null;
    const range = period(params);
    const page = await readPayments(db, personId, { caseNumbers, from: range.from, to: range.to, limit: HISTORY_LIMIT });
    return historyDefinition({ party, caseNumbers, period: range, payments: page.payments, totalCents: page.totalCents }, locale, params.asOf);
  }
  if (caseNumber === null) return null;
  if (kind === 'statement') {
    const statement = await readStatement(db, personId, caseNumber, period(params));
    return statement === null ? null : statementDefinition(statement, locale, params.asOf, params.year);
  }
  if (kind === 'monthly_notice') {
    const notice = await readMonthlyNotice(db, personId, caseNumber, period(params));
    return notice === null ? null : noticeDefinition(notice, locale, params.asOf);
  }
  const coupon = await readCoupon(db, personId, caseNumber);
  return coupon === null ? null : couponDefinition(coupon, locale, params.asOf);
}

/** The PDF, or null when the person is not (or no longer) entitled to it. */
export async function composeDocument(db: Kysely<Database>, request: ComposeRequest): Promise<ComposedPdf | null> {
  const definition = await definitionFor(db, request);
  if (definition === null) return null;
  const rendered = await renderPdf(definition.content, definition.footer);
  return { ...rendered, fileName: fileName(request) };
}
