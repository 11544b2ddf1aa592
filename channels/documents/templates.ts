/**
 * pdfmake definitions of the agency's documents, built from the `db/account/statements` figures
 * and the parent's language. Layout only: every word comes from the locale files
 * (`documents.pdf.*`), every amount from the read model, so the PDF says what the chat says.
 */
import type { Coupon, MonthlyNotice, Statement, DocumentParty, Period } from '../../db/account/statements.js';
import type { Payment } from '../../db/account/payments.js';
import { translator, type Locale } from '../../locales/i18n.js';
import { periodWords } from '../../dialogs/documents/period.js';
import { formatDate, formatMoney } from '../../dialogs/format.js';
import { officeHours } from '../../dialogs/office/hours.js';
import { formatPhone } from '../../dialogs/office/officeMessage.js';
import { fontFor } from './render.js';

type Node = Record<string, unknown> | string;
type Say = (key: string, vars?: Record<string, string | number>) => string;

/** The payment address is an address, not prose: printed as the Processing Center writes it. */
export const PAYMENT_ADDRESS = ['NYS Child Support Processing Center', 'PO Box 15363', 'Albany, NY 12212-5363'] as const;
export const HELPLINE = '888-208-4485';
export const TTY = '866-875-9975';

const NAVY = '#12365f';
const GREY = '#4a5663';
const RULE = '#c9d3df';

export interface Definition {
  readonly content: Record<string, unknown>;
  readonly footer: (page: number, pages: number) => Record<string, unknown>;
}

function sayFor(locale: Locale): Say {
  const t = translator(locale);
  return (key, vars) => t(key, vars ?? {});
}

/** "李伟 (Wei Li)" for a parent who writes their name otherwise; "Maria Lopez" else. */
export function partyName(party: Pick<DocumentParty, 'firstName' | 'lastName' | 'nativeFirstName' | 'nativeLastName'>, locale: Locale): string {
  const latin = `${party.firstName} ${party.lastName}`;
  if (party.nativeFirstName === null && party.nativeLastName === null) return latin;
  const native = locale === 'zh-Hans' || /\p{Script=Han}/u.test(`${party.nativeLastName ?? ''}`)
    ? `${party.nativeLastName ?? ''}${party.nativeFirstName ?? ''}`
    : `${party.nativeFirstName ?? ''} ${party.nativeLastName ?? ''}`.trim();
  return `${native} (${latin})`;
}

function letterhead(say: Say, titleKey: string, asOf: string, locale: Locale): Node[] {
  return [
    {
      columns: [
        { text: say('documents.pdf.agency'), style: 'agency' },
        { text: say('documents.pdf.as_of', { date: formatDate(asOf, locale) }), alignment: 'right', style: 'small', margin: [0, 4, 0, 0] },
      ],
    },
    { canvas: [{ type: 'line', x1: 0, y1: 4, x2: 532, y2: 4, lineWidth: 2, lineColor: NAVY }] },
    { text: say(titleKey), style: 'title', margin: [0, 10, 0, 8] },
  ];
}

function partyBlock(say: Say, party: DocumentParty, locale: Locale, extra: [string, string][]): Node {
  const left: [string, string][] = [
    [say('documents.pdf.case_number'), party.caseNumber],
    [say('documents.pdf.parent'), partyName(party, locale)],
    [say('documents.pdf.role_label'), say(`documents.pdf.role.${party.role}`)],
    ...extra,
  ];
  const right: [string, string][] = [
    [say('documents.pdf.office'), party.office.name],
    [say('documents.pdf.phone'), formatPhone(party.office.phone)],
    [say('documents.pdf.hours'), officeHours(say, locale, party.office.hours)],
  ];
  const pairs = (rows: [string, string][]): Node => ({
    table: { widths: ['auto', '*'], body: rows.map(([label, value]) => [{ text: label, style: 'label' }, { text: value, style: 'value' }]) },
    layout: 'noBorders',
  });
  return { columns: [pairs(left), pairs(right)], columnGap: 16, margin: [0, 0, 0, 10] };
}

function sectionTitle(text: string): Node {
  return { text, style: 'section', margin: [0, 12, 0, 4] };
}

const TABLE_LAYOUT = {
  hLineWidth: (i: number) => (i === 1 ? 1 : 0.5),
  vLineWidth: () => 0,
  hLineColor: () => RULE,
  paddingTop: () => 3,
  paddingBottom: () => 3,
};

