/**
 * The figures of the printable documents: an account statement (the ledger of a period), a monthly
 * notice (custodial: payments received and disbursements sent in a month), a payment coupon
 * (noncustodial: the next payment due). The PDFs and the chat's text summaries both read them
 * here, so a document and a chat answer can never disagree. Every query starts from the verified
 * person's own party row on the case: a case they are not on, or a document their role does not
 * get, reads as null.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DisbursementMethod, LedgerType, PaymentSource, Role } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Inclusive `YYYY-MM-DD` bounds. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/** Who the document is for and which office serves the case: the letterhead of every document. */
export interface DocumentParty {
  readonly caseNumber: string;
  readonly role: Role;
  readonly firstName: string;
  readonly lastName: string;
  readonly nativeFirstName: string | null;
  readonly nativeLastName: string | null;
  readonly office: { readonly name: string; readonly phone: string; readonly hours: string; readonly address: string };
}

export interface StatementLine {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly type: LedgerType;
  /** Charges positive, payments negative, as the ledger keeps them. */
  readonly amountCents: number;
  readonly description: string;
}

export interface MonthTotal {
  readonly year: number;
  readonly month: number;
  readonly cents: number;
}

export interface Statement {
  readonly party: DocumentParty;
  readonly period: Period;
  /** The balance before the period's first day: the sum of every earlier ledger entry. */
  readonly openingCents: number;
  readonly chargesCents: number;
  /** Payments credited in the period, as a positive amount. */
  readonly paymentsCents: number;
  /** Adjustments, signed as the ledger keeps them. */
  readonly adjustmentsCents: number;
  readonly closingCents: number;
  /** Oldest first. */
  readonly lines: readonly StatementLine[];
  /** Payments per calendar month of the period, oldest first, every month listed (zero included). */
  readonly paymentsByMonth: readonly MonthTotal[];
}

export interface NoticePayment {
  readonly receivedOn: string;
  readonly amountCents: number;
  readonly source: PaymentSource;
}

export interface NoticeDisbursement {
  readonly issuedOn: string;
  readonly amountCents: number;
  readonly method: DisbursementMethod;
}

export interface MonthlyNotice {
  readonly party: DocumentParty;
  readonly period: Period;
  readonly payments: readonly NoticePayment[];
  readonly paymentsCents: number;
  readonly disbursements: readonly NoticeDisbursement[];
  readonly disbursementsCents: number;
}

export interface Coupon {
  readonly party: DocumentParty;
  readonly nextDueDate: string | null;
  readonly nextDueAmountCents: number | null;
  readonly balanceCents: number;
}

/** The person's party row on the case with the office; null when they are not on it (or not in `role`). */
export async function readDocumentParty(db: Executor, personId: string, caseNumber: string, role?: Role): Promise<DocumentParty | null> {
  let query = db
    .selectFrom('caseParties as cp')
    .innerJoin('people as p', 'p.id', 'cp.personId')
    .innerJoin('cases as c', 'c.caseNumber', 'cp.caseNumber')
    .innerJoin('offices as o', 'o.id', 'c.officeId')
    .select([
      'cp.caseNumber as caseNumber',
      'cp.role as role',
      'p.firstName as firstName',
      'p.lastName as lastName',
      'p.nativeFirstName as nativeFirstName',
      'p.nativeLastName as nativeLastName',
      'o.name as officeName',
      'o.phone as officePhone',
      'o.hours as officeHours',
      'o.address as officeAddress',
    ])
    .where('cp.personId', '=', personId)
    .where('cp.caseNumber', '=', caseNumber);
  if (role !== undefined) query = query.where('cp.role', '=', role);
  const row = await query.executeTakeFirst();
  if (row === undefined) return null;
  return {
    caseNumber: row.caseNumber,
    role: row.role,
    firstName: row.firstName,
    lastName: row.lastName,
    nativeFirstName: row.nativeFirstName,
    nativeLastName: row.nativeLastName,
    office: { name: row.officeName, phone: row.officePhone, hours: row.officeHours, address: row.officeAddress },
  };
}

