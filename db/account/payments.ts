/**
 * Payments received on the verified person's cases. Every query joins through case_parties on the
 * person id, and stops at the extract's date, so an answer never runs ahead of its "as of" date.
 * A payment carries amount, date and source only: a tax refund offset shows no more than that.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DisbursementMethod, PaymentSource } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface Payment {
  readonly id: string;
  readonly caseNumber: string;
  /** `YYYY-MM-DD` */
  readonly receivedOn: string;
  readonly amountCents: number;
  readonly source: PaymentSource;
}

export interface PaymentQuery {
  /** Only these of the person's cases; every case of theirs when absent or empty. */
  readonly caseNumbers?: readonly string[];
  /** Inclusive `YYYY-MM-DD` bounds. */
  readonly from?: string;
  readonly to: string;
  readonly limit: number;
  readonly offset?: number;
}

export interface PaymentPage {
  /** Newest first. */
  readonly payments: readonly Payment[];
  /** How many payments the whole range holds, and their sum: the totals the parent asked for. */
  readonly count: number;
  readonly totalCents: number;
}

function ownPayments(db: Executor, personId: string, query: Omit<PaymentQuery, 'limit' | 'offset'>) {
  let select = db
    .selectFrom('caseParties as cp')
    .innerJoin('payments as p', 'p.caseNumber', 'cp.caseNumber')
    .where('cp.personId', '=', personId)
    .where(sql<boolean>`p.received_on <= ${query.to}::date`);
  if (query.from !== undefined) select = select.where(sql<boolean>`p.received_on >= ${query.from}::date`);
  if (query.caseNumbers !== undefined && query.caseNumbers.length > 0) select = select.where('p.caseNumber', 'in', [...query.caseNumbers]);
  return select;
}

export async function readPayments(db: Executor, personId: string, query: PaymentQuery): Promise<PaymentPage> {
  const rows = await ownPayments(db, personId, query)
    .select(['p.id as id', 'p.caseNumber as caseNumber', 'p.receivedOn as receivedOn', 'p.amountCents as amountCents', 'p.source as source'])
    .orderBy('p.receivedOn', 'desc')
    .orderBy('p.id', 'desc')
    .limit(query.limit)
    .offset(query.offset ?? 0)
    .execute();
  const totals = await ownPayments(db, personId, query)
    .select([sql<string>`count(*)::text`.as('count'), sql<string>`coalesce(sum(p.amount_cents), 0)::text`.as('total')])
    .executeTakeFirst();
  return { payments: rows, count: Number(totals?.count ?? 0), totalCents: Number(totals?.total ?? 0) };
}

export interface LastPayment {
  readonly payment: Payment;
  /** What was sent on to the receiving parent for it; only ever filled for the custodial side. */
  readonly disbursement: { readonly issuedOn: string; readonly amountCents: number; readonly method: DisbursementMethod } | null;
}

/** The latest payment of one of the person's cases, up to `asOf`; null when none came yet. */
export async function readLastPayment(db: Executor, personId: string, caseNumber: string, asOf: string): Promise<LastPayment | null> {
  const page = await readPayments(db, personId, { caseNumbers: [caseNumber], to: asOf, limit: 1 });
  const payment = page.payments[0];
  if (payment === undefined) return null;
  const disbursement = await db
    .selectFrom('caseParties as cp')
    .innerJoin('disbursements as d', 'd.caseNumber', 'cp.caseNumber')
    .select(['d.issuedOn as issuedOn', 'd.amountCents as amountCents', 'd.method as method'])
    .where('cp.personId', '=', personId)
    .where('cp.role', '=', 'custodial')
    .where('d.paymentId', '=', payment.id)
    .where(sql<boolean>`d.issued_on <= ${asOf}::date`)
    .orderBy('d.issuedOn', 'desc')
    .executeTakeFirst();
  return { payment, disbursement: disbursement ?? null };
}
