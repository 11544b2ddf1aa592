/**
 * The cases a verified person is a party to, with what a parent recognises them by (the children's
 * first names) and the order. Reached only through case_parties, so a person id never opens a case
 * it is not on; the other parent's name, address, phone, employer and wages are never selected.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Frequency, Role } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface CaseSummary {
  readonly caseNumber: string;
  readonly role: Role;
  /** Oldest child first, as the case lists them. */
  readonly childrenFirstNames: readonly string[];
  readonly orderAmountCents: number;
  readonly orderFrequency: Frequency;
  /** `YYYY-MM-DD` */
  readonly orderStartDate: string;
  readonly nextDueDate: string | null;
  readonly nextDueAmountCents: number | null;
}

export async function listCases(db: Executor, personId: string): Promise<CaseSummary[]> {
  const rows = await db
    .selectFrom('caseParties as cp')
    .innerJoin('cases as c', 'c.caseNumber', 'cp.caseNumber')
    .select([
      'c.caseNumber as caseNumber',
      'cp.role as role',
      'c.orderAmountCents as orderAmountCents',
      'c.orderFrequency as orderFrequency',
      'c.orderStartDate as orderStartDate',
      'c.nextDueDate as nextDueDate',
      'c.nextDueAmountCents as nextDueAmountCents',
    ])
    .where('cp.personId', '=', personId)
    .orderBy('c.caseNumber')
    .execute();
  if (rows.length === 0) return [];
  const children = await db
    .selectFrom('caseParties as cp')
    .innerJoin('children as ch', 'ch.caseNumber', 'cp.caseNumber')
    .select(['ch.caseNumber as caseNumber', 'ch.firstName as firstName'])
    .where('cp.personId', '=', personId)
    .orderBy('ch.caseNumber')
    .orderBy('ch.seq')
    .execute();
  return rows.map((row) => ({
    ...row,
    childrenFirstNames: children.filter((child) => child.caseNumber === row.caseNumber).map((child) => child.firstName),
  }));
}
