/**
 * The sign-in "magic code": a sign-in finished outside the chat's own browser is only handed to the
 * conversation when the code its page showed is typed there. The request keeps a hash of the code,
 * never the code, and counts wrong codes in the same row so parallel guesses each count.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sign_in_requests')
    .addColumn('code_hash', 'text')
    .addColumn('code_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_requests').dropColumn('code_attempts').dropColumn('code_hash').execute();
}
