/**
 * Failure counters for PINs and NY.gov identities, and the SSN+PIN core built on them, on a real
 * database: parallel wrong answers must each count, and a lock must hold against a right PIN.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hmacSsn } from '../../../db/crypto.js';
import { findIdentityLink, linkIdentity, recordIdentityFailure } from '../../../db/repositories/identities.js';
import { findPin, recordPinFailure, resetPinFailures } from '../../../db/repositories/pins.js';
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

  it('10 parallel wrong PINs add exactly 10, and the fifth locks for 24 hours', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => recordPinFailure(database.db, 'P-1004', NOW)));
    expect(results.map((r) => r?.failedAttempts).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const pin = await findPin(database.db, 'P-1004');
    expect(pin?.failedAttempts).toBe(10);
    expect(pin?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
    expect(results.filter((r) => r?.lockedUntil === null)).toHaveLength(4);
  });

  it('a reset does not lift a lock in force, but does once it has run out', async () => {
    expect(await resetPinFailures(database.db, 'P-1004', NOW)).toBe(false);
    expect((await findPin(database.db, 'P-1004'))?.failedAttempts).toBe(10);
    expect(await resetPinFailures(database.db, 'P-1004', new Date(NOW.getTime() + DAY))).toBe(true);
    expect(await findPin(database.db, 'P-1004')).toMatchObject({ failedAttempts: 0, lockedUntil: null });
  });

  it('after a lock has run out, counting starts again from one', async () => {
    for (let i = 0; i < 5; i += 1) await recordPinFailure(database.db, 'P-1009', NOW);
    const later = new Date(NOW.getTime() + DAY + 1);
    expect(await recordPinFailure(database.db, 'P-1009', later)).toEqual({ failedAttempts: 1, lockedUntil: null });
  });

  it('10 parallel identity failures, first ones racing to create the row, add exactly 10', async () => {
    const identity = { issuer: 'https://idp.test', subject: `race-${kind}` };
    await Promise.all(Array.from({ length: 10 }, () => recordIdentityFailure(database.db, identity, NOW)));
    const link = await findIdentityLink(database.db, identity);
    expect(link).toMatchObject({ personId: null, failedAttempts: 10 });
    expect(link?.lockedUntil?.getTime()).toBe(NOW.getTime() + DAY);
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

    it('10 parallel wrong PINs: every one is counted or refused as locked, none lost', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => verifyByPin(database.db, { ssnHmac: ssnHmac('900111007'), pin: '00000', now: NOW })),
      );
      const pin = await findPin(database.db, 'P-1007');
      const counted = results.filter((r) => r.outcome === 'rejected' || (r.outcome === 'locked' && r.lockedNow)).length;
      const refusedUnread = results.filter((r) => r.outcome === 'locked' && !r.lockedNow).length;
      expect(counted + refusedUnread).toBe(10);
      // Each counted failure incremented once; attempts refused as locked were not checked or counted.
      expect(pin?.failedAttempts).toBe(counted);
      expect(counted).toBeGreaterThanOrEqual(5);
      expect(results.some((r) => r.outcome === 'locked')).toBe(true);
      // Locked: the right PIN is refused without being checked.
      expect(await verifyByPin(database.db, { ssnHmac: ssnHmac('900111007'), pin: '77889', now: NOW })).toMatchObject({
        outcome: 'locked',
        scope: 'person',
        lockedNow: false,
      });
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
