import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listCases } from '../../../db/account/cases.js';
import { readDisbursements } from '../../../db/account/disbursements.js';
import { readLastPayment, readPayments } from '../../../db/account/payments.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const AS_OF = '2026-11-20';

describe.each(databaseKinds())('account read model on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  });

  afterAll(async () => {
    await database.close();
  });

  it('lists only the person\'s own cases, with children and order, never the other parent', async () => {
    const robert = await listCases(database.db, 'P-1006');
    expect(robert.map((c) => [c.caseNumber, c.role, c.childrenFirstNames, c.orderAmountCents, c.orderFrequency])).toEqual([
      ['CS22000404', 'noncustodial', ['Jordan'], 15000, 'biweekly'],
      ['CS25000303', 'noncustodial', ['Lucas'], 21000, 'biweekly'],
    ]);
    expect(JSON.stringify(await listCases(database.db, 'P-1001'))).not.toMatch(/James|Carter|Demo Street|P-1002/);
    expect(await listCases(database.db, 'nobody')).toEqual([]);
  });

  it('pages payments newest first with the range totals, and never reaches a case the person is not on', async () => {
    const page = await readPayments(database.db, 'P-1001', { to: AS_OF, limit: 5 });
    expect(page.payments.map((p) => [p.receivedOn, p.amountCents])[0]).toEqual(['2026-11-06', 12500]);
    expect(page.payments).toHaveLength(5);
    expect(page.count).toBe(142);
    const march = await readPayments(database.db, 'P-1001', { from: '2026-03-01', to: '2026-03-31', limit: 50 });
    expect(march.totalCents).toBe(march.payments.reduce((sum, p) => sum + p.amountCents, 0));
    const foreign = await readPayments(database.db, 'P-1001', { caseNumbers: ['CS25000303'], to: AS_OF, limit: 5 });
    expect(foreign).toEqual({ payments: [], count: 0, totalCents: 0 });
  });

  it('gives the last payment and, to the receiving parent only, its disbursement', async () => {
    expect(await readLastPayment(database.db, 'P-1001', 'CS24000101', AS_OF)).toMatchObject({
      payment: { receivedOn: '2026-11-06', amountCents: 12500, source: 'income_withholding' },
      disbursement: { issuedOn: '2026-11-10', method: 'direct_deposit' },
    });
    expect(await readLastPayment(database.db, 'P-1002', 'CS24000101', AS_OF)).toMatchObject({ disbursement: null });
    expect(await readLastPayment(database.db, 'P-1008', 'CS26000505', AS_OF)).toBeNull();
  });

  it('shows disbursements to the custodial parent only', async () => {
    const maria = await readDisbursements(database.db, 'P-1001', { to: AS_OF, limit: 1 });
    expect(maria.disbursements[0]).toMatchObject({ issuedOn: '2026-11-10', amountCents: 12500, method: 'direct_deposit' });
    expect((await readDisbursements(database.db, 'P-1006', { to: AS_OF, limit: 5 })).count).toBe(0);
    expect((await readDisbursements(database.db, 'P-1002', { to: AS_OF, limit: 5 })).count).toBe(0);
  });
});
