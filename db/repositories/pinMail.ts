/**
 * Requests to mail a new PIN to the address on file. The mailing itself is done by the agency's
 * back office from this table; the chat never learns or shows the address.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export async function requestPinMail(db: Executor, request: { personId: string; channel: string; now: Date }): Promise<number> {
  const row = await db
    .insertInto('pinMailRequests')
    .values({ personId: request.personId, channel: request.channel, requestedAt: request.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
