import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createOfficeMessage,
  findCaseOffice,
  findOfficeMessage,
  findPersonName,
  listOfficeMessages,
  markOfficeMessageFailed,
  markOfficeMessageSent,
} from '../../../db/repositories/officeMessages.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const NOW = new Date('2026-11-21T15:00:00Z');
const LATER = new Date('2026-11-21T15:00:05Z');

describe.each(databaseKinds())('office messages on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  });

  afterAll(async () => {
    await database.close();
  });

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
  });

  it('names the person', async () => {
    expect(await findPersonName(database.db, 'P-1001')).toEqual({ firstName: 'Maria', lastName: 'Lopez' });
    expect(await findPersonName(database.db, 'P-9999')).toBeNull();
  });

  it('starts pending with no attempt, then records the send', async () => {
    const created = await createOfficeMessage(database.db, {
      officeId: 'bronx',
      personId: 'P-1001',
      caseNumber: 'CS24000101',
      channel: 'directline',
      body: 'Please call me',
      now: NOW,
    });
    expect(created).toMatchObject({ status: 'pending', attempts: 0, lastError: null, sentAt: null, body: 'Please call me', channel: 'directline' });
    expect(created.createdAt.toISOString()).toBe(NOW.toISOString());
    await markOfficeMessageSent(database.db, created.id, LATER);
    const sent = await findOfficeMessage(database.db, created.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(sent?.sentAt?.toISOString()).toBe(LATER.toISOString());
  });

  it('records a failure with its code, and a retry that then succeeds clears it', async () => {
    const created = await createOfficeMessage(database.db, {
      officeId: 'brooklyn',
      personId: 'P-1006',
      caseNumber: 'CS25000303',
      channel: 'sms',
      body: 'Hello',
      now: NOW,
    });
    await markOfficeMessageFailed(database.db, created.id, 'ECONNECTION');
    expect(await findOfficeMessage(database.db, created.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'ECONNECTION', sentAt: null });
    expect((await listOfficeMessages(database.db, { status: 'failed' })).map((m) => m.id)).toEqual([created.id]);
    await markOfficeMessageSent(database.db, created.id, LATER);
    expect(await findOfficeMessage(database.db, created.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('lists by person, oldest first', async () => {
    const mine = await listOfficeMessages(database.db, { personId: 'P-1001' });
    expect(mine.map((m) => m.personId)).toEqual(['P-1001']);
    expect(await findOfficeMessage(database.db, 999_999)).toBeNull();
  });
});
