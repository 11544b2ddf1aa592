import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { claimMessage, isOptedOut, recordOptIn, recordOptOut, saveReplyState, takeNextPage, upsertConversation } from '../../../db/repositories/sms.js';
import { findTextVerifyFailures, recordTextVerifyFailure, resetTextVerifyFailures } from '../../../db/repositories/textVerify.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const now = new Date('2026-11-26T15:00:00Z');

describe.each(databaseKinds())('SMS repositories on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  }, 60_000);
  afterAll(() => t.close());

  it('claims a MessageSid once, also when two claims race', async () => {
    const results = await Promise.all([claimMessage(t.db, 'SM1', 'c1', now), claimMessage(t.db, 'SM1', 'c1', now), claimMessage(t.db, 'SM1', 'c1', now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await claimMessage(t.db, 'SM2', 'c1', now)).toBe(true);
  });

  it('records opt-outs and opt-ins by hash', async () => {
    expect(await isOptedOut(t.db, 'h1')).toBe(false);
    await recordOptOut(t.db, 'h1', now);
    await recordOptOut(t.db, 'h1', now);
    expect(await isOptedOut(t.db, 'h1')).toBe(true);
    expect(await recordOptIn(t.db, 'h1')).toBe(true);
    expect(await recordOptIn(t.db, 'h1')).toBe(false);
    expect(await isOptedOut(t.db, 'h1')).toBe(false);
  });

  it('hands out each pending page once, in order', async () => {
    await upsertConversation(t.db, { id: 'c2', parentNumber: '+12125550102', ourNumber: '+12125550100' }, now);
    await saveReplyState(t.db, 'c2', { choices: [{ number: 1, value: 'yes' }], pages: ['p2', 'p3'] }, now);
    const again = await upsertConversation(t.db, { id: 'c2', parentNumber: '+12125550102', ourNumber: '+12125550100' }, now);
    expect(again.choices).toEqual([{ number: 1, value: 'yes' }]);
    const taken = await Promise.all([takeNextPage(t.db, 'c2', now), takeNextPage(t.db, 'c2', now)]);
    expect(taken.sort()).toEqual(['p2', 'p3']);
    expect(await takeNextPage(t.db, 'c2', now)).toBeNull();
  });

  it('locks a text conversation at the fifth failure, and a success before that clears the count', async () => {
    await recordTextVerifyFailure(t.db, 'k1', now);
    await resetTextVerifyFailures(t.db, 'k1', now);
    expect((await findTextVerifyFailures(t.db, 'k1'))?.failedAttempts).toBe(0);
    let last = null;
    for (let i = 0; i < 5; i += 1) last = await recordTextVerifyFailure(t.db, 'k1', now);
    expect(last?.lockedUntil?.getTime()).toBe(now.getTime() + 24 * 60 * 60 * 1000);
    await resetTextVerifyFailures(t.db, 'k1', now);
    expect((await findTextVerifyFailures(t.db, 'k1'))?.lockedUntil).not.toBeNull();
  });
});