function headerRow(cells: string[], rightFrom: number): Node[] {
  return cells.map((text, index) => ({ text, style: 'th', ...(index >= rightFrom ? { alignment: 'right' } : {}) }));
}

function money(cents: number): Node {
  return { text: formatMoney(cents), alignment: 'right' };
}

function footerFor(say: Say) {
  return (page: number, pages: number): Record<string, unknown> => ({
    margin: [40, 10, 40, 0],
    columns: [
      { text: say('documents.pdf.helpline', { phone: HELPLINE, tty: TTY }), style: 'small' },
      { text: say('documents.pdf.page', { page, pages }), alignment: 'right', style: 'small', width: 'auto' },
    ],
  });
}

function document(locale: Locale, title: string, content: Node[]): Record<string, unknown> {
  return {
    info: { title, author: 'NYC Office of Child Support Services' },
    language: locale,
    pageSize: 'LETTER',
    pageMargins: [40, 40, 40, 50],
    content,
    defaultStyle: { font: fontFor(locale), fontSize: 9.5, lineHeight: 1.15 },
    styles: {
      agency: { fontSize: 13, bold: true, color: NAVY },
      title: { fontSize: 16, bold: true, color: NAVY },
      section: { fontSize: 11.5, bold: true, color: NAVY },
      label: { color: GREY },
      value: { bold: true },
      th: { bold: true, color: NAVY },
      small: { fontSize: 8, color: GREY },
      note: { color: GREY, italics: false },
    },
  };
}

const SHORT_MONTHS = new Map<Locale, Intl.DateTimeFormat>();

/** "Jan", "1月", "ene": a formatter is costly to build, so one per language. */
function shortMonth(locale: Locale): Intl.DateTimeFormat {
  let format = SHORT_MONTHS.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
    SHORT_MONTHS.set(locale, format);
  }
  return format;
}

/** A bar per month of the year's payments, drawn with pdfmake's canvas; labels under each bar. */
function paymentsChart(statement: Statement, locale: Locale, say: Say, year: number): Node[] {
  const months = statement.paymentsByMonth.filter((m) => m.year === year);
  const width = 532;
  const height = 110;
  const slot = width / 12;
  const max = Math.max(1, ...months.map((m) => m.cents));
  const bars: Record<string, unknown>[] = [{ type: 'line', x1: 0, y1: height, x2: width, y2: height, lineWidth: 0.5, lineColor: GREY }];
  const labels: Node[] = [];
  const amounts: Node[] = [];
  for (let month = 1; month <= 12; month += 1) {
    const cents = months.find((m) => m.month === month)?.cents ?? 0;
    const barHeight = Math.round((cents / max) * (height - 6));
    if (barHeight > 0) bars.push({ type: 'rect', x: (month - 1) * slot + slot * 0.2, y: height - barHeight, w: slot * 0.6, h: barHeight, color: NAVY });
    const monthName = shortMonth(locale).format(new Date(Date.UTC(year, month - 1, 1)));
    labels.push({ text: monthName, alignment: 'center', style: 'small' });
    amounts.push({ text: cents === 0 ? '—' : formatMoney(cents), alignment: 'center', fontSize: 6.5, color: GREY });
  }
  return [
    sectionTitle(say('documents.pdf.chart', { year })),
    { canvas: bars },
    { columns: labels, columnGap: 0, margin: [0, 2, 0, 0] },
    { columns: amounts, columnGap: 0 },
  ];
}

