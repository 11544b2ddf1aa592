/**
 * Loads a `child-support-demo/1` extract (db/demo/README.md). Validation names every problem by its
 * JSON path so whoever produced the file can fix it without reading code; the import is one
 * transaction and idempotent, so a failed or repeated load never leaves half an extract behind.
 * SSNs and PINs go in only as `hmacSsn` / `hashPin`, and no message here ever echoes a value.
 */
import { readFile } from 'node:fs/promises';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { LOCALES } from '../locales/i18n.js';
import { hashPin, hmacSsn, normalizeSsn, verifyPin } from './crypto.js';
import { AppError } from './errors.js';
import type { Database } from './schema.js';

export const SEED_FORMAT = 'child-support-demo/1';

/** The demo extract shipped with the project; what a fresh development start loads. */
export const DEMO_DATA_FILE = new URL('./demo/demo-data.json', import.meta.url);

/** Errors beyond this are counted, not listed: a wholly wrong file should not flood the terminal. */
const MAX_LISTED_ISSUES = 50;
/** Rows per INSERT, well under PostgreSQL's 65535 bind parameters for the widest table. */
const CHUNK = 1000;
const INT4_MAX = 2_147_483_647;

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const text = z.string({ error: 'expected a string' }).trim().min(1, { error: 'expected a non-empty string' });
const date = z.string({ error: 'expected a date YYYY-MM-DD' }).refine(isCalendarDate, { error: 'expected a date YYYY-MM-DD' });
const cents = z
  .int({ error: 'expected integer cents' })
  .min(-INT4_MAX, { error: 'amount out of range' })
  .max(INT4_MAX, { error: 'amount out of range' });
const nonNegativeCents = cents.min(0, { error: 'expected cents of 0 or more' });
const phone = z.string({ error: 'expected a phone number' }).regex(/^\+[1-9]\d{6,14}$/, {
  error: 'expected an E.164 phone number like +12125550101',
});
const email = z.email({ error: 'expected an email address' });
const ssn = z
  .string({ error: 'expected 9 digits' })
  .refine((value) => normalizeSsn(value) !== null, { error: 'expected 9 digits' })
  .transform((value) => normalizeSsn(value) ?? '');
const pin = z.string({ error: 'expected 5 digits' }).regex(/^\d{5}$/, { error: 'expected 5 digits' });

const signInAccount = z.strictObject({
  sub: text,
  username: text.optional(),
  password: text.optional(),
});

const office = z.strictObject({
  id: text,
  name: text,
  borough: text,
  email,
  phone,
  address: text,
  hours: text,
});

const person = z.strictObject({
  id: text,
  firstName: text,
  lastName: text,
  nativeName: z.strictObject({ firstName: text, lastName: text }).optional(),
  ssn,
  dateOfBirth: date,
  pin,
  preferredLanguage: z.enum(LOCALES),
  phone: phone.nullable().optional(),
  email: email.nullable().optional(),
  mailingAddress: z.strictObject({
    line1: text,
    line2: text.optional(),
    city: text,
    state: z.string().regex(/^[A-Z]{2}$/, { error: 'expected a two-letter state code' }),
    zip: z.string().regex(/^\d{5}(-\d{4})?$/, { error: 'expected a ZIP code' }),
  }),
  prefersTty: z.boolean().optional(),
  nygov: signInAccount.optional(),
});

const ledgerEntry = z.strictObject({
  date,
  type: z.enum(['charge', 'payment', 'adjustment']),
  amountCents: cents,
  description: text,
  paymentId: text.optional(),
});

const payment = z.strictObject({
  id: text,
  receivedOn: date,
  amountCents: nonNegativeCents,
  source: z.enum(['income_withholding', 'direct_payment', 'tax_refund_offset', 'unemployment_benefits']),
});

