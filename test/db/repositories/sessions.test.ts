import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSession, endSessions, peekSession, SESSION_IDLE_MS, useSession } from '../../../db/repositories/sessions.js';
import { requestPinMail } from '../../../db/repositories/pinMail.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const NOW = new Date('2026-11-21T15:00:00Z');
const at = (ms: number): Date => new Date(NOW.getTime() + ms);

describe.each(databaseKinds())('verified sessions on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  });

  afterAll(async () => {
    await database.close();
  });

  it('is valid until 15 idle minutes; using it keeps it alive; peeking does not', async () => {
    await createSession(database.db, { conversationKey: 'c1', personId: 'P-1001', method: 'nygov', issuer: 'i', subject: 's' }, NOW);
    expect(await peekSession(database.db, 'c1', at(SESSION_IDLE_MS - 1))).not.toBeNull();
    expect(await useSession(database.db, 'c1', at(SESSION_IDLE_MS - 1))).toMatchObject({ personId: 'P-1001', method: 'nygov' });
    expect(await useSession(database.db, 'c1', at(2 * SESSION_IDLE_MS - 2))).not.toBeNull();
    expect(await useSession(database.db, 'c1', at(3 * SESSION_IDLE_MS))).toBeNull();
  });

  it('belongs to one conversation, and a new one replaces the old', async () => {
    await createSession(database.db, { conversationKey: 'c2', personId: 'P-1001', method: 'ssn_pin' }, NOW);
    expect(await useSession(database.db, 'other', NOW)).toBeNull();
    await createSession(database.db, { conversationKey: 'c2', personId: 'P-1002', method: 'ssn_pin' }, NOW);
    expect((await useSession(database.db, 'c2', NOW))?.personId).toBe('P-1002');
    const rows = await database.db.selectFrom('verifiedSessions').select('endedAt').where('conversationKey', '=', 'c2').execute();
    expect(rows.filter((r) => r.endedAt === null)).toHaveLength(1);
  });

  it('ends at once on sign-out', async () => {
    await createSession(database.db, { conversationKey: 'c3', personId: 'P-1001', method: 'nygov' }, NOW);
    expect(await endSessions(database.db, 'c3', NOW)).toBe(1);
    expect(await useSession(database.db, 'c3', NOW)).toBeNull();
  });

  it('records a PIN re-mail request', async () => {
    const id = await requestPinMail(database.db, { personId: 'P-1003', channel: 'webchat', now: NOW });
    const row = await database.db.selectFrom('pinMailRequests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ personId: 'P-1003', channel: 'webchat', status: 'requested' });
  });
});
