import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../db/connect.js';
import { purgeExpired, startRetentionJob, type PurgeResult, type RetentionPolicy } from '../../db/retention.js';
import type { Database } from '../../db/schema.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const POLICY: RetentionPolicy = { days: 30, signInHours: 24, smsPagesMinutes: 30 };

async function count(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function conversation(db: Kysely<Database>, id: string, createdAt: Date, activities: number): Promise<void> {
  await db.insertInto('dlConversations').values({ id, userId: `dl_${id}`, locale: 'en-US', createdAt, lastSeq: activities }).execute();
  for (let seq = 1; seq <= activities; seq += 1) {
    await db.insertInto('dlActivities').values({ conversationId: id, seq, activity: JSON.stringify({ text: 'hi' }), createdAt }).execute();
  }
}

/** Old and recent rows of every table the purge touches, and old records the agency keeps. */
async function fill(db: Kysely<Database>): Promise<void> {
  await conversation(db, 'old-conversation', ago(40 * DAY), 3);
  await conversation(db, 'recent-conversation', ago(DAY), 2);

  await db
    .insertInto('botState')
    .values([
      { key: 'directline/conversations/old', document: '{}', etag: 'e1', updatedAt: ago(31 * DAY) },
      { key: 'directline/conversations/recent', document: '{}', etag: 'e2', updatedAt: ago(HOUR) },
    ])
    .execute();

  await db
    .insertInto('smsMessages')
    .values([
      { messageSid: 'SMold', conversationId: 'c', receivedAt: ago(40 * DAY) },
      { messageSid: 'SMrecent', conversationId: 'c', receivedAt: ago(HOUR) },
    ])
    .execute();
  await db
    .insertInto('smsConversations')
    .values([
      { id: 'sms-old', parentNumber: '+12125550101', ourNumber: '+12125550100', choices: '[]', pages: '["old page"]', updatedAt: ago(40 * DAY) },
      { id: 'sms-stale', parentNumber: '+12125550102', ourNumber: '+12125550100', choices: '[]', pages: '["payments page 2"]', updatedAt: ago(2 * HOUR) },
      { id: 'sms-fresh', parentNumber: '+12125550103', ourNumber: '+12125550100', choices: '[]', pages: '["payments page 2"]', updatedAt: ago(5 * 60 * 1000), replySessionId: 'active' },
      // Recent, but made under a session that has ended: it goes at once.
      { id: 'sms-signed-out', parentNumber: '+12125550104', ourNumber: '+12125550100', choices: '[]', pages: '["payments page 2"]', updatedAt: ago(60 * 1000), replySessionId: 'ended-recently' },
    ])
    .execute();

  const signIn = (id: string, expiresAt: Date) => ({
    id,
    channel: 'directline',
    conversationId: 'c',
    conversationRef: '{}',
    locale: 'en',
    createdAt: new Date(expiresAt.getTime() - 10 * 60 * 1000),
    expiresAt,
  });
  await db
    .insertInto('signInRequests')
    .values([signIn('signin-old', ago(2 * DAY)), signIn('signin-recent', ago(HOUR)), signIn('signin-open', new Date(NOW.getTime() + 5 * 60 * 1000))])
    .execute();

  await db
    .insertInto('people')
    .values({
      id: 'P1',
      firstName: 'A',
      lastName: 'B',
      nativeFirstName: null,
      nativeLastName: null,
      ssnHmac: 'h',
      dateOfBirth: '1980-01-01',
      preferredLanguage: 'en',
      phone: null,
      email: null,
      mailingAddress: JSON.stringify({ line1: '1 Main St', city: 'New York', state: 'NY', zip: '10001' }),
      prefersTty: false,
    })
    .execute();
  const session = (id: string, expiresAt: Date, endedAt: Date | null) => ({
    id,
    conversationKey: id,
    personId: 'P1',
    method: 'nygov' as const,
    issuer: null,
    subject: null,
    expiresAt,
    endedAt,
  });
  await db
    .insertInto('verifiedSessions')
    .values([
      session('ended-long-ago', new Date(NOW.getTime() + HOUR), ago(2 * DAY)),
      session('expired-long-ago', ago(2 * DAY), null),
      session('ended-recently', new Date(NOW.getTime() + HOUR), ago(HOUR)),
      session('active', new Date(NOW.getTime() + HOUR), null),
    ])
    .execute();

  await db
    .insertInto('rateLimits')
    .values([
      { key: 'token|*|old', hits: 9, expiresAt: ago(1000) },
      { key: 'token|*|current', hits: 1, expiresAt: new Date(NOW.getTime() + 30_000) },
    ])
    .execute();

  await db
    .insertInto('issuedDocuments')
    .values([
      { tokenHash: 'doc-old', personId: 'P1', caseNumber: null, kind: 'statement', params: '{}', expiresAt: ago(2 * DAY) },
      { tokenHash: 'doc-recent', personId: 'P1', caseNumber: null, kind: 'statement', params: '{}', expiresAt: ago(HOUR) },
    ])
    .execute();

  await db
    .insertInto('documentSignIns')
    .values([
      { state: 'dsi-old', tokenHash: 'doc-old', nonce: 'n', codeVerifier: 'v', expiresAt: ago(2 * DAY) },
      { state: 'dsi-recent', tokenHash: 'doc-recent', nonce: 'n', codeVerifier: 'v', expiresAt: ago(HOUR) },
    ])
    .execute();
  await db.insertInto('offices').values({ id: 'O1', name: 'Office', borough: 'Manhattan', email: 'o@example.gov', phone: '1', address: 'a', hours: 'h' }).execute();
  await db.insertInto('officeMessages').values({ officeId: 'O1', personId: 'P1', caseNumber: null, channel: 'sms', reference: 'OCS-OLD22', body: 'old', lastError: null, createdAt: ago(400 * DAY) }).execute();
  await db.insertInto('auditLog').values({ action: 'sign_in', outcome: 'ok', at: ago(400 * DAY), detail: '{}' }).execute();
}

describe.each(databaseKinds())('retention purge on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await fill(t.db);
  });
  afterAll(() => t.close());

  it('removes what is past its time, keeps what is recent, and never touches the audit log or office messages', async () => {
    const result = await purgeExpired(t.db, POLICY, NOW);
    expect(result).toEqual({
      ran: true,
      deleted: {
        dl_activities: 3,
        dl_conversations: 1,
        bot_state: 1,
        sms_messages: 1,
        sms_conversations: 1,
        sms_pages: 1,
        sms_session_pages: 1,
        sign_in_requests: 1,
        verified_sessions: 2,
        issued_documents: 1,
        rate_limits: 1,
      },
    });
    expect(await t.db.selectFrom('dlConversations').select('id').execute()).toEqual([{ id: 'recent-conversation' }]);
    expect(await count(t.db, 'dlActivities')).toBe(2);
    expect(await t.db.selectFrom('botState').select('key').execute()).toEqual([{ key: 'directline/conversations/recent' }]);
    expect(await t.db.selectFrom('smsMessages').select('messageSid').execute()).toEqual([{ messageSid: 'SMrecent' }]);
    const sms = await t.db.selectFrom('smsConversations').select(['id', 'pages']).orderBy('id').execute();
    expect(sms).toEqual([
      { id: 'sms-fresh', pages: ['payments page 2'] },
      { id: 'sms-signed-out', pages: [] },
      { id: 'sms-stale', pages: [] },
    ]);
    const signIns = await t.db.selectFrom('signInRequests').select('id').orderBy('id').execute();
    expect(signIns.map((r) => r.id)).toEqual(['signin-open', 'signin-recent']);
    const sessions = await t.db.selectFrom('verifiedSessions').select('id').orderBy('id').execute();
    expect(sessions.map((r) => r.id)).toEqual(['active', 'ended-recently']);
    expect(await t.db.selectFrom('issuedDocuments').select('tokenHash').execute()).toEqual([{ tokenHash: 'doc-recent' }]);
    // A forwarded-link sign-in goes with its document (ON DELETE CASCADE).
    expect(await t.db.selectFrom('documentSignIns').select('state').execute()).toEqual([{ state: 'dsi-recent' }]);
    expect(await t.db.selectFrom('rateLimits').select('key').execute()).toEqual([{ key: 'token|*|current' }]);
    expect(await count(t.db, 'auditLog')).toBe(1);
    expect(await count(t.db, 'officeMessages')).toBe(1);

    // A second run finds nothing more.
    const again = await purgeExpired(t.db, POLICY, NOW);
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
  });

  it('deletes in bounded batches and picks up the rest on the next run', async () => {
    for (let i = 0; i < 5; i += 1) {
      await t.db.insertInto('botState').values({ key: `old-${i}`, document: '{}', etag: 'e', updatedAt: ago(60 * DAY) }).execute();
    }
    const first = await purgeExpired(t.db, POLICY, NOW, { batchSize: 2, maxBatches: 1 });
    expect(first.deleted.bot_state).toBe(2);
    const second = await purgeExpired(t.db, POLICY, NOW, { batchSize: 2, maxBatches: 5 });
    expect(second.deleted.bot_state).toBe(3);
  });

  it('runs on a jittered timer and stops cleanly', async () => {
    await t.db.insertInto('botState').values({ key: 'old-timer', document: '{}', etag: 'e', updatedAt: ago(60 * DAY) }).execute();
    const results: PurgeResult[] = [];
    const job = startRetentionJob(t.db, POLICY, { intervalMs: 20, now: () => NOW, random: () => 0, onResult: (r) => results.push(r) });
    const deadline = Date.now() + 5000;
    while (results.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await job.stop();
    expect(results[0]?.deleted.bot_state).toBe(1);
    const settled = results.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(results.length).toBe(settled);
  });
});

