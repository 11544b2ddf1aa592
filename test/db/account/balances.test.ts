import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readBalances } from '../../../db/account/balances.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

describe.each(databaseKinds())('balance read model on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  });

  afterAll(async () => {
    await database.close();
  });

  it('the ledger summed up to the as-of date equals the extract balance, for every case', async () => {
    const people = await database.db.selectFrom('people').select('id').execute();
    let checked = 0;
    for (const { id } of people) {
      const view = await readBalances(database.db, id);
      expect(view.asOf).toBe('2026-11-20');
      for (const item of view.cases) {
        expect({ case: item.caseNumber, cents: item.balanceCents }).toEqual({ case: item.caseNumber, cents: item.reportedBalanceCents });
        checked += 1;
      }
    }
    expect(checked).toBe(10);
  });

  it('ignores ledger entries after the as-of date', async () => {
    await database.db
      .insertInto('ledgerEntries')
      .values({ caseNumber: 'CS26000505', seq: 999, entryDate: '2026-11-21', type: 'charge', amountCents: 5000, description: 'later' })
      .execute();
    const view = await readBalances(database.db, 'P-1008');
    expect(view.cases[0]?.balanceCents).toBe(40000);
    await database.db.deleteFrom('ledgerEntries').where('caseNumber', '=', 'CS26000505').where('seq', '=', 999).execute();
  });

  it('returns only the person\'s own cases, with their role', async () => {
    const robert = await readBalances(database.db, 'P-1006');
    expect(robert.cases.map((c) => [c.caseNumber, c.role, c.balanceCents])).toEqual([
      ['CS22000404', 'noncustodial', 195000],
      ['CS25000303', 'noncustodial', 42000],
    ]);
    const maria = await readBalances(database.db, 'P-1001');
    expect(maria.cases).toEqual([
      { caseNumber: 'CS24000101', role: 'custodial', balanceCents: 112500, reportedBalanceCents: 112500, nextDueDate: '2026-11-27', nextDueAmountCents: 12500 },
    ]);
    expect((await readBalances(database.db, 'nobody')).cases).toEqual([]);
  });
});