export function statementDefinition(statement: Statement, locale: Locale, asOf: string, year?: number): Definition {
  const say = sayFor(locale);
  const period = periodWords(statement.period, locale, say);
  const summary: [string, number][] = [
    [say('documents.pdf.opening'), statement.openingCents],
    [say('documents.pdf.charges'), statement.chargesCents],
    [say('documents.pdf.payments'), statement.paymentsCents],
    ...(statement.adjustmentsCents === 0 ? [] : ([[say('documents.pdf.adjustments'), statement.adjustmentsCents]] as [string, number][])),
    [say('documents.pdf.closing'), statement.closingCents],
  ];
  let running = statement.openingCents;
  const body: Node[][] = [headerRow([say('documents.pdf.col.date'), say('documents.pdf.col.description'), say('documents.pdf.col.amount'), say('documents.pdf.col.balance')], 2)];
  body.push([{ text: formatDate(statement.period.from, locale) }, { text: say('documents.pdf.opening'), style: 'note' }, '', money(running)]);
  for (const line of statement.lines) {
    running += line.amountCents;
    body.push([formatDate(line.date, locale), say(`documents.pdf.entry.${line.type}`), money(line.amountCents), money(running)]);
  }
  const content: Node[] = [
    ...letterhead(say, 'documents.pdf.title.statement', asOf, locale),
    partyBlock(say, statement.party, locale, [[say('documents.pdf.period'), period]]),
    sectionTitle(say('documents.pdf.summary')),
    {
      table: {
        widths: ['*', 'auto'],
        body: summary.map(([label, cents], index) => [
          { text: label, bold: index === summary.length - 1 },
          { text: formatMoney(cents), alignment: 'right', bold: index === summary.length - 1 },
        ]),
      },
      layout: TABLE_LAYOUT,
      margin: [0, 0, 260, 0],
    },
    ...(year === undefined ? [] : paymentsChart(statement, locale, say, year)),
    sectionTitle(say('documents.pdf.ledger')),
    statement.lines.length === 0
      ? { text: say('documents.pdf.no_activity'), style: 'note', margin: [0, 4, 0, 0] }
      : { table: { headerRows: 1, widths: ['auto', '*', 'auto', 'auto'], body, dontBreakRows: true }, layout: TABLE_LAYOUT },
  ];
  return { content: document(locale, `${say('documents.pdf.title.statement')} ${statement.party.caseNumber} ${period}`, content), footer: footerFor(say) };
}

export function noticeDefinition(notice: MonthlyNotice, locale: Locale, asOf: string): Definition {
  const say = sayFor(locale);
  const period = periodWords(notice.period, locale, say);
  const payments: Node[][] = [headerRow([say('documents.pdf.col.date'), say('documents.pdf.col.source'), say('documents.pdf.col.amount')], 2)];
  for (const p of notice.payments) payments.push([formatDate(p.receivedOn, locale), say(`payments.source.${p.source}`), money(p.amountCents)]);
  payments.push([{ text: say('documents.pdf.total'), bold: true }, '', { text: formatMoney(notice.paymentsCents), alignment: 'right', bold: true }]);
  const sent: Node[][] = [headerRow([say('documents.pdf.col.date'), say('documents.pdf.col.method'), say('documents.pdf.col.amount')], 2)];
  for (const d of notice.disbursements) sent.push([formatDate(d.issuedOn, locale), say(`disbursements.method.${d.method}`), money(d.amountCents)]);
  sent.push([{ text: say('documents.pdf.total'), bold: true }, '', { text: formatMoney(notice.disbursementsCents), alignment: 'right', bold: true }]);
  const table = (rows: Node[][], empty: string): Node =>
    rows.length === 2
      ? { text: empty, style: 'note', margin: [0, 4, 0, 0] }
      : { table: { headerRows: 1, widths: ['auto', '*', 'auto'], body: rows, dontBreakRows: true }, layout: TABLE_LAYOUT };
  const content: Node[] = [
    ...letterhead(say, 'documents.pdf.title.monthly_notice', asOf, locale),
    partyBlock(say, notice.party, locale, [[say('documents.pdf.period'), period]]),
    { text: say('documents.pdf.notice.intro', { period }), margin: [0, 0, 0, 4] },
    sectionTitle(say('documents.pdf.notice.payments')),
    table(payments, say('documents.pdf.notice.no_payments')),
    sectionTitle(say('documents.pdf.notice.disbursements')),
    table(sent, say('documents.pdf.notice.no_disbursements')),
  ];
  return { content: document(locale, `${say('documents.pdf.title.monthly_notice')} ${notice.party.caseNumber} ${period}`, content), footer: footerFor(say) };
}

