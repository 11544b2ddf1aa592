/**
 * People looked up by what a parent proves, never by what they claim: the SSN arrives only as its
 * keyed HMAC, so this module never sees the number itself.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface PersonSummary {
  readonly id: string;
  readonly preferredLanguage: string;
}

export async function findPersonBySsnHmac(db: Executor, ssnHmac: string): Promise<PersonSummary | null> {
  const row = await db
    .selectFrom('people')
    .select(['id', 'preferredLanguage'])
    .where('ssnHmac', '=', ssnHmac)
    .executeTakeFirst();
  return row === undefined ? null : { id: row.id, preferredLanguage: row.preferredLanguage };
}

/** Compares inside the database so a caller holding only a person id never reads the HMAC. */
export async function ssnHmacMatchesPerson(db: Executor, personId: string, ssnHmac: string): Promise<boolean> {
  const row = await db
    .selectFrom('people')
    .select('id')
    .where('id', '=', personId)
    .where('ssnHmac', '=', ssnHmac)
    .executeTakeFirst();
  return row !== undefined;
}
