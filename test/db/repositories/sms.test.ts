import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSession, endSessions, SESSION_IDLE_MS } from '../../../db/repositories/sessions.js';
import {
  claimMessage,
  clearReplyState,
  deleteStalePages,
  findConversation,
  isOptedOut,
  recordOptIn,
  recordOptOut,
  saveReplyState,
  takeNextPage,
  upsertConversation,
} from '../../../db/repositories/sms.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { findTextVerifyFailures, recordTextVerifyFailure, resetTextVerifyFailures } from '../../../db/repositories/textVerify.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const now = new Date('2026-11-26T15:00:00Z');

describe.each(databaseKinds())('SMS repositories on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await seedDemoIfEmpty(t.db, { ssnHmacKey: 'k' });
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

  it('hands out a page saved under a session only to that session', async () => {
    await upsertConversation(t.db, { id: 'c3', parentNumber: '+12125550103', ourNumber: '+12125550100' }, now);
    const session = await createSession(t.db, { conversationKey: 'k-c3', personId: 'P-1002', method: 'ssn_pin' }, now);
    await saveReplyState(t.db, 'c3', { choices: [], pages: ['$1', '$2'], sessionId: session.id, locale: 'es' }, now);
    expect(await findConversation(t.db, 'c3')).toMatchObject({ replySessionId: session.id, replyLocale: 'es' });
    expect(await takeNextPage(t.db, 'c3', now)).toBeNull();
    expect(await takeNextPage(t.db, 'c3', now, 'another-session')).toBeNull();
    expect(await takeNextPage(t.db, 'c3', now, session.id)).toBe('$1');
    await clearReplyState(t.db, 'c3', now);
    expect(await findConversation(t.db, 'c3')).toMatchObject({ pages: [], choices: [], replySessionId: null, replyLocale: null });
  });

  it('deleteStalePages deletes saved replies whose session ended or idled out, and keeps live and session-less ones', async () => {
    const ids = ['s-live', 's-ended', 's-idle', 's-none'];
    for (const id of ids) await upsertConversation(t.db, { id, parentNumber: '+12125550104', ourNumber: '+12125550100' }, now);
    const live = await createSession(t.db, { conversationKey: 'k-live', personId: 'P-1002', method: 'ssn_pin' }, now);
    const ended = await createSession(t.db, { conversationKey: 'k-ended', personId: 'P-1002', method: 'ssn_pin' }, now);
    const idle = await createSession(t.db, { conversationKey: 'k-idle', personId: 'P-1002', method: 'ssn_pin' }, new Date(now.getTime() - SESSION_IDLE_MS - 1000));
    await endSessions(t.db, 'k-ended', now);
    const page = { choices: [{ number: 1, value: 'x' }], pages: ['$125.00'] };
    await saveReplyState(t.db, 's-live', { ...page, sessionId: live.id }, now);
    await saveReplyState(t.db, 's-ended', { ...page, sessionId: ended.id }, now);
    await saveReplyState(t.db, 's-idle', { ...page, sessionId: idle.id }, now);
    await saveReplyState(t.db, 's-none', { ...page, sessionId: null }, now);
    expect(await deleteStalePages(t.db, now)).toBe(2);
    const pagesOf = async (id: string) => (await findConversation(t.db, id))?.pages;
    expect(await pagesOf('s-live')).toEqual(['$125.00']);
    expect(await pagesOf('s-ended')).toEqual([]);
    expect(await pagesOf('s-idle')).toEqual([]);
    expect(await pagesOf('s-none')).toEqual(['$125.00']);
    expect(await deleteStalePages(t.db, new Date(now.getTime() + SESSION_IDLE_MS + 1000))).toBe(1);
    expect(await pagesOf('s-live')).toEqual([]);
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