const disbursement = z.strictObject({
  id: text,
  paymentId: text.nullable().optional(),
  issuedOn: date,
  amountCents: nonNegativeCents,
  method: z.enum(['direct_deposit', 'debit_card', 'check']),
});

const caseSchema = z.strictObject({
  caseNumber: text,
  officeId: text,
  custodialParentId: text,
  noncustodialParentId: text,
  children: z.array(
    z.strictObject({
      firstName: text,
      birthYear: z.int({ error: 'expected a year' }).min(1900, { error: 'expected a year' }).max(2200, { error: 'expected a year' }),
    }),
  ),
  order: z.strictObject({
    amountCents: nonNegativeCents,
    frequency: z.enum(['weekly', 'biweekly', 'monthly']),
    startDate: date,
  }),
  account: z.strictObject({
    balanceCents: cents,
    nextDueDate: date.nullable(),
    nextDueAmountCents: nonNegativeCents.nullable(),
  }),
  ledger: z.array(ledgerEntry),
  payments: z.array(payment),
  disbursements: z.array(disbursement),
});

type Path = (string | number)[];
type AddIssue = (message: string, path: Path) => void;

function checkUnique<T>(items: readonly T[], keyOf: (item: T) => string, pathOf: (index: number) => Path, add: AddIssue): void {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const seen = first.get(key);
    if (seen === undefined) first.set(key, index);
    else add(`duplicate of ${formatJsonPath(pathOf(seen))}`, pathOf(index));
  });
}

const seedSchema = z
  .strictObject({
    format: z.literal(SEED_FORMAT, { error: `expected "${SEED_FORMAT}"` }),
    note: z.string().optional(),
    asOf: date,
    offices: z.array(office),
    people: z.array(person),
    unlinkedSignInAccounts: z.array(signInAccount).optional(),
    cases: z.array(caseSchema),
  })
  .superRefine((data, ctx) => {
    const add: AddIssue = (message, path) => ctx.addIssue({ code: 'custom', message, path });
    checkUnique(data.offices, (o) => o.id, (i) => ['offices', i, 'id'], add);
    checkUnique(data.people, (p) => p.id, (i) => ['people', i, 'id'], add);
    checkUnique(data.people, (p) => p.ssn, (i) => ['people', i, 'ssn'], add);
    checkUnique(data.cases, (c) => c.caseNumber, (i) => ['cases', i, 'caseNumber'], add);

    const subjects = [
      ...data.people.flatMap((p, i) => (p.nygov === undefined ? [] : [{ sub: p.nygov.sub, path: ['people', i, 'nygov', 'sub'] }])),
      ...(data.unlinkedSignInAccounts ?? []).map((a, i) => ({ sub: a.sub, path: ['unlinkedSignInAccounts', i, 'sub'] })),
    ];
    checkUnique(subjects, (s) => s.sub, (i) => subjects[i]?.path ?? [], add);

    const officeIds = new Set(data.offices.map((o) => o.id));
    const personIds = new Set(data.people.map((p) => p.id));
    const payments = data.cases.flatMap((c, ci) => c.payments.map((p, pi) => ({ id: p.id, path: ['cases', ci, 'payments', pi, 'id'] })));
    checkUnique(payments, (p) => p.id, (i) => payments[i]?.path ?? [], add);
    const disbursements = data.cases.flatMap((c, ci) =>
      c.disbursements.map((d, di) => ({ id: d.id, path: ['cases', ci, 'disbursements', di, 'id'] })),
    );
    checkUnique(disbursements, (d) => d.id, (i) => disbursements[i]?.path ?? [], add);

    data.cases.forEach((c, ci) => {
      if (!officeIds.has(c.officeId)) add('no office with this id', ['cases', ci, 'officeId']);
      if (!personIds.has(c.custodialParentId)) add('no person with this id', ['cases', ci, 'custodialParentId']);
      if (!personIds.has(c.noncustodialParentId)) add('no person with this id', ['cases', ci, 'noncustodialParentId']);
      if (c.custodialParentId === c.noncustodialParentId) {
        add('the custodial and noncustodial parent must differ', ['cases', ci, 'noncustodialParentId']);
      }
      const casePayments = new Set(c.payments.map((p) => p.id));
      c.ledger.forEach((entry, li) => {
        if (entry.paymentId !== undefined && !casePayments.has(entry.paymentId)) {
          add('no payment with this id in this case', ['cases', ci, 'ledger', li, 'paymentId']);
        }
        if (entry.type === 'payment' && entry.amountCents >= 0) {
          add('a payment is a credit: expected negative cents', ['cases', ci, 'ledger', li, 'amountCents']);
        }
        if (entry.type === 'charge' && entry.amountCents <= 0) {
          add('a charge is a debit: expected positive cents', ['cases', ci, 'ledger', li, 'amountCents']);
        }
      });
      c.disbursements.forEach((d, di) => {
        if (d.paymentId !== undefined && d.paymentId !== null && !casePayments.has(d.paymentId)) {
          add('no payment with this id in this case', ['cases', ci, 'disbursements', di, 'paymentId']);
        }
      });
      const ledgerSum = c.ledger.reduce((sum, entry) => sum + entry.amountCents, 0);
      if (ledgerSum !== c.account.balanceCents) {
        add(`expected the sum of the ledger (${ledgerSum})`, ['cases', ci, 'account', 'balanceCents']);
      }
      if ((c.account.nextDueDate === null) !== (c.account.nextDueAmountCents === null)) {
        add('nextDueDate and nextDueAmountCents are both set or both null', ['cases', ci, 'account', 'nextDueAmountCents']);
      }
    });
  });

