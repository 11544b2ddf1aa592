/**
 * Bot Framework state in the database, so a conversation survives a restart and several instances
 * can serve one conversation. eTag semantics follow botbuilder's MemoryStorage; every check is done
 * by the database in the same statement as the write (conditional UPDATE, INSERT … ON CONFLICT DO
 * NOTHING), so two instances racing on one key can never both win.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from './errors.js';
import type { Database } from './schema.js';

function documentOf(item: unknown): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new TypeError('Storage items must be objects');
  }
  // The eTag lives in its own column; keeping it out of the document stops a stale copy leaking back.
  const rest: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  delete rest.eTag;
  return JSON.stringify(rest);
}

function eTagOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const eTag = (item as { eTag?: unknown }).eTag;
  return typeof eTag === 'string' && eTag !== '' ? eTag : undefined;
}

export class DatabaseStorage implements Storage {
  constructor(private readonly db: Kysely<Database>) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const rows = await this.db.selectFrom('botState').select(['key', 'document', 'etag']).where('key', 'in', keys).execute();
    for (const row of rows) items[row.key] = { ...row.document, eTag: row.etag };
    return items;
  }

  /** All keys of one call commit together: a conflict on one leaves the others untouched. */
  async write(changes: StoreItems): Promise<void> {
    // A fixed key order keeps two multi-key writers from deadlocking on each other's row locks.
    const entries = Object.entries(changes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return;
    const [only] = entries;
    if (entries.length === 1 && only !== undefined) {
      // What a turn saves (one state object): each statement of writeOne decides by itself, so a
      // transaction would add two round trips (BEGIN, COMMIT) and no safety.
      await this.writeOne(this.db, only[0], only[1]);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (const [key, item] of entries) await this.writeOne(trx, key, item);
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('botState').where('key', 'in', keys).execute();
  }

  private async writeOne(trx: Kysely<Database> | Transaction<Database>, key: string, item: unknown): Promise<void> {
    const document = documentOf(item);
    const expected = eTagOf(item);
    const etag = randomUUID();
    const updatedAt = new Date();
    if (expected === undefined || expected === '*') {
      await trx
        .insertInto('botState')
        .values({ key, document, etag, updatedAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ document, etag, updatedAt }))
        .execute();
      return;
    }
    const updated = await trx
      .updateTable('botState')
      .set({ document, etag, updatedAt })
      .where('key', '=', key)
      .where('etag', '=', expected)
      .returning('key')
      .executeTakeFirst();
    if (updated !== undefined) return;
    // No row with that eTag: either the key is new (MemoryStorage accepts any eTag then) or it moved on.
    const inserted = await trx
      .insertInto('botState')
      .values({ key, document, etag, updatedAt })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted === undefined) {
      throw new AppError('state_conflict', `Storage: error writing "${key}" due to eTag conflict.`);
    }
  }
}
