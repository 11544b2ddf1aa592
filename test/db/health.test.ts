import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { isDatabaseReachable } from '../../db/health.js';
import type { Database } from '../../db/schema.js';
import { createTestDatabase, databaseKinds } from '../helpers/database.js';

describe.each(databaseKinds())('isDatabaseReachable on %s', (kind) => {
  it('is true while open and false once closed', async () => {
    const t = await createTestDatabase(kind);
    await expect(isDatabaseReachable(t.db)).resolves.toBe(true);
    await t.close();
    await expect(isDatabaseReachable(t.db)).resolves.toBe(false);
  });
});

describe('isDatabaseReachable against a server that never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up after the timeout', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${port}/x`, connectionTimeoutMillis: 3000 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const started = Date.now();
    await expect(isDatabaseReachable(db, 200)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    await db.destroy().catch(() => undefined);
  });

  it('is false when nothing listens', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://x@127.0.0.1:1/x' });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await expect(isDatabaseReachable(db)).resolves.toBe(false);
    await db.destroy();
  });
});
