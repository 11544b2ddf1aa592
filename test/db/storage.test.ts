import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { isAppError } from '../../db/errors.js';
import { DatabaseStorage } from '../../db/storage.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

function eTagOf(items: StoreItems, key: string): string {
  const eTag: unknown = items[key]?.eTag;
  if (typeof eTag !== 'string') throw new Error(`no eTag for ${key}`);
  return eTag;
}

describe.each(databaseKinds())('DatabaseStorage on %s', (kind) => {
  let t: TestDatabase;
  let storage: DatabaseStorage;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    storage = new DatabaseStorage(t.db);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates and reads an item with a fresh eTag', async () => {
    await storage.write({ create: { count: 1 } });
    const items = await storage.read(['create']);
    expect(items.create).toEqual({ count: 1, eTag: expect.any(String) });
    expect(eTagOf(items, 'create')).not.toBe('');
  });

  it('leaves unknown keys out of the result', async () => {
    expect(await storage.read(['never-written'])).toEqual({});
    expect(await storage.read([])).toEqual({});
  });

  it('updates with the matching eTag and assigns a new one', async () => {
    await storage.write({ update: { v: 1 } });
    const first = eTagOf(await storage.read(['update']), 'update');
    await storage.write({ update: { v: 2, eTag: first } });
    const items = await storage.read(['update']);
    expect(items.update.v).toBe(2);
    expect(eTagOf(items, 'update')).not.toBe(first);
  });

  it('rejects a stale eTag with state_conflict and keeps the stored item', async () => {
    await storage.write({ stale: { v: 1 } });
    const first = eTagOf(await storage.read(['stale']), 'stale');
    await storage.write({ stale: { v: 2, eTag: first } });
    const error = await storage.write({ stale: { v: 3, eTag: first } }).catch((e: unknown) => e);
    expect(isAppError(error, 'state_conflict')).toBe(true);
    expect((await storage.read(['stale'])).stale.v).toBe(2);
  });

  it("overwrites with eTag '*' or no eTag", async () => {
    await storage.write({ star: { v: 1 } });
    await storage.write({ star: { v: 2, eTag: '*' } });
    expect((await storage.read(['star'])).star.v).toBe(2);
    await storage.write({ star: { v: 3 } });
    expect((await storage.read(['star'])).star.v).toBe(3);
  });

  it('accepts any eTag for a key that does not exist yet (MemoryStorage semantics)', async () => {
    await storage.write({ fresh: { v: 1, eTag: 'made-up' } });
    expect((await storage.read(['fresh'])).fresh.v).toBe(1);
  });

  it('deletes, and deleting an unknown key is harmless', async () => {
    await storage.write({ doomed: { v: 1 }, kept: { v: 2 } });
    await storage.delete(['doomed', 'not-there']);
    expect(await storage.read(['doomed', 'kept'])).toEqual({ kept: { v: 2, eTag: expect.any(String) } });
    await storage.delete([]);
  });

  it('writes and reads many keys at once', async () => {
    const changes: StoreItems = {};
    for (let i = 0; i < 50; i++) changes[`many/${i}`] = { i };
    await storage.write(changes);
    const keys = Object.keys(changes);
    const items = await storage.read(keys);
    expect(Object.keys(items).sort()).toEqual([...keys].sort());
    for (let i = 0; i < 50; i++) expect(items[`many/${i}`].i).toBe(i);
  });

  it('rolls back every key of a write when one of them conflicts', async () => {
    await storage.write({ 'batch/a': { v: 1 }, 'batch/b': { v: 1 } });
    const before = await storage.read(['batch/a', 'batch/b']);
    await storage.write({ 'batch/b': { v: 2, eTag: eTagOf(before, 'batch/b') } });
    await expect(
      storage.write({
        'batch/a': { v: 9, eTag: eTagOf(before, 'batch/a') },
        'batch/b': { v: 9, eTag: eTagOf(before, 'batch/b') },
      }),
    ).rejects.toThrow(/eTag conflict/);
    const after = await storage.read(['batch/a', 'batch/b']);
    expect(after['batch/a'].v).toBe(1);
    expect(eTagOf(after, 'batch/a')).toBe(eTagOf(before, 'batch/a'));
    expect(after['batch/b'].v).toBe(2);
  });

  it('round-trips nested documents and keys with slashes, quotes and unicode', async () => {
    const key = "webchat/conversations/a'b\"c/ü/李伟/😀/%20 ; drop table bot_state;--";
    const document = {
      dialogState: { dialogStack: [{ id: 'main', state: { options: { locale: 'zh-Hans' }, values: { n: 1.5, ok: true, none: null } } }] },
      list: [1, 'two', { three: [3] }],
      text: '张浩 — "quoted" \\ back\nslash',
    };
    await storage.write({ [key]: document });
    const items = await storage.read([key]);
    expect(items[key]).toEqual({ ...document, eTag: expect.any(String) });
    expect(Object.keys(await storage.read(['webchat/conversations/a']))).toEqual([]);
  });

  it('does not store the eTag inside the document', async () => {
    await storage.write({ inner: { v: 1, eTag: '*' } });
    const row = await t.db.selectFrom('botState').select(['document', 'etag']).where('key', '=', 'inner').executeTakeFirstOrThrow();
    expect(row.document).toEqual({ v: 1 });
    expect(row.etag).not.toBe('*');
  });

  it('lets exactly one of 10 concurrent writers with the same eTag win', async () => {
    await storage.write({ race: { writer: -1 } });
    const eTag = eTagOf(await storage.read(['race']), 'race');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, writer) => storage.write({ race: { writer, eTag } })),
    );
    const won = results.flatMap((r, writer) => (r.status === 'fulfilled' ? [writer] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isAppError(r.reason, 'state_conflict')).toBe(true);
    expect((await storage.read(['race'])).race.writer).toBe(won[0]);
  });

  it('lets exactly one of 10 concurrent creators of a new key with eTags win after the first', async () => {
    // Every creator holds the same made-up eTag: the first insert wins, the rest now face a stale eTag.
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, writer) => storage.write({ 'race/new': { writer, eTag: 'nonexistent' } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('agrees with botbuilder MemoryStorage on a scripted sequence', async () => {
    type Step = { op: 'write'; key: string; v: number; eTag?: 'current' | 'stale' | '*' } | { op: 'delete'; key: string };
    const steps: Step[] = [
      { op: 'write', key: 'k', v: 1 },
      { op: 'write', key: 'k', v: 2, eTag: 'current' },
      { op: 'write', key: 'k', v: 3, eTag: 'stale' },
      { op: 'write', key: 'k', v: 4, eTag: '*' },
      { op: 'write', key: 'k', v: 5, eTag: 'stale' },
      { op: 'delete', key: 'k' },
      { op: 'write', key: 'k', v: 6, eTag: 'stale' },
      { op: 'write', key: 'k', v: 7, eTag: 'current' },
    ];
    const run = async (s: Storage, prefix: string): Promise<unknown[]> => {
      const outcomes: unknown[] = [];
      let stale = 'never-issued';
      for (const step of steps) {
        const key = `${prefix}/${step.key}`;
        if (step.op === 'delete') {
          await s.delete([key]);
          outcomes.push('deleted');
          continue;
        }
        const current: unknown = (await s.read([key]))[key]?.eTag;
        const eTag = step.eTag === 'current' ? current : step.eTag === 'stale' ? stale : step.eTag;
        if (typeof current === 'string') stale = current;
        const ok = await s.write({ [key]: { v: step.v, ...(eTag === undefined ? {} : { eTag }) } }).then(
          () => true,
          () => false,
        );
        outcomes.push([ok, (await s.read([key]))[key]?.v]);
      }
      return outcomes;
    };
    const expected = await run(new MemoryStorage(), 'script');
    expect(await run(storage, 'script')).toEqual(expected);
    expect(expected).toContainEqual([false, 2]);
  });
});
