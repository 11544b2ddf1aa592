/**
 * Who and where a turn is, in the forms the database keeps: a conversation is stored only as a
 * SHA-256 of channel and id, so audit rows and sessions can be grouped without the raw id.
 */
import { createHash } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import { recordAudit, type AuditInput } from '../../db/repositories/audit.js';
import type { Database } from '../../db/schema.js';

export function conversationKey(channelId: string, conversationId: string): string {
  return createHash('sha256').update(`${channelId}:${conversationId}`, 'utf8').digest('hex');
}

export function conversationKeyOf(context: TurnContext): string {
  const { channelId, conversation } = context.activity;
  return conversationKey(channelId, conversation.id);
}

/** An audit entry stamped with the turn's channel and conversation hash. */
export async function auditTurn(
  db: Kysely<Database>,
  context: TurnContext,
  entry: Omit<AuditInput, 'channel' | 'conversationHash'>,
): Promise<void> {
  await recordAudit(db, { ...entry, channel: context.activity.channelId, conversationHash: conversationKeyOf(context) });
}
