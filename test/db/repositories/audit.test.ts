import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listAudit, recordAudit } from '../../../db/repositories/audit.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';

describe.each(databaseKinds())('audit repository on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it('records entries and lists them oldest first, filtered by person and action', async () => {
    await recordAudit(t.db, { action: 'pin_verify', outcome: 'failure', personId: 'P-1', channel: 'web', detail: { attempt: 2 } });
    await recordAudit(t.db, { action: 'pin_verify', outcome: 'success', personId: 'P-1' });
    await recordAudit(t.db, {
      action: 'nygov_link',
      outcome: 'success',
      personId: 'P-2',
      identityIssuer: 'https://idp.example',
      identitySubject: 'sub-2',
      conversationHash: 'abc',
      caseNumber: 'CS1',
    });

    const all = await listAudit(t.db);
    expect(all.map((e) => [e.action, e.outcome])).toEqual([
      ['pin_verify', 'failure'],
      ['pin_verify', 'success'],
      ['nygov_link', 'success'],
    ]);
    expect(typeof all[0]?.id).toBe('number');
    expect(all[0]?.at).toBeInstanceOf(Date);
    expect(all[0]?.detail).toEqual({ attempt: 2 });
    expect(all[1]?.detail).toEqual({});
    expect(all[1]?.channel).toBeNull();
    expect(all[2]).toMatchObject({ identityIssuer: 'https://idp.example', identitySubject: 'sub-2', conversationHash: 'abc', caseNumber: 'CS1' });

    expect((await listAudit(t.db, { personId: 'P-1' })).map((e) => e.outcome)).toEqual(['failure', 'success']);
    expect((await listAudit(t.db, { action: 'nygov_link' })).map((e) => e.personId)).toEqual(['P-2']);
    expect(await listAudit(t.db, { personId: 'P-2', action: 'pin_verify' })).toEqual([]);
  });

  it('works inside a transaction that rolls back', async () => {
    await t.db
      .transaction()
      .execute(async (trx) => {
        await recordAudit(trx, { action: 'rolled_back', outcome: 'x' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await listAudit(t.db, { action: 'rolled_back' })).toEqual([]);
  });
});