export type SeedData = z.output<typeof seedSchema>;
export type SeedPerson = SeedData['people'][number];
export type SeedCase = SeedData['cases'][number];

/** `$.people[2].ssn`; keys that are not identifiers are bracketed and quoted. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function parseSeed(json: unknown): SeedData {
  const result = seedSchema.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${issue.message}`);
  const listed = lines.slice(0, MAX_LISTED_ISSUES);
  if (lines.length > listed.length) listed.push(`… and ${lines.length - listed.length} more`);
  throw new AppError('seed_invalid', `invalid ${SEED_FORMAT} data:\n${listed.join('\n')}`);
}

/** Reads and validates a seed file; a missing or non-JSON file is one clear `seed_invalid` line. */
export async function readSeedFile(file: string | URL): Promise<SeedData> {
  const name = file instanceof URL ? file.pathname : file;
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new AppError('seed_invalid', `${name}: cannot read the file (${code})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    // V8 sometimes quotes the offending text, which could be an SSN: report a position only.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
    let where = '';
    if (position?.[1] !== undefined) {
      const before = content.slice(0, Number(position[1])).split('\n');
      where = ` at line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1}`;
    }
    throw new AppError('seed_invalid', `${name}: not valid JSON${where}`);
  }
  return parseSeed(json);
}

export type SeedTable =
  | 'offices'
  | 'people'
  | 'accountPins'
  | 'cases'
  | 'caseParties'
  | 'children'
  | 'ledgerEntries'
  | 'payments'
  | 'disbursements';

export interface SeedSummary {
  readonly format: string;
  readonly asOf: string;
  /** Rows the file describes, per table; after the import each table holds at least these. */
  readonly counts: Readonly<Record<SeedTable, number>>;
  /** PIN hashes written: new people plus people whose PIN changed. Zero on a repeated import. */
  readonly pinsWritten: number;
  /** Rows of imported cases (children, ledger, payments, disbursements) that the file no longer has. */
  readonly rowsRemoved: number;
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Serializes concurrent imports (two instances starting on an empty database) without a table lock. */
const SEED_LOCK_ID = 7_242_026;

/**
 * Upserts by id. Offices, people and cases missing from the file are kept (identity links, messages
 * and the audit trail point at them); inside each case in the file, rows the file no longer lists
 * are removed. A PIN hash is kept while the file's PIN still verifies against it, so re-seeding
 * neither rotates hashes nor clears a lockout; a changed PIN is a fresh credential and resets both.
 */
export async function importSeed(db: Kysely<Database>, data: SeedData, opts: { ssnHmacKey: string }): Promise<SeedSummary> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK_ID})`.execute(trx);
    await writeExtract(trx, data);
    await upsertOffices(trx, data);
    await upsertPeople(trx, data, opts.ssnHmacKey);
    const pinsWritten = await upsertPins(trx, data.people);
    await upsertCases(trx, data);
    const rowsRemoved = await removeVanishedRows(trx, data.cases);
    await upsertCaseRows(trx, data.cases);
    return {
      format: data.format,
      asOf: data.asOf,
      counts: {
        offices: data.offices.length,
        people: data.people.length,
        accountPins: data.people.length,
        cases: data.cases.length,
        caseParties: data.cases.length * 2,
        children: data.cases.reduce((n, c) => n + c.children.length, 0),
        ledgerEntries: data.cases.reduce((n, c) => n + c.ledger.length, 0),
        payments: data.cases.reduce((n, c) => n + c.payments.length, 0),
        disbursements: data.cases.reduce((n, c) => n + c.disbursements.length, 0),
      },
      pinsWritten,
      rowsRemoved,
    };
  });
}

