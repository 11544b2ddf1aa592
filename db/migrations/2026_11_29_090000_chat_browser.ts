/**
 * The chat's own browser: a Direct Line conversation remembers a keyed hash of the browser cookie
 * that asked for its token, so a sign-in or document link opened later can tell the chat's own
 * browser from any other one (a forwarded link).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dl_conversations').addColumn('browser_hash', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dl_conversations').dropColumn('browser_hash').execute();
}
