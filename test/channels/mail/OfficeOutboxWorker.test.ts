/**
 * The office outbox worker against a real database (both engines) and nodemailer's real SMTP
 * transport talking to a local SMTP server: each message delivered exactly once by racing workers,
 * a message left by a worker killed mid-send taken again after its lease, retries with a doubling
 * delay, the give-up with the agency's alert, and the worker's own start, kick, poll and stop.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FileOrSmtpMailer } from '../../../channels/mail/FileOrSmtpMailer.js';
import { backoffMs, DEFAULT_OUTBOX_SETTINGS, OfficeOutboxWorker, type OutboxSettings } from '../../../channels/mail/OfficeOutboxWorker.js';
import { createLogger } from '../../../channels/logger.js';
import { listAudit } from '../../../db/repositories/audit.js';
import { claimOfficeMessage, findOfficeMessage, listOfficeMessages, queueOfficeMessage, REFERENCE_PATTERN } from '../../../db/repositories/officeMessages.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import type { OfficeMessageRequest } from '../../../dialogs/office/ports.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../helpers/database.js';
import { startSmtp, type SmtpServer } from '../../helpers/smtp.js';

const FROM = 'assistant@childsupport.example.gov';
const START = new Date('2026-11-21T15:00:00Z');
const SETTINGS: Partial<OutboxSettings> = { leaseMs: 60_000, baseDelayMs: 30_000, maxDelayMs: 120_000, maxAttempts: 4 };

let requests = 0;
function request(overrides: Partial<OfficeMessageRequest> = {}): OfficeMessageRequest {
  requests += 1;
  return {
    idempotencyKey: `confirm-${requests}-${Math.random()}`,
    officeId: 'bronx',
    personId: 'P-1001',
    caseNumber: 'CS24000101',
    channel: 'directline',
    channelKind: 'web',
    locale: 'zh-Hans',
    body: `Please call me back (${requests})`,
    ...overrides,
  };
}

/** The reference in a received message's Message-ID header. */
function messageIdReference(data: string): string | undefined {
  return /^Message-ID: <([^@>]+)@childsupport\.example\.gov>$/m.exec(data)?.[1];
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('backs off by doubling from the base, capped', () => {
  const settings = { baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 };
  expect([1, 2, 3, 4, 5, 6, 7, 8, 60].map((n) => backoffMs(n, settings) / 1000)).toEqual([30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
  expect(DEFAULT_OUTBOX_SETTINGS.pollMs).toBeLessThanOrEqual(5_000);
  expect(DEFAULT_OUTBOX_SETTINGS.leaseMs).toBeGreaterThan(20_000);
});

describe.each(databaseKinds())('the office outbox worker on %s', (kind) => {
  let database: TestDatabase;
  let smtp: SmtpServer;
  let mailer: FileOrSmtpMailer;
  let clock: Date;
  const logLines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void logLines.push(line) } });
  const now = (): Date => clock;
  const advance = (ms: number): void => {
    clock = new Date(clock.getTime() + ms);
  };
  const worker = (settings: Partial<OutboxSettings> = SETTINGS): OfficeOutboxWorker =>
    new OfficeOutboxWorker({ db: database.db, mailer, logger, now, settings });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
    smtp = await startSmtp();
    mailer = new FileOrSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM, dir: 'unused' });
  });
  afterAll(async () => {
    await smtp.close();
    await database.close();
  });
  beforeEach(async () => {
    clock = START;
    smtp.received.splice(0);
    smtp.failNext(0);
    logLines.splice(0);
    await database.db.deleteFrom('officeMessages').execute();
  });

  it('two workers racing deliver each message exactly once, with its reference as Message-ID', async () => {
    const a = worker();
    const b = worker();
    const queued = [];
    for (let i = 0; i < 10; i++) queued.push(await a.queue(request()));
    const [byA, byB] = await Promise.all([a.drain(), b.drain()]);
    expect(byA + byB).toBe(10);
    expect(smtp.received.map((m) => messageIdReference(m.data)).sort()).toEqual(queued.map((q) => q.reference).sort());
    for (const q of queued) expect(q.reference).toMatch(REFERENCE_PATTERN);
    const rows = await listOfficeMessages(database.db);
    expect(rows.map((r) => [r.status, r.attempts, r.leaseUntil])).toEqual(rows.map(() => ['sent', 1, null]));
    const [first] = smtp.received;
    expect(first?.to).toEqual(['bronx.childsupport@example.gov']);
    expect(first?.data).toContain('Maria Lopez');
    expect(first?.data).toContain('Chinese (Simplified)');
    expect(first?.data).toMatch(/^X-Office-Reference: OCS-/m);
    expect(await a.drain()).toBe(0);
  });

  it('a worker killed after claiming: after the lease runs out another worker sends it, once', async () => {
    const { reference, id } = await worker().queue(request());
    // The first worker claims, then dies before sending: the lease is all that is left of it.
    expect((await claimOfficeMessage(database.db, { now: clock, leaseMs: SETTINGS.leaseMs ?? 0 }))?.id).toBe(id);
    const other = worker();
    expect(await other.drain()).toBe(0);
    advance((SETTINGS.leaseMs ?? 0) - 1);
    expect(await other.drain()).toBe(0);
    advance(2);
    expect(await other.drain()).toBe(1);
    expect(smtp.received.map((m) => messageIdReference(m.data))).toEqual([reference]);
    expect(await findOfficeMessage(database.db, id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await other.drain()).toBe(0);
  });

  it('a failing server: retried after 30 s, then 60 s, then delivered once; each failure logged with code and reference', async () => {
    const w = worker();
    const { id, reference } = await w.queue(request());
    smtp.failNext(2);
    expect(await w.drain()).toBe(1);
    const first = await findOfficeMessage(database.db, id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null });
    expect(first?.lastError).toMatch(/^E[A-Z]+$/);
    expect(first?.nextAttemptAt.getTime()).toBe(START.getTime() + 30_000);
    advance(29_999);
    expect(await w.drain()).toBe(0);
    advance(1);
    expect(await w.drain()).toBe(1);
    expect((await findOfficeMessage(database.db, id))?.nextAttemptAt.getTime()).toBe(clock.getTime() + 60_000);
    advance(60_000);
    expect(await w.drain()).toBe(1);
    expect(smtp.deferred()).toBeGreaterThanOrEqual(2);
    expect(smtp.received.map((m) => messageIdReference(m.data))).toEqual([reference]);
    expect(await findOfficeMessage(database.db, id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const retries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'office_message_retry');
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ level: 'warn', code: first?.lastError, reference });
    const audit = await listAudit(database.db, { personId: 'P-1001', action: 'office_message' });
    expect(audit.at(-1)).toMatchObject({ outcome: 'sent', detail: { reference, attempts: 3 } });
  });

  it('after the last attempt the message is failed, and the agency is alerted by an error log with the code and the reference only', async () => {
    const w = worker();
    const { id, reference } = await w.queue(request({ body: 'my private words' }));
    smtp.failNext(100);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await w.drain()).toBe(1);
      advance(backoffMs(attempt, { baseDelayMs: 30_000, maxDelayMs: 120_000 }));
    }
    expect(await w.drain()).toBe(0);
    advance(24 * 3600_000);
    expect(await w.drain()).toBe(0);
    const row = await findOfficeMessage(database.db, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, sentAt: null, leaseUntil: null });
    expect(smtp.received).toHaveLength(0);
    const alerts = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 'error');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ event: 'office_message_failed', code: row?.lastError, reference });
    // Nothing else of the message: no office, no parent, no case, no words, no address.
    const { event, code, msg, level, time, service, ...rest } = alerts[0] ?? {};
    expect([event, code, msg, level, time, service].every((v) => typeof v === 'string')).toBe(true);
    expect(Object.values(rest).join(' ')).not.toMatch(/bronx|Maria|P-1001|CS24000101|private/i);
    expect(logLines.join('\n')).not.toMatch(/private words|bronx|Maria|P-1001/);
    const audit = await listAudit(database.db, { personId: 'P-1001', action: 'office_message' });
    expect(audit.at(-1)).toMatchObject({ outcome: 'failed', detail: { reference, error: row?.lastError } });
  });

  it('a message whose last attempt died with its lease is given up, not sent a fifth time', async () => {
    const { id, reference } = await worker().queue(request());
    for (let claim = 0; claim < 4; claim++) {
      await claimOfficeMessage(database.db, { now: clock, leaseMs: 1_000 });
      advance(1_001);
    }
    expect(await worker().drain()).toBe(1);
    expect(await findOfficeMessage(database.db, id)).toMatchObject({ status: 'failed', lastError: 'lease_expired', attempts: 5 });
    expect(smtp.received).toHaveLength(0);
    expect(logLines.join('\n')).toContain(reference);
  });

  it('started, it sends a new message at once (kicked), finds one another instance queued (polled), and stops cleanly', async () => {
    const kicked = worker({ ...SETTINGS, pollMs: 60_000 });
    // Left from before the start, as after a restart: the first look sends it.
    const left = await kicked.queue(request());
    kicked.start();
    await until(() => smtp.received.length === 1);
    const fresh = await kicked.queue(request());
    await until(() => smtp.received.length === 2);
    expect(smtp.received.map((m) => messageIdReference(m.data))).toEqual([left.reference, fresh.reference]);
    await kicked.stop();

    const polling = worker({ ...SETTINGS, pollMs: 50 });
    polling.start();
    // Queued through the repository, as another instance does: no kick reaches this worker.
    const elsewhere = await queueOfficeMessage(database.db, { ...request(), now: clock });
    await until(() => smtp.received.length === 3);
    expect(messageIdReference(smtp.received[2]?.data ?? '')).toBe(elsewhere.message.reference);

    await polling.stop();
    const after = await polling.queue(request());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toHaveLength(3);
    expect((await findOfficeMessage(database.db, after.id))?.status).toBe('pending');
  });
});
