import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { monthsOf, readCoupon, readMonthlyNotice, readStatement } from '../../../db/account/statements.js';
import { createDocumentMailRequest, listDocumentMailRequests } from '../../../db/repositories/documents.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };

describe.each(databaseKinds())('document figures on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  }, 120_000);

  afterAll(async () => {
    await database.close();
  });

  it("Maria's October 2026 statement: opening $875.00, charges $625.00, payments $625.00, closing $875.00", async () => {
    const statement = await readStatement(database.db, 'P-1001', 'CS24000101', OCTOBER);
    expect(statement).not.toBeNull();
    expect(statement?.openingCents).toBe(87500);
    expect(statement?.chargesCents).toBe(62500);
    expect(statement?.paymentsCents).toBe(62500);
    expect(statement?.adjustmentsCents).toBe(0);
    expect(statement?.closingCents).toBe(87500);
    expect(statement?.lines).toHaveLength(10);
    expect(statement?.party).toMatchObject({ caseNumber: 'CS24000101', role: 'custodial', firstName: 'Maria', lastName: 'Lopez' });
    expect(statement?.party.office.name).toBe('Bronx Child Support Office');
  });

  it('a yearly statement carries every month of payments, zero months included', async () => {
    const statement = await readStatement(database.db, 'P-1003', 'CS23000202', { from: '2025-01-01', to: '2025-12-31' });
    expect(statement?.paymentsByMonth).toHaveLength(12);
    expect(statement?.paymentsByMonth.reduce((sum, m) => sum + m.cents, 0)).toBe(690000);
    expect(statement?.paymentsByMonth.find((m) => m.month === 7)?.cents).toBe(0);
    expect([statement?.openingCents, statement?.closingCents]).toEqual([120000, 150000]);
  });

  it('a period without activity reads as zeros around the running balance', async () => {
    const statement = await readStatement(database.db, 'P-1005', 'CS25000303', { from: '2020-01-01', to: '2020-01-31' });
    expect(statement).toMatchObject({ openingCents: 0, chargesCents: 0, paymentsCents: 0, closingCents: 0, lines: [] });
  });

  it('nobody reads a case they are not on', async () => {
    expect(await readStatement(database.db, 'P-1003', 'CS24000101', OCTOBER)).toBeNull();
    expect(await readMonthlyNotice(database.db, 'P-1005', 'CS24000101', OCTOBER)).toBeNull();
    expect(await readCoupon(database.db, 'P-1004', 'CS24000101')).toBeNull();
  });

  it("the monthly notice is the custodial parent's: Maria's October lists its 5 payments and 4 disbursements", async () => {
    const notice = await readMonthlyNotice(database.db, 'P-1001', 'CS24000101', OCTOBER);
    expect(notice?.payments.map((p) => p.receivedOn)).toEqual(['2026-10-02', '2026-10-09', '2026-10-18', '2026-10-24', '2026-10-31']);
    expect(notice?.paymentsCents).toBe(62500);
    expect(notice?.disbursements.map((d) => [d.issuedOn, d.amountCents])).toEqual([
      ['2026-10-06', 12500],
      ['2026-10-13', 12500],
      ['2026-10-20', 12500],
      ['2026-10-27', 12500],
    ]);
    expect(await readMonthlyNotice(database.db, 'P-1002', 'CS24000101', OCTOBER)).toBeNull();
  });

  it("the coupon is the paying parent's: James owes $125.00 on 2026-11-27", async () => {
    expect(await readCoupon(database.db, 'P-1002', 'CS24000101')).toMatchObject({ nextDueDate: '2026-11-27', nextDueAmountCents: 12500, balanceCents: 112500 });
    expect(await readCoupon(database.db, 'P-1001', 'CS24000101')).toBeNull();
  });

  it('a paper copy request is recorded with a reference number', async () => {
    const id = await createDocumentMailRequest(database.db, {
      personId: 'P-1007',
      caseNumber: 'CS22000404',
      kind: 'statement',
      params: { from: '2026-10-01', to: '2026-10-31', asOf: '2026-11-20' },
      locale: 'en',
      channel: 'sms',
    });
    expect(id).toBeGreaterThan(0);
    expect(await listDocumentMailRequests(database.db, 'P-1007')).toEqual([expect.objectContaining({ id, kind: 'statement', status: 'pending' })]);
  });
});

describe('months of a period', () => {
  it('lists every calendar month touched, across a year end', () => {
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual([
      { year: 2025, month: 11 },
      { year: 2025, month: 12 },
      { year: 2026, month: 1 },
      { year: 2026, month: 2 },
    ]);
  });
});
