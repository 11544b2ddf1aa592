/**
 * The balance read model. Every query starts from the verified person's id and reaches cases only
 * through case_parties, so no question can be answered about a case the person is not a party to.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Role } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface CaseBalance {
  readonly caseNumber: string;
  readonly role: Role;
  /** The ledger summed up to the extract's date: what the agency's books said on that day. */
  readonly balanceCents: number;
  /** The extract's own figure, kept to cross-check the ledger. */
  readonly reportedBalanceCents: number;
  /** `YYYY-MM-DD`, or null when no payment is scheduled. */
  readonly nextDueDate: string | null;
  readonly nextDueAmountCents: number | null;
}

export interface BalanceView {
  /** `YYYY-MM-DD` of the data extract; null before any data was loaded. */
  readonly asOf: string | null;
  readonly cases: readonly CaseBalance[];
}

export async function dataAsOf(db: Executor): Promise<string | null> {
  const row = await db.selectFrom('dataExtract').select('asOf').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.asOf ?? null;
}

export async function readBalances(db: Executor, personId: string): Promise<BalanceView> {
  const asOf = await dataAsOf(db);
  // Without an extract date every entry counts; the cross-check test keeps the two figures equal.
  const upTo = asOf ?? '9999-12-31';
  const rows = await db
    .selectFrom('caseParties as cp')
    .innerJoin('cases as c', 'c.caseNumber', 'cp.caseNumber')
    .select((eb) => [
      'c.caseNumber as caseNumber',
      'cp.role as role',
      'c.balanceCents as reportedBalanceCents',
      'c.nextDueDate as nextDueDate',
      'c.nextDueAmountCents as nextDueAmountCents',
      eb
        .selectFrom('ledgerEntries as le')
        .select(sql<string>`coalesce(sum(le.amount_cents), 0)::text`.as('total'))
        .whereRef('le.caseNumber', '=', 'c.caseNumber')
        .where(sql<boolean>`le.entry_date <= ${upTo}::date`)
        .as('ledgerTotal'),
    ])
    .where('cp.personId', '=', personId)
    .orderBy('c.caseNumber')
    .execute();
  return {
    asOf,
    cases: rows.map((row) => ({
      caseNumber: row.caseNumber,
      role: row.role,
      balanceCents: Number(row.ledgerTotal ?? 0),
      reportedBalanceCents: row.reportedBalanceCents,
      nextDueDate: row.nextDueDate,
      nextDueAmountCents: row.nextDueAmountCents,
    })),
  };
}
