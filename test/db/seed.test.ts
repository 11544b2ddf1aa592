import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { verifyPin, hmacSsn } from '../../db/crypto.js';
import { isAppError } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import {
  DEMO_DATA_FILE,
  currentAsOf,
  formatJsonPath,
  importSeed,
  parseSeed,
  seedDemoIfEmpty,
  type SeedData,
} from '../../db/seed.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

const KEY = 'test-ssn-hmac-key-0123456789abcdef0123';

interface RawPerson {
  id: string;
  ssn: string;
  pin: string;
  [field: string]: unknown;
}
interface RawCase {
  caseNumber: string;
  ledger: { amountCents: number; [field: string]: unknown }[];
  payments: { id: string; [field: string]: unknown }[];
  disbursements: { paymentId?: string; [field: string]: unknown }[];
  account: { balanceCents: number; [field: string]: unknown };
  [field: string]: unknown;
}
interface RawSeed {
  people: RawPerson[];
  cases: RawCase[];
  [field: string]: unknown;
}

function demoJson(): RawSeed {
  return JSON.parse(readFileSync(DEMO_DATA_FILE, 'utf8')) as RawSeed;
}

function seedError(json: unknown): string {
  try {
    parseSeed(json);
  } catch (error) {
    expect(isAppError(error, 'seed_invalid')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('parseSeed accepted invalid data');
}

describe('formatJsonPath', () => {
  it('writes zod paths as JSON paths', () => {
    expect(formatJsonPath([])).toBe('$');
    expect(formatJsonPath(['people', 2, 'ssn'])).toBe('$.people[2].ssn');
    expect(formatJsonPath(['a b', 0, 'x-y'])).toBe('$["a b"][0]["x-y"]');
  });
});

describe('parseSeed', () => {
  it('accepts the demo file', () => {
    const data = parseSeed(demoJson());
    expect(data.people).toHaveLength(9);
    expect(data.people[0]?.ssn).toBe('900111001');
  });

  it.each<[string, (d: RawSeed) => void, string]>([
    ['a short SSN', (d) => void (d.people[2]!.ssn = '900-11-10'), '$.people[2].ssn: expected 9 digits'],
    ['a 4-digit PIN', (d) => void (d.people[0]!.pin = '1234'), '$.people[0].pin: expected 5 digits'],
    ['a numeric PIN', (d) => void ((d.people[1] as Record<string, unknown>).pin = 24680), '$.people[1].pin: expected 5 digits'],
    ['an impossible date', (d) => void (d.asOf = '2026-02-30'), '$.asOf: expected a date YYYY-MM-DD'],
    ['an unknown language', (d) => void (d.people[4]!.preferredLanguage = 'fr'), '$.people[4].preferredLanguage:'],
    ['fractional cents', (d) => void (d.cases[0]!.ledger[3]!.amountCents = 12.5), '$.cases[0].ledger[3].amountCents: expected integer cents'],
    ['an unknown office', (d) => void (d.cases[1]!.officeId = 'atlantis'), '$.cases[1].officeId: no office with this id'],
    ['an unknown parent', (d) => void (d.cases[2]!.noncustodialParentId = 'P-0000'), '$.cases[2].noncustodialParentId: no person with this id'],
    [
      'an unknown payment id',
      (d) => void (d.cases[0]!.disbursements[1]!.paymentId = 'PMT-NOPE'),
      '$.cases[0].disbursements[1].paymentId: no payment with this id in this case',
    ],
    ['a duplicate SSN', (d) => void (d.people[3]!.ssn = d.people[1]!.ssn), '$.people[3].ssn: duplicate of $.people[1].ssn'],
    ['a wrong format', (d) => void (d.format = 'child-support-demo/2'), '$.format: expected "child-support-demo/1"'],
    ['a missing array', (d) => void delete d.offices, '$.offices:'],
    ['a misspelt field', (d) => void (d.people[0]!.prefersTTY = true), '$.people[0]:'],
    [
      'a balance that is not the ledger sum',
      (d) => void (d.cases[3]!.account.balanceCents += 1),
      '$.cases[3].account.balanceCents: expected the sum of the ledger',
    ],
  ])('names the JSON path of %s', (_name, mutate, expected) => {
    const data = demoJson();
    mutate(data);
    expect(seedError(data)).toContain(expected);
  });

  it('lists several problems at once without echoing any SSN or PIN', () => {
    const data = demoJson();
    data.people[2]!.ssn = '900-11-10034';
    data.people[5]!.pin = '123456';
    data.asOf = 'yesterday';
    const message = seedError(data);
    expect(message).toContain('$.people[2].ssn: expected 9 digits');
    expect(message).toContain('$.people[5].pin: expected 5 digits');
    expect(message).toContain('$.asOf: expected a date');
    expect(message).not.toMatch(/900-?11-?1003|123456|90011100/);
  });

  it.each([null, [], 'text', 42])('rejects a non-object %j at $', (json) => {
    expect(seedError(json)).toMatch(/^invalid child-support-demo\/1 data:\n\$: /);
  });
});

const TABLES = ['offices', 'people', 'accountPins', 'cases', 'caseParties', 'children', 'ledgerEntries', 'payments', 'disbursements'] as const;

async function count(db: Kysely<Database>, table: (typeof TABLES)[number]): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function userTables(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' order by tablename`.execute(db);
  return result.rows.map((r) => r.tablename);
}

/** Every row of every table, as sorted JSON, so two dumps compare equal only if nothing changed. */
async function dump(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await userTables(db)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = rows.rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

/** Every text-like value in the database, with where it was found. */
async function textValues(db: Kysely<Database>): Promise<{ where: string; value: string }[]> {
  // CamelCasePlugin hands result columns back camelCased.
  const columns = await sql<{ tableName: string; columnName: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_%'
      and data_type in ('text', 'character varying', 'character', 'json', 'jsonb')`.execute(db);
  expect(columns.rows.length).toBeGreaterThan(20);
  const values: { where: string; value: string }[] = [];
  for (const { tableName: table, columnName: column } of columns.rows) {
    const rows = await sql<{ v: string | null }>`select ${sql.ref(column)}::text as v from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) if (row.v !== null) values.push({ where: `${table}.${column}`, value: row.v });
  }
  return values;
}

function secretHits(values: { where: string; value: string }[], data: SeedData, raw: RawSeed): string[] {
  const hits: string[] = [];
  for (const [i, person] of data.people.entries()) {
    const dashed = raw.people[i]!.ssn;
    const pinToken = new RegExp(`(?<![0-9A-Za-z+/])${person.pin}(?![0-9A-Za-z+/])`);
    for (const { where, value } of values) {
      if (value.includes(person.ssn) || value.includes(dashed)) hits.push(`${where}: SSN of ${person.id}`);
      if (pinToken.test(value)) hits.push(`${where}: PIN of ${person.id}`);
    }
  }
  return hits;
}

describe.each(databaseKinds())('importSeed on %s', (kind) => {
  let t: TestDatabase;
  const raw = demoJson();
  const data = parseSeed(raw);
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it('imports every row the file describes', async () => {
    const summary = await importSeed(t.db, data, { ssnHmacKey: KEY });
    const expected = {
      offices: 5,
      people: 9,
      accountPins: 9,
      cases: 5,
      caseParties: 10,
      children: raw.cases.reduce((n, c) => n + (c.children as unknown[]).length, 0),
      ledgerEntries: raw.cases.reduce((n, c) => n + c.ledger.length, 0),
      payments: raw.cases.reduce((n, c) => n + c.payments.length, 0),
      disbursements: raw.cases.reduce((n, c) => n + c.disbursements.length, 0),
    };
    expect(summary.counts).toEqual(expected);
    expect(summary.pinsWritten).toBe(9);
    for (const table of TABLES) expect([table, await count(t.db, table)]).toEqual([table, expected[table]]);
    expect(await count(t.db, 'ledgerEntries')).toBe(666);
    expect(await currentAsOf(t.db)).toBe('2026-11-20');
    expect(await t.db.selectFrom('identityLinks').selectAll().execute()).toEqual([]);
  });

  it('stores the SSN as its HMAC and the PIN as a verifiable hash', async () => {
    const maria = await t.db.selectFrom('people').selectAll().where('id', '=', 'P-1001').executeTakeFirstOrThrow();
    expect(maria.ssnHmac).toBe(hmacSsn(KEY, '900111001'));
    expect(maria.mailingAddress).toEqual({ line1: '496 Demo Street', city: 'New York', state: 'NY', zip: '10029' });
    expect(maria.dateOfBirth).toBe('1988-04-12');
    const wei = await t.db.selectFrom('people').selectAll().where('id', '=', 'P-1003').executeTakeFirstOrThrow();
    expect([wei.nativeLastName, wei.nativeFirstName, wei.preferredLanguage]).toEqual(['李', '伟', 'zh-Hans']);
    const pin = await t.db.selectFrom('accountPins').selectAll().where('personId', '=', 'P-1001').executeTakeFirstOrThrow();
    await expect(verifyPin('24680', pin.pinHash)).resolves.toBe(true);
    const parties = await t.db.selectFrom('caseParties').selectAll().where('caseNumber', '=', 'CS24000101').orderBy('role').execute();
    expect(parties).toEqual([
      { caseNumber: 'CS24000101', personId: 'P-1001', role: 'custodial' },
      { caseNumber: 'CS24000101', personId: 'P-1002', role: 'noncustodial' },
    ]);
    const ledger = await t.db.selectFrom('ledgerEntries').selectAll().where('caseNumber', '=', 'CS24000101').orderBy('seq').limit(2).execute();
    expect(ledger[1]).toEqual({
      caseNumber: 'CS24000101',
      seq: 1,
      entryDate: '2024-01-07',
      type: 'payment',
      amountCents: -12500,
      description: 'Payment received',
      paymentId: 'PMT-10001',
    });
  });

  it('keeps no SSN (digits or dashed) or PIN in clear in any text or jsonb column', async () => {
    const values = await textValues(t.db);
    expect(secretHits(values, data, raw)).toEqual([]);
  });

  it('would notice a PIN or SSN planted anywhere (the scan can fail)', async () => {
    await t.db
      .insertInto('botState')
      .values({ key: 'planted', document: JSON.stringify({ note: `pin ${data.people[0]!.pin}`, s: raw.people[1]!.ssn }), etag: 'x', updatedAt: new Date() })
      .execute();
    const hits = secretHits(await textValues(t.db), data, raw);
    await t.db.deleteFrom('botState').where('key', '=', 'planted').execute();
    expect(hits).toEqual(['bot_state.document: PIN of P-1001', 'bot_state.document: SSN of P-1002']);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await dump(t.db);
    const summary = await importSeed(t.db, data, { ssnHmacKey: KEY });
    expect(summary.pinsWritten).toBe(0);
    expect(summary.rowsRemoved).toBe(0);
    expect(await dump(t.db)).toEqual(before);
  });

  it('keeps a lockout on re-import, and a changed PIN replaces the hash and resets it', async () => {
    const lockedUntil = new Date('2030-01-01T00:00:00Z');
    await t.db.updateTable('accountPins').set({ failedAttempts: 3, lockedUntil }).where('personId', 'in', ['P-1001', 'P-1002']).execute();
    const before = await t.db.selectFrom('accountPins').selectAll().orderBy('personId').execute();
    await importSeed(t.db, data, { ssnHmacKey: KEY });
    expect(await t.db.selectFrom('accountPins').selectAll().orderBy('personId').execute()).toEqual(before);

    const changed = demoJson();
    changed.people[0]!.pin = '55555';
    const summary = await importSeed(t.db, parseSeed(changed), { ssnHmacKey: KEY });
    expect(summary.pinsWritten).toBe(1);
    const maria = await t.db.selectFrom('accountPins').selectAll().where('personId', '=', 'P-1001').executeTakeFirstOrThrow();
    await expect(verifyPin('55555', maria.pinHash)).resolves.toBe(true);
    await expect(verifyPin('24680', maria.pinHash)).resolves.toBe(false);
    expect([maria.failedAttempts, maria.lockedUntil]).toEqual([0, null]);
    const james = await t.db.selectFrom('accountPins').selectAll().where('personId', '=', 'P-1002').executeTakeFirstOrThrow();
    expect(james).toEqual(before.find((row) => row.personId === 'P-1002'));
  });

  it('removes rows of a case that vanished from the file, and only of that case', async () => {
    const changed = demoJson();
    const target = changed.cases[0]!;
    const lastPayment = target.payments.pop()!;
    const ledgerIndex = target.ledger.findIndex((e) => e.paymentId === lastPayment.id);
    const [removedEntry] = target.ledger.splice(ledgerIndex, 1);
    target.account.balanceCents -= removedEntry!.amountCents;
    const disbursementsBefore = target.disbursements.length;
    target.disbursements = target.disbursements.filter((d) => d.paymentId !== lastPayment.id);
    const removedDisbursements = disbursementsBefore - target.disbursements.length;
    (target.children as unknown[]).length = 0;

    const summary = await importSeed(t.db, parseSeed(changed), { ssnHmacKey: KEY });
    // The ledger is keyed by position, so one fewer entry removes exactly one row.
    expect(summary.rowsRemoved).toBe(1 + 1 + removedDisbursements + 1);
    expect(await count(t.db, 'ledgerEntries')).toBe(665);
    expect(await count(t.db, 'payments')).toBe(316);
    expect(await t.db.selectFrom('payments').select('id').where('id', '=', lastPayment.id).execute()).toEqual([]);
    expect(await t.db.selectFrom('children').select('seq').where('caseNumber', '=', target.caseNumber).execute()).toEqual([]);
    expect(await count(t.db, 'children')).toBe(5);
    const ledger = await t.db.selectFrom('ledgerEntries').select(['seq', 'amountCents']).where('caseNumber', '=', target.caseNumber).orderBy('seq').execute();
    expect(ledger.map((e) => e.amountCents)).toEqual(target.ledger.map((e) => e.amountCents));
    const c = await t.db.selectFrom('cases').selectAll().where('caseNumber', '=', target.caseNumber).executeTakeFirstOrThrow();
    expect(c.balanceCents).toBe(target.account.balanceCents);

    // And back to the original file restores the original rows.
    await importSeed(t.db, parseSeed(demoJson()), { ssnHmacKey: KEY });
    for (const table of TABLES) expect(await count(t.db, table)).toBeGreaterThan(0);
    expect(await count(t.db, 'ledgerEntries')).toBe(666);
    expect(await count(t.db, 'children')).toBe(6);
  });

  it('rolls the whole import back when the database refuses a row', async () => {
    const before = await dump(t.db);
    const broken = parseSeed(demoJson());
    // Passes validation but breaks a CHECK constraint: an order amount below zero.
    const bad: SeedData = { ...broken, cases: broken.cases.map((c, i) => (i === 4 ? { ...c, order: { ...c.order, amountCents: -1 } } : c)) };
    const changedOffice: SeedData = { ...bad, offices: bad.offices.map((o, i) => (i === 0 ? { ...o, name: 'Renamed' } : o)) };
    await expect(importSeed(t.db, changedOffice, { ssnHmacKey: KEY })).rejects.toThrow();
    expect(await dump(t.db)).toEqual(before);
  });
});

describe.each(databaseKinds())('seedDemoIfEmpty on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it('loads the demo file into an empty database once only', async () => {
    expect(await currentAsOf(t.db)).toBeNull();
    await expect(seedDemoIfEmpty(t.db, { ssnHmacKey: KEY })).resolves.toBe(true);
    expect(await count(t.db, 'people')).toBe(9);
    expect(await currentAsOf(t.db)).toBe('2026-11-20');
    const pins = await t.db.selectFrom('accountPins').select(['personId', 'pinHash']).orderBy('personId').execute();
    await expect(seedDemoIfEmpty(t.db, { ssnHmacKey: KEY })).resolves.toBe(false);
    expect(await t.db.selectFrom('accountPins').select(['personId', 'pinHash']).orderBy('personId').execute()).toEqual(pins);
  });
});
