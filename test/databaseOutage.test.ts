/**
 * A dropped or hung database must not kill the process (issue 8, item 1): the pool survives a
 * terminated backend, the failed turn gets the calm helpline answer in the parent's language,
 * /readyz says 503 while the database is unreachable, and everything recovers without a restart.
 * Run against a real PostgreSQL server (a throwaway database) whenever DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../db/connect.js';
import { AppError } from '../db/errors.js';
import { databaseErrorCode, isBrokenConnection, isDatabaseOutage } from '../db/health.js';
import { sayIn } from '../dialogs/messages.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';
import { createServerDatabase, databaseKinds } from './helpers/database.js';
import { DirectLineClient } from './helpers/directline.js';

describe('what counts as the database being unavailable', () => {
  it('takes lost connections, refusals and timeouts for an outage, and query mistakes for none', () => {
    const withCode = (code: string): Error => Object.assign(new Error('x'), { code });
    for (const error of [withCode('57P01'), withCode('57014'), withCode('08006'), withCode('ECONNREFUSED'), new Error('Query read timeout'), new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect')]) {
      expect(isDatabaseOutage(error)).toBe(true);
    }
    for (const error of [withCode('23505'), withCode('42P01'), new Error('syntax'), 'text', null, new AppError('not_found', 'x')]) {
      expect(isDatabaseOutage(error)).toBe(false);
    }
    // The server cancelling one statement leaves its connection usable; a read timeout does not.
    expect(isBrokenConnection(withCode('57014'))).toBe(false);
    expect(isBrokenConnection(new Error('Query read timeout'))).toBe(true);
    expect(databaseErrorCode(new Error('ssn 900-11-1001 in a message'))).toBe('unknown');
  });
});

const STATEMENT_TIMEOUT_MS = 1000;

for (const kind of databaseKinds().filter((k) => k === 'postgres')) {
  describe(`a dropped or hung database on ${kind}`, () => {
    let database: Awaited<ReturnType<typeof createServerDatabase>>;
    let app: TestApp;
    /** On the server's own database: alters and terminates. */
    let admin: pg.Client;
    /** On the app's database: holds the locks a hung turn waits behind. */
    let locker: pg.Client;
    let lockerPid = 0;

    beforeAll(async () => {
      database = await createServerDatabase();
      app = await startTestApp({
        DATABASE_URL: database.url,
        DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
        TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      });
      admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      locker = new pg.Client({ connectionString: database.url });
      await locker.connect();
      lockerPid = Number((await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid);
    });

    afterAll(async () => {
      await admin?.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin?.end();
      await locker?.end().catch(() => undefined);
      await app?.stop();
      await database?.drop();
    });

    /** What an operator's pg_terminate_backend, a failover or an idle-session timeout does. */
    const terminateAppBackends = async (): Promise<number> => {
      const result = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and pid <> $2',
        [database.name, lockerPid],
      );
      return result.rowCount ?? 0;
    };
    const readyz = async (): Promise<number> => (await fetch(`${app.baseUrl}/readyz`)).status;
    const until = async (check: () => Promise<boolean>, timeoutMs = 8000): Promise<boolean> => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    };

    it('bounds the serving pool, not a maintenance connection (migrations may wait on another instance)', async () => {
      const serving = await openDatabase({ databaseUrl: database.url, pgliteDir: 'memory://', databaseStatementTimeoutMs: 1500 });
      const maintenance = await openDatabase({ databaseUrl: database.url, pgliteDir: 'memory://' });
      try {
        const show = async (db: typeof serving.db): Promise<string | undefined> =>
          (await sql<{ timeout: string }>`select current_setting('statement_timeout') as timeout`.execute(db)).rows[0]?.timeout;
        expect(await show(serving.db)).toBe('1500ms');
        expect(await show(maintenance.db)).toBe('0');
      } finally {
        await serving.close();
        await maintenance.close();
      }
    });

    it('survives its backends being terminated and answers the next turn without a restart', async () => {
      const chat = await DirectLineClient.start(app.baseUrl);
      await chat.replies();
      expect(await terminateAppBackends()).toBeGreaterThan(0);
      // The idle connections' 'error' events arrive now; unheard, they would end this very process.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(process.exitCode ?? 0).toBe(0);

      await chat.send('help');
      expect(await chat.replies((t) => t.includes('balance'))).toContain('balance');
      expect(await readyz()).toBe(200);
    });

    it('says 503 on /readyz and the Direct Line post while the database refuses connections, and recovers by itself', async () => {
      const chat = await DirectLineClient.start(app.baseUrl, 'es');
      await chat.replies();
      await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
      await terminateAppBackends();
      try {
        expect(await until(async () => (await readyz()) === 503)).toBe(true);
        const started = Date.now();
        const post = await fetch(`${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: 'saldo' }),
        });
        // Web Chat marks the message "send failed" with a retry; the parent is not left waiting.
        expect(post.status).toBe(503);
        expect(await post.json()).toMatchObject({ error: { code: 'database_unavailable' } });
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
      }
      expect(await until(async () => (await readyz()) === 200)).toBe(true);
      await chat.send('ayuda');
      expect(await chat.replies((t) => t.includes('saldo'))).toContain('saldo');
    });

    it('answers a text with the calm helpline message, not silence, while the database refuses connections', async () => {
      await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
      await terminateAppBackends();
      try {
        const answer = await sendSms(app.baseUrl, { from: '+12125550102', to: '+12125550100', body: 'balance' });
        expect(answer.status).toBe(200);
        expect(answer.messages).toEqual([sayIn('en')('errors.generic')]);
        expect(answer.messages[0]).toContain('888-208-4485');
      } finally {
        await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
      }
      expect(await until(async () => (await readyz()) === 200)).toBe(true);
    });

    it('gives the turn whose connection was terminated the calm helpline answer in Spanish', async () => {
      const chat = await DirectLineClient.start(app.baseUrl, 'es');
      await chat.replies();
      await locker.query('begin');
      await locker.query('lock table bot_state in access exclusive mode');
      try {
        const posted = chat.send('saldo');
        // The turn now waits on the lock; kill its connection under it.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await terminateAppBackends();
        await posted;
      } finally {
        await locker.query('rollback');
      }
      const replies = await chat.replies((t) => t.includes('888-208-4485'));
      expect(replies).toContain(sayIn('es')('errors.generic'));
      await chat.send('ayuda');
      expect(await chat.replies((t) => t.includes('saldo'))).toContain('saldo');
    });

    it('fails the Direct Line post with 503 when even the calm answer cannot be stored, so Web Chat offers a retry', async () => {
      const chat = await DirectLineClient.start(app.baseUrl, 'es');
      await chat.replies();
      await locker.query('begin');
      await locker.query('lock table bot_state in access exclusive mode');
      let status = 0;
      let elapsed = 0;
      try {
        const started = Date.now();
        const posted = fetch(`${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: 'saldo' }),
        });
        // Once the parent's message is stored and the turn waits on the state, the log is shut too.
        const waiting = async (): Promise<boolean> =>
          Number((await admin.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'", [database.name])).rows[0]?.n) > 0;
        expect(await until(waiting, 3000)).toBe(true);
        await locker.query('lock table dl_activities in access exclusive mode');
        const res = await posted;
        status = res.status;
        elapsed = Date.now() - started;
      } finally {
        await locker.query('rollback');
      }
      expect(status).toBe(503);
      expect(elapsed).toBeLessThan(4 * STATEMENT_TIMEOUT_MS);
      await chat.send('ayuda');
      expect(await chat.replies((t) => t.includes('saldo'))).toContain('saldo');
    });

    it('ends a turn stuck behind a lock within the statement timeout, calmly and in Chinese, well before 15 s', async () => {
      const chat = await DirectLineClient.start(app.baseUrl, 'zh-CN');
      await chat.replies();
      await locker.query('begin');
      await locker.query('lock table bot_state in access exclusive mode');
      let elapsed: number;
      try {
        const started = Date.now();
        await chat.send('余额');
        elapsed = Date.now() - started;
      } finally {
        await locker.query('rollback');
      }
      // The read times out, the calm answer is stored, clearing the state times out once more.
      expect(elapsed).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS);
      expect(elapsed).toBeLessThan(4 * STATEMENT_TIMEOUT_MS);
      expect(await chat.replies((t) => t.includes('888-208-4485'))).toContain(sayIn('zh-Hans')('errors.generic'));
      expect(await readyz()).toBe(200);
    });
  });
}