async function writeExtract(trx: Transaction<Database>, data: SeedData): Promise<void> {
  const rows = await trx.selectFrom('dataExtract').select(['format', 'asOf']).execute();
  const same = rows.length === 1 && rows[0]?.format === data.format && rows[0]?.asOf === data.asOf;
  // Keeping an unchanged row keeps loaded_at meaning "first loaded" and a re-import a true no-op.
  if (same) return;
  await trx.deleteFrom('dataExtract').execute();
  await trx.insertInto('dataExtract').values({ format: data.format, asOf: data.asOf }).execute();
}

async function upsertOffices(trx: Transaction<Database>, data: SeedData): Promise<void> {
  if (data.offices.length === 0) return;
  await trx
    .insertInto('offices')
    .values(data.offices.map((o) => ({ ...o })))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        borough: eb.ref('excluded.borough'),
        email: eb.ref('excluded.email'),
        phone: eb.ref('excluded.phone'),
        address: eb.ref('excluded.address'),
        hours: eb.ref('excluded.hours'),
      })),
    )
    .execute();
}

async function upsertPeople(trx: Transaction<Database>, data: SeedData, ssnHmacKey: string): Promise<void> {
  for (const part of chunks(data.people)) {
    await trx
      .insertInto('people')
      .values(
        part.map((p) => ({
          id: p.id,
          firstName: p.firstName,
          lastName: p.lastName,
          nativeFirstName: p.nativeName?.firstName ?? null,
          nativeLastName: p.nativeName?.lastName ?? null,
          ssnHmac: hmacSsn(ssnHmacKey, p.ssn),
          dateOfBirth: p.dateOfBirth,
          preferredLanguage: p.preferredLanguage,
          phone: p.phone ?? null,
          email: p.email ?? null,
          mailingAddress: JSON.stringify(p.mailingAddress),
          prefersTty: p.prefersTty ?? false,
        })),
      )
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          firstName: eb.ref('excluded.firstName'),
          lastName: eb.ref('excluded.lastName'),
          nativeFirstName: eb.ref('excluded.nativeFirstName'),
          nativeLastName: eb.ref('excluded.nativeLastName'),
          ssnHmac: eb.ref('excluded.ssnHmac'),
          dateOfBirth: eb.ref('excluded.dateOfBirth'),
          preferredLanguage: eb.ref('excluded.preferredLanguage'),
          phone: eb.ref('excluded.phone'),
          email: eb.ref('excluded.email'),
          mailingAddress: eb.ref('excluded.mailingAddress'),
          prefersTty: eb.ref('excluded.prefersTty'),
        })),
      )
      .execute();
  }
}

