/**
 * The office-message outbox on both engines: queueing once per confirmation, references a parent can
 * read over the phone, claims by lease that no two workers share, and the retry and give-up marks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import * as initial from '../../../db/migrations/2026_11_26_120000_initial.js';
import * as signIn from '../../../db/migrations/2026_11_26_130000_sign_in.js';
import * as sms from '../../../db/migrations/2026_11_26_140000_sms.js';
import { migrateToLatest } from '../../../db/migrate.js';
import {
  claimOfficeMessage,
  findCaseOffice,
  findOffice,
  findOfficeMessage,
  findPersonName,
  findQueuedOfficeMessage,
  listOfficeMessages,
  markOfficeMessageFailed,
  markOfficeMessageSent,
  newOfficeReference,
  queueOfficeMessage,
  REFERENCE_ALPHABET,
  REFERENCE_PATTERN,
  retryOfficeMessageLater,
  type NewOfficeMessage,
} from '../../../db/repositories/officeMessages.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const NOW = new Date('2026-11-21T15:00:00Z');
const LATER = new Date('2026-11-21T15:00:05Z');
const LEASE_MS = 60_000;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);

let keys = 0;
function message(overrides: Partial<NewOfficeMessage> = {}): NewOfficeMessage {
  keys += 1;
  return {
    idempotencyKey: `confirmation-${keys}-${Math.random()}`,
    officeId: 'bronx',
    personId: 'P-1001',
    caseNumber: 'CS24000101',
    channel: 'directline',
    channelKind: 'web',
    locale: 'en',
    body: 'Please call me',
    now: NOW,
    ...overrides,
  };
}

describe('office message references', () => {
  it('are OCS- and five characters a parent can read aloud: no 0/O, no 1/I', () => {
    expect(REFERENCE_ALPHABET).toHaveLength(32);
    expect(REFERENCE_ALPHABET).not.toMatch(/[01OI]/);
    const drawn = Array.from({ length: 3000 }, () => newOfficeReference());
    for (const reference of drawn) expect(reference).toMatch(/^OCS-[2-9A-HJ-NP-Z]{5}$/);
    expect(drawn.every((reference) => REFERENCE_PATTERN.test(reference))).toBe(true);
    // Never PIN-shaped, even to a mask that strips the letters: two digits at most.
    expect(Math.max(...drawn.map((reference) => reference.replace(/\D/g, '').length))).toBe(2);
    // Random, not a sequence: every letter of the alphabet turns up, and 3,000 draws from 33 million
    // hardly ever repeat (the odds of any repeat are about 13%, of three or more practically nil).
    const used = new Set(drawn.flatMap((r) => [...r.slice(4)]));
    expect([...used].sort().join('')).toBe(REFERENCE_ALPHABET);
    expect(new Set(drawn).size).toBeGreaterThan(drawn.length - 3);
  });
});

describe.each(databaseKinds())('office messages on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  });

  afterAll(async () => {
    await database.close();
  });

  /** Each test starts from an empty outbox, so claims see only its own rows. */
  async function emptyOutbox(): Promise<void> {
    await database.db.deleteFrom('officeMessages').execute();
  }

  it('finds the office of a case only for a party to it', async () => {
    expect(await findCaseOffice(database.db, 'P-1001', 'CS24000101')).toEqual({
      id: 'bronx',
      name: 'Bronx Child Support Office',
      email: 'bronx.childsupport@example.gov',
      phone: '+17185550140',
      address: '1 Demo Plaza, Bronx, NY 10451',
      hours: 'Mon-Fri 8:30-17:00',
    });
    expect((await findCaseOffice(database.db, 'P-1002', 'CS24000101'))?.id).toBe('bronx');
    expect(await findCaseOffice(database.db, 'P-1001', 'CS25000303')).toBeNull();
    expect(await findCaseOffice(database.db, 'P-9999', 'CS24000101')).toBeNull();
    expect((await findOffice(database.db, 'queens'))?.email).toBe('queens.childsupport@example.gov');
    expect(await findOffice(database.db, 'nowhere')).toBeNull();
  });

  it('names the person', async () => {
    expect(await findPersonName(database.db, 'P-1001')).toEqual({ firstName: 'Maria', lastName: 'Lopez' });
    expect(await findPersonName(database.db, 'P-9999')).toBeNull();
  });

  it('queues a pending message, due at once, with a fresh reference', async () => {
    const { message: queued, created } = await queueOfficeMessage(database.db, message({ channelKind: 'tty', locale: 'es' }));
    expect(created).toBe(true);
    expect(queued).toMatchObject({ status: 'pending', attempts: 0, lastError: null, sentAt: null, leaseUntil: null, channelKind: 'tty', locale: 'es' });
    expect(queued.reference).toMatch(REFERENCE_PATTERN);
    expect(queued.nextAttemptAt.toISOString()).toBe(NOW.toISOString());
    expect(queued.createdAt.toISOString()).toBe(NOW.toISOString());
  });

  it('double confirmation: the same key queues one message and hands back its reference', async () => {
    const request = message();
    const first = await queueOfficeMessage(database.db, request);
    const again = await queueOfficeMessage(database.db, { ...request, body: 'a second yes', now: LATER });
    expect(again).toEqual({ message: first.message, created: false });
    expect(await findQueuedOfficeMessage(database.db, 'P-1001', request.idempotencyKey)).toEqual(first.message);
    expect(await findQueuedOfficeMessage(database.db, 'P-1002', request.idempotencyKey)).toBeNull();
    // At the same moment, as a double-click or a retried post arrives.
    const racing = message();
    const results = await Promise.all(Array.from({ length: 6 }, () => queueOfficeMessage(database.db, racing)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.reference)).size).toBe(1);
    const rows = await database.db.selectFrom('officeMessages').select('id').where('idempotencyKey', 'in', [request.idempotencyKey, racing.idempotencyKey]).execute();
    expect(rows).toHaveLength(2);
  });

  it('a reference that is taken is drawn again (the unique index decides), and gives up after five', async () => {
    const taken = (await queueOfficeMessage(database.db, message())).message.reference;
    const draws = [taken, taken, 'OCS-ZZZZ9'];
    const retried = await queueOfficeMessage(database.db, message(), { newReference: () => draws.shift() ?? newOfficeReference() });
    expect(retried).toMatchObject({ created: true, message: { reference: 'OCS-ZZZZ9' } });
    await expect(queueOfficeMessage(database.db, message(), { newReference: () => taken })).rejects.toMatchObject({ code: 'reference_exhausted' });
  });

  it('two workers racing claim each due message exactly once, oldest first', async () => {
    await emptyOutbox();
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await queueOfficeMessage(database.db, message())).message.id);
    const claims = await Promise.all(Array.from({ length: 20 }, () => claimOfficeMessage(database.db, { now: NOW, leaseMs: LEASE_MS })));
    const claimed = claims.flatMap((c) => (c === null ? [] : [c.id]));
    expect(claimed.sort((a, b) => a - b)).toEqual(ids);
    for (const claim of claims) if (claim !== null) expect(claim).toMatchObject({ attempts: 1, leaseUntil: at(LEASE_MS) });
    expect(await claimOfficeMessage(database.db, { now: at(LEASE_MS - 1), leaseMs: LEASE_MS })).toBeNull();
  });

  it('a message whose worker died is taken again only once its lease ran out', async () => {
    await emptyOutbox();
    const { message: queued } = await queueOfficeMessage(database.db, message());
    expect((await claimOfficeMessage(database.db, { now: NOW, leaseMs: LEASE_MS }))?.id).toBe(queued.id);
    // The worker is killed here: no send, no mark.
    expect(await claimOfficeMessage(database.db, { now: at(LEASE_MS), leaseMs: LEASE_MS })).toBeNull();
    const retaken = await claimOfficeMessage(database.db, { now: at(LEASE_MS + 1), leaseMs: LEASE_MS });
    expect(retaken).toMatchObject({ id: queued.id, attempts: 2, reference: queued.reference });
  });

  it('a retry is released and not due until its time; sent and failed rows are never claimed', async () => {
    await emptyOutbox();
    const a = (await queueOfficeMessage(database.db, message())).message;
    await claimOfficeMessage(database.db, { now: NOW, leaseMs: LEASE_MS });
    await retryOfficeMessageLater(database.db, a.id, { errorCode: 'EENVELOPE', nextAttemptAt: at(30_000) });
    expect(await findOfficeMessage(database.db, a.id)).toMatchObject({ status: 'pending', lastError: 'EENVELOPE', leaseUntil: null, attempts: 1 });
    expect(await claimOfficeMessage(database.db, { now: at(29_999), leaseMs: LEASE_MS })).toBeNull();
    expect((await claimOfficeMessage(database.db, { now: at(30_000), leaseMs: LEASE_MS }))?.id).toBe(a.id);
    await markOfficeMessageSent(database.db, a.id, LATER);
    const sent = await findOfficeMessage(database.db, a.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null, leaseUntil: null });
    expect(sent?.sentAt?.toISOString()).toBe(LATER.toISOString());

    const b = (await queueOfficeMessage(database.db, message({ officeId: 'brooklyn', personId: 'P-1006', caseNumber: 'CS25000303' }))).message;
    await claimOfficeMessage(database.db, { now: NOW, leaseMs: LEASE_MS });
    await markOfficeMessageFailed(database.db, b.id, 'ECONNECTION');
    expect(await findOfficeMessage(database.db, b.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'ECONNECTION', sentAt: null, leaseUntil: null });
    // A late worker cannot turn a given-up message into a sent one, or back.
    await markOfficeMessageSent(database.db, b.id, LATER);
    expect((await findOfficeMessage(database.db, b.id))?.status).toBe('failed');
    expect(await claimOfficeMessage(database.db, { now: at(24 * 3600_000), leaseMs: LEASE_MS })).toBeNull();
    expect((await listOfficeMessages(database.db, { status: 'failed' })).map((m) => m.id)).toEqual([b.id]);
  });

  it('lists by person, oldest first', async () => {
    const mine = await listOfficeMessages(database.db, { personId: 'P-1006' });
    expect(mine.map((m) => m.personId)).toEqual(['P-1006']);
    expect(await findOfficeMessage(database.db, 999_999)).toBeNull();
  });
});

describe.each(databaseKinds())('the outbox migration on %s', (kind) => {
  it('gives rows written before it a reference no new one can take, and keeps them sendable', async () => {
    const database = await createTestDatabase(kind, { migrate: false });
    try {
      const before: Record<string, Migration> = {
        '2026_11_26_120000_initial': initial,
        '2026_11_26_130000_sign_in': signIn,
        '2026_11_26_140000_sms': sms,
      };
      const result = await new Migrator({ db: database.db, provider: { getMigrations: async () => before } }).migrateToLatest();
      expect(result.error).toBeUndefined();
      await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
      await sql`insert into office_messages (office_id, person_id, channel, body) values ('bronx', 'P-1001', 'directline', 'left pending by a crash')`.execute(database.db);
      await migrateToLatest(database.db);
      const [row] = await listOfficeMessages(database.db);
      expect(row?.reference).toMatch(/^OCS-LEGACY-\d+$/);
      expect(row?.reference).not.toMatch(REFERENCE_PATTERN);
      expect(await claimOfficeMessage(database.db, { now: new Date(Date.now() + 1000), leaseMs: LEASE_MS })).toMatchObject({ id: row?.id, attempts: 1 });
    } finally {
      await database.close();
    }
  });
});
