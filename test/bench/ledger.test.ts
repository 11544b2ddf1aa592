/**
 * The ledger bench's generator writes what the chat's read model reads: whole synthetic cases a
 * synthetic parent can ask about (a balance that adds up, payments, a disbursement for each), and
 * nothing that changes a demo parent's answers. On both engines.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { readBalances } from '../../db/account/balances.js';
import { readLastPayment, readPayments } from '../../db/account/payments.js';
import { seedDemoIfEmpty } from '../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';
import { generatePayments } from './ledger.js';

const AS_OF = '2026-11-20';

describe.each(databaseKinds())('ledger bench generator on %s', (kind) => {
  let database: TestDatabase | null = null;
  afterEach(async () => {
    await database?.close();
    database = null;
  });

  it('fills whole cases the read model answers for, and leaves the demo parents\' answers as they were', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    await seedDemoIfEmpty(db, { ssnHmacKey: 'test' });
    const demoBalance = await readBalances(db, 'P-1002');
    const demoLast = await readLastPayment(db, 'P-1001', 'CS24000101', AS_OF);

    const generation = await generatePayments(db, 0, 250, { quiet: true });

    // 3 cases (the last one half full), 2 parents each: 6 + 3 + 6 parties + 250 payments, 500 ledger entries, 250 disbursements.
    expect(generation.payments).toBe(250);
    expect(generation.rows).toBe(6 + 3 + 6 + 250 + 500 + 250);
    const synthetic = await sql<{ n: string }>`select count(*)::text as n from payments where id like 'SYN-%'`.execute(db);
    expect(synthetic.rows[0]?.n).toBe('250');

    // The paying parent of the first case: 100 weekly payments, each charge met, so nothing owed.
    const balances = await readBalances(db, 'SYN-P-1');
    expect(balances.cases.map((c) => [c.caseNumber, c.role, c.balanceCents])).toEqual([['SY00000000', 'noncustodial', 0]]);
    const page = await readPayments(db, 'SYN-P-1', { to: AS_OF, limit: 5 });
    expect(page.count).toBe(100);
    expect(page.totalCents).toBe(100 * 12500);
    // The receiving parent of the half-full third case: its 50th payment, disbursed two days later.
    const last = await readLastPayment(db, 'SYN-P-4', 'SY00000002', AS_OF);
    expect(last?.payment).toMatchObject({ id: 'SYN-249', receivedOn: '2024-12-15', amountCents: 12500 });
    expect(last?.disbursement).toEqual({ issuedOn: '2024-12-17', amountCents: 12500, method: 'direct_deposit' });
    // No synthetic parent reaches a demo case, nor a demo parent a synthetic one.
    expect(await readLastPayment(db, 'SYN-P-4', 'CS24000101', AS_OF)).toBeNull();
    expect(await readBalances(db, 'P-1002')).toEqual(demoBalance);
    expect(await readLastPayment(db, 'P-1001', 'CS24000101', AS_OF)).toEqual(demoLast);

    // A second fill continues where the first stopped, on a case boundary only.
    await expect(generatePayments(db, 250, 300, { quiet: true })).rejects.toThrow('case boundary');
    const more = await generatePayments(db, 300, 400, { quiet: true });
    expect(more.rows).toBe(2 + 1 + 2 + 100 + 200 + 100);
  });
});