async function upsertPins(trx: Transaction<Database>, people: readonly SeedPerson[]): Promise<number> {
  if (people.length === 0) return 0;
  const stored = new Map<string, string>();
  for (const part of chunks(people)) {
    const rows = await trx
      .selectFrom('accountPins')
      .select(['personId', 'pinHash'])
      .where(
        'personId',
        'in',
        part.map((p) => p.id),
      )
      .execute();
    for (const row of rows) stored.set(row.personId, row.pinHash);
  }
  const fresh = await Promise.all(
    people.map(async (p) => {
      const existing = stored.get(p.id);
      if (existing !== undefined && (await verifyPin(p.pin, existing))) return null;
      return { personId: p.id, pinHash: await hashPin(p.pin) };
    }),
  );
  const rows = fresh.filter((row): row is { personId: string; pinHash: string } => row !== null);
  for (const part of chunks(rows)) {
    await trx
      .insertInto('accountPins')
      .values(part)
      .onConflict((oc) =>
        oc.column('personId').doUpdateSet((eb) => ({
          pinHash: eb.ref('excluded.pinHash'),
          failedAttempts: 0,
          lockedUntil: null,
          updatedAt: sql<Date>`now()`,
        })),
      )
      .execute();
  }
  return rows.length;
}

async function upsertCases(trx: Transaction<Database>, data: SeedData): Promise<void> {
  for (const part of chunks(data.cases)) {
    await trx
      .insertInto('cases')
      .values(
        part.map((c) => ({
          caseNumber: c.caseNumber,
          officeId: c.officeId,
          orderAmountCents: c.order.amountCents,
          orderFrequency: c.order.frequency,
          orderStartDate: c.order.startDate,
          balanceCents: c.account.balanceCents,
          nextDueDate: c.account.nextDueDate,
          nextDueAmountCents: c.account.nextDueAmountCents,
        })),
      )
      .onConflict((oc) =>
        oc.column('caseNumber').doUpdateSet((eb) => ({
          officeId: eb.ref('excluded.officeId'),
          orderAmountCents: eb.ref('excluded.orderAmountCents'),
          orderFrequency: eb.ref('excluded.orderFrequency'),
          orderStartDate: eb.ref('excluded.orderStartDate'),
          balanceCents: eb.ref('excluded.balanceCents'),
          nextDueDate: eb.ref('excluded.nextDueDate'),
          nextDueAmountCents: eb.ref('excluded.nextDueAmountCents'),
        })),
      )
      .execute();
    await trx
      .insertInto('caseParties')
      .values(
        part.flatMap((c) => [
          { caseNumber: c.caseNumber, personId: c.custodialParentId, role: 'custodial' as const },
          { caseNumber: c.caseNumber, personId: c.noncustodialParentId, role: 'noncustodial' as const },
        ]),
      )
      .onConflict((oc) => oc.columns(['caseNumber', 'role']).doUpdateSet((eb) => ({ personId: eb.ref('excluded.personId') })))
      .execute();
  }
}

async function removeVanishedRows(trx: Transaction<Database>, cases: readonly SeedCase[]): Promise<number> {
  let removed = 0;
  for (const c of cases) {
    const count = (result: { numDeletedRows: bigint }): number => Number(result.numDeletedRows);
    removed += count(
      await trx
        .deleteFrom('children')
        .where('caseNumber', '=', c.caseNumber)
        .where('seq', '>=', c.children.length)
        .executeTakeFirst(),
    );
    removed += count(
      await trx
        .deleteFrom('ledgerEntries')
        .where('caseNumber', '=', c.caseNumber)
        .where('seq', '>=', c.ledger.length)
        .executeTakeFirst(),
    );
    // Disbursements first: deleting a payment nulls the link of any disbursement still pointing at it.
    const disbursementIds = c.disbursements.map((d) => d.id);
    let disbursements = trx.deleteFrom('disbursements').where('caseNumber', '=', c.caseNumber);
    if (disbursementIds.length > 0) disbursements = disbursements.where('id', 'not in', disbursementIds);
    removed += count(await disbursements.executeTakeFirst());
    const paymentIds = c.payments.map((p) => p.id);
    let payments = trx.deleteFrom('payments').where('caseNumber', '=', c.caseNumber);
    if (paymentIds.length > 0) payments = payments.where('id', 'not in', paymentIds);
    removed += count(await payments.executeTakeFirst());
  }
  return removed;
}

