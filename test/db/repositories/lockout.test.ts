/**
 * Failure counters for PINs and NY.gov identities, and the SSN+PIN core built on them, on a real
 * database: parallel wrong answers must each count, and a lock must hold against a right PIN.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hmacSsn } from '../../../db/crypto.js';
import { findIdentityLink, linkIdentity, recordIdentityFailure } from '../../../db/repositories/identities.js';
import { findPin, recordPinFailure, resetPinFailures } from '../../../db/repositories/pins.js';
import { findTextVerifyFailures, recordTextVerifyFailure } from '../../../db/repositories/textVerify.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { verifyByPin } from '../../../dialogs/linking/verifyByPin.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const KEY = 'test-ssn-hmac-key';
const NOW = new Date('2026-11-21T15:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const ssnHmac = (ssn: string): string => hmacSsn(KEY, ssn);

describe.each(databaseKinds())('lockout counters on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: KEY });
  });

  afterAll(async () => {
    await database.close();
  });

  it('20 parallel wrong PINs: the count stops at 5, exactly one reaches the lock, later failures move nothing', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => recordPinFailure(database.db, 'P-1004', NOW)));
    expect(results.filter((r) => r?.counted)).toHaveLength(5);
    expect(results.filter((r) => r?.lockedNow)).toHaveLength(1);
    expect(results.filter((r) => r?.counted).map((r) => r?.failedAttempts).sort()).toEqual([1, 2, 3, 4, 5]);
    const pin = await findPin(database.db, 'P-1004');
    expect(pin?.failedAttempts).toBe(5);
    expect(pin?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
    // An hour later, still locked: not counted, and the lock is not pushed out.
    const later = new Date(NOW.getTime() + 60 * 60 * 1000);
    expect(await recordPinFailure(database.db, 'P-1004', later)).toEqual({ failedAttempts: 5, lockedUntil: new Date(NOW.getTime() + DAY), counted: false, lockedNow: false });
    expect((await findPin(database.db, 'P-1004'))?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
  });

  it('a reset does not lift a lock in force, but does once it has run out', async () => {
    expect(await resetPinFailures(database.db, 'P-1004', NOW)).toBe(false);
    expect((await findPin(database.db, 'P-1004'))?.failedAttempts).toBe(5);
    expect(await resetPinFailures(database.db, 'P-1004', new Date(NOW.getTime() + DAY))).toBe(true);
    expect(await findPin(database.db, 'P-1004')).toMatchObject({ failedAttempts: 0, lockedUntil: null });
  });

  it('after a lock has run out, counting starts again from one', async () => {
    for (let i = 0; i < 5; i += 1) await recordPinFailure(database.db, 'P-1009', NOW);
    const later = new Date(NOW.getTime() + DAY + 1);
    expect(await recordPinFailure(database.db, 'P-1009', later)).toEqual({ failedAttempts: 1, lockedUntil: null, counted: true, lockedNow: false });
  });

  it('20 parallel identity failures, the first ones racing to create the row: stops at 5, one lock', async () => {
    const identity = { issuer: 'https://idp.test', subject: `race-${kind}` };
    const results = await Promise.all(Array.from({ length: 20 }, () => recordIdentityFailure(database.db, identity, NOW)));
    expect(results.filter((r) => r.lockedNow)).toHaveLength(1);
    expect(results.filter((r) => r.counted)).toHaveLength(5);
    const link = await findIdentityLink(database.db, identity);
    expect(link).toMatchObject({ personId: null, failedAttempts: 5 });
    expect(link?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
    const later = new Date(NOW.getTime() + 60 * 60 * 1000);
    expect(await recordIdentityFailure(database.db, identity, later)).toMatchObject({ failedAttempts: 5, counted: false, lockedNow: false });
    expect((await findIdentityLink(database.db, identity))?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
  });

  it('20 parallel failures of one text conversation: stops at 5, one lock, the lock not pushed out', async () => {
    const key = `conversation-${kind}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => recordTextVerifyFailure(database.db, key, NOW)));
    expect(results.filter((r) => r.lockedNow)).toHaveLength(1);
    expect(results.filter((r) => r.counted)).toHaveLength(5);
    const later = new Date(NOW.getTime() + 60 * 60 * 1000);
    expect(await recordTextVerifyFailure(database.db, key, later)).toEqual({ failedAttempts: 5, lockedUntil: new Date(NOW.getTime() + DAY), counted: false, lockedNow: false });
    expect(await findTextVerifyFailures(database.db, key)).toEqual({ failedAttempts: 5, lockedUntil: new Date(NOW.getTime() + DAY) });
  });

  it('links an identity for good: a later link to someone else does not move it', async () => {
    const identity = { issuer: 'https://idp.test', subject: `link-${kind}` };
    await recordIdentityFailure(database.db, identity, NOW);
    expect(await linkIdentity(database.db, identity, 'P-1005', NOW)).toBe('P-1005');
    expect(await linkIdentity(database.db, identity, 'P-1007', NOW)).toBe('P-1005');
    expect(await findIdentityLink(database.db, identity)).toMatchObject({ personId: 'P-1005', failedAttempts: 0 });
  });

  describe('verifyByPin (no identity: the text channels)', () => {
    it('gives an unknown SSN and a wrong PIN the same outcome', async () => {
      const unknown = await verifyByPin(database.db, { ssnHmac: ssnHmac('900990000'), pin: '12345', now: NOW });
      const wrong = await verifyByPin(database.db, { ssnHmac: ssnHmac('900111005'), pin: '12345', now: NOW });
      expect(unknown.outcome).toBe('rejected');
      expect(wrong.outcome).toBe('rejected');
      expect(await verifyByPin(database.db, { ssnHmac: ssnHmac('900111005'), pin: '11223', now: NOW })).toEqual({
        outcome: 'verified',
        personId: 'P-1005',
      });
      expect((await findPin(database.db, 'P-1005'))?.failedAttempts).toBe(0);
    });

    it('20 parallel wrong PINs: 5 counted, exactly one reaches the lock, the rest refused unread', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => verifyByPin(database.db, { ssnHmac: ssnHmac('900111007'), pin: '00000', now: NOW })),
      );
      const pin = await findPin(database.db, 'P-1007');
      expect(pin?.failedAttempts).toBe(5);
      expect(pin?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
      expect(results.filter((r) => r.outcome === 'locked' && r.lockedNow)).toEqual([
        { outcome: 'locked', personId: 'P-1007', scope: 'person', lockedNow: true, locks: ['person'] },
      ]);
      expect(results.filter((r) => r.outcome === 'rejected')).toHaveLength(4);
      expect(results.filter((r) => r.outcome === 'locked' && !r.lockedNow)).toHaveLength(15);
      // Locked: the right PIN is refused without being checked, and a later failure moves nothing.
      const later = new Date(NOW.getTime() + 60 * 60 * 1000);
      expect(await verifyByPin(database.db, { ssnHmac: ssnHmac('900111007'), pin: '77889', now: later })).toMatchObject({
        outcome: 'locked',
        scope: 'person',
        lockedNow: false,
      });
      expect(await findPin(database.db, 'P-1007')).toMatchObject({ failedAttempts: 5, lockedUntil: new Date(NOW.getTime() + DAY) });
    });

    it('an identity locked by guessing is refused before the person is even looked up', async () => {
      const identity = { issuer: 'https://idp.test', subject: `guesser-${kind}` };
      for (let i = 0; i < 5; i += 1) await verifyByPin(database.db, { ssnHmac: ssnHmac(`90099000${i}`), pin: '12345', identity, now: NOW });
      expect(await verifyByPin(database.db, { ssnHmac: ssnHmac('900111008'), pin: '55667', identity, now: NOW })).toMatchObject({
        outcome: 'locked',
        scope: 'identity',
      });
      expect((await findPin(database.db, 'P-1008'))?.failedAttempts).toBe(0);
    });
  });
});