if (databaseKinds().includes('postgres')) {
  describe('two purges at once on one PostgreSQL database', () => {
    let t: TestDatabase;
    let second: { db: Kysely<Database>; close(): Promise<void> };

    beforeAll(async () => {
      t = await createTestDatabase('postgres');
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.db);
      const url = new URL(process.env.DATABASE_URL ?? '');
      url.pathname = `/${rows[0]?.name ?? ''}`;
      second = await openDatabase({ databaseUrl: url.toString(), pgliteDir: 'memory://' });
    });
    afterAll(async () => {
      await second.close();
      await t.close();
    });

    it('neither fails, and together they delete each old row exactly once', async () => {
      const OLD = 3000;
      await sql`insert into bot_state (key, document, etag, updated_at)
                select 'old-' || i, '{}'::jsonb, 'e', ${ago(60 * DAY)} from generate_series(1, ${OLD}) as i`.execute(t.db);
      await sql`insert into bot_state (key, document, etag, updated_at)
                select 'new-' || i, '{}'::jsonb, 'e', ${ago(HOUR)} from generate_series(1, 50) as i`.execute(t.db);
      const options = { batchSize: 100, maxBatches: 100 };
      const results = await Promise.all([purgeExpired(t.db, POLICY, NOW, options), purgeExpired(second.db, POLICY, NOW, options)]);
      expect(results.some((r) => r.ran)).toBe(true);
      const deleted = results.reduce((sum, r) => sum + (r.deleted.bot_state ?? 0), 0);
      expect(deleted).toBe(OLD);
      expect(await count(t.db, 'botState')).toBe(50);
      // Whichever did not get the lock did nothing, rather than waiting or failing.
      for (const r of results) if (!r.ran) expect(r.deleted).toEqual({});
    });
  });
}
