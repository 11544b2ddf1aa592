/**
 * What the agency sent on to a receiving parent. Only the custodial side of a case sees these: the
 * join requires the person's own case_parties row with role 'custodial'.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DisbursementMethod } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface Disbursement {
  readonly id: string;
  readonly caseNumber: string;
  /** `YYYY-MM-DD` */
  readonly issuedOn: string;
  readonly amountCents: number;
  readonly method: DisbursementMethod;
}

export interface DisbursementQuery {
  readonly caseNumbers?: readonly string[];
  readonly from?: string;
  /** Inclusive; the extract's date at the latest. */
  readonly to: string;
  readonly limit: number;
}

export interface DisbursementPage {
  /** Newest first. */
  readonly disbursements: readonly Disbursement[];
  readonly count: number;
  readonly totalCents: number;
}

function ownDisbursements(db: Executor, personId: string, query: Omit<DisbursementQuery, 'limit'>) {
  let select = db
    .selectFrom('caseParties as cp')
    .innerJoin('disbursements as d', 'd.caseNumber', 'cp.caseNumber')
    .where('cp.personId', '=', personId)
    .where('cp.role', '=', 'custodial')
    .where(sql<boolean>`d.issued_on <= ${query.to}::date`);
  if (query.from !== undefined) select = select.where(sql<boolean>`d.issued_on >= ${query.from}::date`);
  if (query.caseNumbers !== undefined && query.caseNumbers.length > 0) select = select.where('d.caseNumber', 'in', [...query.caseNumbers]);
  return select;
}

export async function readDisbursements(db: Executor, personId: string, query: DisbursementQuery): Promise<DisbursementPage> {
  const rows = await ownDisbursements(db, personId, query)
    .select(['d.id as id', 'd.caseNumber as caseNumber', 'd.issuedOn as issuedOn', 'd.amountCents as amountCents', 'd.method as method'])
    .orderBy('d.issuedOn', 'desc')
    .orderBy('d.id', 'desc')
    .limit(query.limit)
    .execute();
  const totals = await ownDisbursements(db, personId, query)
    .select([sql<string>`count(*)::text`.as('count'), sql<string>`coalesce(sum(d.amount_cents), 0)::text`.as('total')])
    .executeTakeFirst();
  return { disbursements: rows, count: Number(totals?.count ?? 0), totalCents: Number(totals?.total ?? 0) };
}