async function upsertCaseRows(trx: Transaction<Database>, cases: readonly SeedCase[]): Promise<void> {
  const children = cases.flatMap((c) =>
    c.children.map((child, seq) => ({ caseNumber: c.caseNumber, seq, firstName: child.firstName, birthYear: child.birthYear })),
  );
  for (const part of chunks(children)) {
    await trx
      .insertInto('children')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['caseNumber', 'seq']).doUpdateSet((eb) => ({
          firstName: eb.ref('excluded.firstName'),
          birthYear: eb.ref('excluded.birthYear'),
        })),
      )
      .execute();
  }

  const ledger = cases.flatMap((c) =>
    c.ledger.map((entry, seq) => ({
      caseNumber: c.caseNumber,
      seq,
      entryDate: entry.date,
      type: entry.type,
      amountCents: entry.amountCents,
      description: entry.description,
      paymentId: entry.paymentId ?? null,
    })),
  );
  for (const part of chunks(ledger)) {
    await trx
      .insertInto('ledgerEntries')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['caseNumber', 'seq']).doUpdateSet((eb) => ({
          entryDate: eb.ref('excluded.entryDate'),
          type: eb.ref('excluded.type'),
          amountCents: eb.ref('excluded.amountCents'),
          description: eb.ref('excluded.description'),
          paymentId: eb.ref('excluded.paymentId'),
        })),
      )
      .execute();
  }

  const payments = cases.flatMap((c) => c.payments.map((p) => ({ ...p, caseNumber: c.caseNumber })));
  for (const part of chunks(payments)) {
    await trx
      .insertInto('payments')
      .values(part)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          caseNumber: eb.ref('excluded.caseNumber'),
          receivedOn: eb.ref('excluded.receivedOn'),
          amountCents: eb.ref('excluded.amountCents'),
          source: eb.ref('excluded.source'),
        })),
      )
      .execute();
  }

  const disbursements = cases.flatMap((c) =>
    c.disbursements.map((d) => ({
      id: d.id,
      caseNumber: c.caseNumber,
      paymentId: d.paymentId ?? null,
      issuedOn: d.issuedOn,
      amountCents: d.amountCents,
      method: d.method,
    })),
  );
  for (const part of chunks(disbursements)) {
    await trx
      .insertInto('disbursements')
      .values(part)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          caseNumber: eb.ref('excluded.caseNumber'),
          paymentId: eb.ref('excluded.paymentId'),
          issuedOn: eb.ref('excluded.issuedOn'),
          amountCents: eb.ref('excluded.amountCents'),
          method: eb.ref('excluded.method'),
        })),
      )
      .execute();
  }
}

/** The first start of a development instance gets the demo data; an instance with people never does. */
export async function seedDemoIfEmpty(db: Kysely<Database>, opts: { ssnHmacKey: string }): Promise<boolean> {
  const existing = await db.selectFrom('people').select('id').limit(1).executeTakeFirst();
  if (existing !== undefined) return false;
  const data = await readSeedFile(DEMO_DATA_FILE);
  await importSeed(db, data, opts);
  return true;
}

/** The date balances are reported "as of"; null before any extract was loaded. */
export async function currentAsOf(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('dataExtract').select('asOf').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.asOf ?? null;
}