/** Every calendar month the period touches, oldest first. */
export function monthsOf(period: Period): { year: number; month: number }[] {
  const [fromYear = 0, fromMonth = 1] = period.from.split('-').map(Number);
  const [toYear = 0, toMonth = 1] = period.to.split('-').map(Number);
  const out: { year: number; month: number }[] = [];
  for (let year = fromYear, month = fromMonth; year < toYear || (year === toYear && month <= toMonth); ) {
    out.push({ year, month });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return out;
}

export async function readStatement(db: Executor, personId: string, caseNumber: string, period: Period): Promise<Statement | null> {
  const party = await readDocumentParty(db, personId, caseNumber);
  if (party === null) return null;
  const opening = await db
    .selectFrom('ledgerEntries')
    .select(sql<string>`coalesce(sum(amount_cents), 0)::text`.as('total'))
    .where('caseNumber', '=', caseNumber)
    .where(sql<boolean>`entry_date < ${period.from}::date`)
    .executeTakeFirst();
  const rows = await db
    .selectFrom('ledgerEntries')
    .select(['entryDate as date', 'type', 'amountCents', 'description'])
    .where('caseNumber', '=', caseNumber)
    .where(sql<boolean>`entry_date >= ${period.from}::date`)
    .where(sql<boolean>`entry_date <= ${period.to}::date`)
    .orderBy('entryDate')
    .orderBy('seq')
    .execute();
  const openingCents = Number(opening?.total ?? 0);
  const sum = (type: LedgerType): number => rows.filter((r) => r.type === type).reduce((total, r) => total + r.amountCents, 0);
  const chargesCents = sum('charge');
  // 0 - x, not -x: an empty period must print $0.00, never -$0.00.
  const paymentsCents = 0 - sum('payment');
  const adjustmentsCents = sum('adjustment');
  const byMonth = new Map<string, number>();
  for (const row of rows) {
    if (row.type !== 'payment') continue;
    const key = row.date.slice(0, 7);
    byMonth.set(key, (byMonth.get(key) ?? 0) - row.amountCents);
  }
  return {
    party,
    period,
    openingCents,
    chargesCents,
    paymentsCents,
    adjustmentsCents,
    closingCents: openingCents + chargesCents - paymentsCents + adjustmentsCents,
    lines: rows,
    paymentsByMonth: monthsOf(period).map(({ year, month }) => ({
      year,
      month,
      cents: byMonth.get(`${year}-${String(month).padStart(2, '0')}`) ?? 0,
    })),
  };
}

/** The custodial parent's notice of a month; null for anyone else. */
export async function readMonthlyNotice(db: Executor, personId: string, caseNumber: string, period: Period): Promise<MonthlyNotice | null> {
  const party = await readDocumentParty(db, personId, caseNumber, 'custodial');
  if (party === null) return null;
  const payments = await db
    .selectFrom('payments')
    .select(['receivedOn', 'amountCents', 'source'])
    .where('caseNumber', '=', caseNumber)
    .where(sql<boolean>`received_on >= ${period.from}::date`)
    .where(sql<boolean>`received_on <= ${period.to}::date`)
    .orderBy('receivedOn')
    .orderBy('id')
    .execute();
  const disbursements = await db
    .selectFrom('disbursements')
    .select(['issuedOn', 'amountCents', 'method'])
    .where('caseNumber', '=', caseNumber)
    .where(sql<boolean>`issued_on >= ${period.from}::date`)
    .where(sql<boolean>`issued_on <= ${period.to}::date`)
    .orderBy('issuedOn')
    .orderBy('id')
    .execute();
  return {
    party,
    period,
    payments,
    paymentsCents: payments.reduce((total, p) => total + p.amountCents, 0),
    disbursements,
    disbursementsCents: disbursements.reduce((total, d) => total + d.amountCents, 0),
  };
}

/** The noncustodial parent's next payment due; null for anyone else. */
export async function readCoupon(db: Executor, personId: string, caseNumber: string): Promise<Coupon | null> {
  const party = await readDocumentParty(db, personId, caseNumber, 'noncustodial');
  if (party === null) return null;
  const row = await db
    .selectFrom('cases')
    .select(['nextDueDate', 'nextDueAmountCents', 'balanceCents'])
    .where('caseNumber', '=', caseNumber)
    .executeTakeFirstOrThrow();
  return { party, ...row };
}
