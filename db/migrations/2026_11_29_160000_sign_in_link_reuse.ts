/**
 * A pending sign-in link is sent again instead of a new one each time the parent writes while it is
 * pending (nine links piled up). To send the same URL the request keeps its link token, but only
 * encrypted (AES-256-GCM, key derived from the session secret, the row id as associated data), and
 * only until the link is opened: a leaked table still yields no working link.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_requests').addColumn('link_token_sealed', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_requests').dropColumn('link_token_sealed').execute();
}