export function couponDefinition(coupon: Coupon, locale: Locale, asOf: string): Definition {
  const say = sayFor(locale);
  const amount = coupon.nextDueAmountCents === null ? '—' : formatMoney(coupon.nextDueAmountCents);
  const due = coupon.nextDueDate === null ? '—' : formatDate(coupon.nextDueDate, locale);
  const name = partyName(coupon.party, locale);
  const couponRows: [string, string][] = [
    [say('documents.pdf.case_number'), coupon.party.caseNumber],
    [say('documents.pdf.parent'), name],
    [say('documents.pdf.coupon.amount'), amount],
    [say('documents.pdf.coupon.due_date'), due],
    [say('documents.pdf.coupon.enclosed'), '$ ______________'],
  ];
  const content: Node[] = [
    ...letterhead(say, 'documents.pdf.title.payment_coupon', asOf, locale),
    partyBlock(say, coupon.party, locale, [[say('documents.pdf.coupon.balance', { date: formatDate(asOf, locale) }), formatMoney(coupon.balanceCents)]]),
    sectionTitle(say('documents.pdf.coupon.next_due')),
    { text: coupon.nextDueDate === null ? say('documents.pdf.coupon.none_due') : say('documents.pdf.coupon.due_line', { amount, date: due }), margin: [0, 0, 0, 4] },
    sectionTitle(say('documents.pdf.coupon.how_title')),
    {
      ul: [
        say('documents.pdf.coupon.how_mail', { payee: PAYMENT_ADDRESS[0], caseNumber: coupon.party.caseNumber }),
        say('documents.pdf.coupon.how_withholding'),
        say('documents.pdf.coupon.how_help', { phone: HELPLINE, tty: TTY }),
      ],
      margin: [0, 0, 0, 24],
    },
    { text: say('documents.pdf.coupon.detach'), style: 'small', alignment: 'center', margin: [0, 0, 0, 2] },
    { canvas: [{ type: 'line', x1: 0, y1: 2, x2: 532, y2: 2, lineWidth: 1, dash: { length: 5, space: 3 }, lineColor: GREY }], margin: [0, 0, 0, 14] },
    {
      table: {
        widths: ['*'],
        body: [
          [
            {
              stack: [
                { text: say('documents.pdf.title.payment_coupon'), style: 'section', margin: [0, 0, 0, 6] },
                {
                  columns: [
                    {
                      table: { widths: ['auto', '*'], body: couponRows.map(([label, value]) => [{ text: label, style: 'label' }, { text: value, style: 'value' }]) },
                      layout: 'noBorders',
                    },
                    {
                      width: 200,
                      stack: [{ text: say('documents.pdf.coupon.mail_to'), style: 'label' }, ...PAYMENT_ADDRESS.map((line) => ({ text: line, bold: true }))],
                    },
                  ],
                  columnGap: 12,
                },
              ],
              margin: [8, 8, 8, 8],
            },
          ],
        ],
      },
      layout: { hLineWidth: () => 1, vLineWidth: () => 1, hLineColor: () => NAVY, vLineColor: () => NAVY },
      unbreakable: true,
    },
  ];
  return { content: document(locale, `${say('documents.pdf.title.payment_coupon')} ${coupon.party.caseNumber}`, content), footer: footerFor(say) };
}

export interface HistoryData {
  readonly party: DocumentParty;
  readonly caseNumbers: readonly string[];
  readonly period: Period;
  /** Newest first, as the chat lists them. */
  readonly payments: readonly Payment[];
  readonly totalCents: number;
}

export function historyDefinition(history: HistoryData, locale: Locale, asOf: string): Definition {
  const say = sayFor(locale);
  const period = periodWords(history.period, locale, say);
  const several = history.caseNumbers.length > 1;
  const body: Node[][] = [
    headerRow([say('documents.pdf.col.date'), say('documents.pdf.col.source'), ...(several ? [say('documents.pdf.case_number')] : []), say('documents.pdf.col.amount')], several ? 3 : 2),
  ];
  for (const p of history.payments) {
    body.push([formatDate(p.receivedOn, locale), say(`payments.source.${p.source}`), ...(several ? [p.caseNumber] : []), money(p.amountCents)]);
  }
  const party = several ? { ...history.party, caseNumber: history.caseNumbers.join(', ') } : history.party;
  const content: Node[] = [
    ...letterhead(say, 'documents.pdf.title.payment_history', asOf, locale),
    partyBlock(say, party, locale, [[say('documents.pdf.period'), period]]),
    { text: say('documents.pdf.history.total', { count: history.payments.length, amount: formatMoney(history.totalCents) }), margin: [0, 0, 0, 4] },
    history.payments.length === 0
      ? { text: say('documents.pdf.no_activity'), style: 'note' }
      : { table: { headerRows: 1, widths: several ? ['auto', '*', 'auto', 'auto'] : ['auto', '*', 'auto'], body, dontBreakRows: true }, layout: TABLE_LAYOUT },
  ];
  return { content: document(locale, `${say('documents.pdf.title.payment_history')} ${period}`, content), footer: footerFor(say) };
}
