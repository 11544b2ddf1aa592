/**
 * The operations metrics, read from `/metrics` of the real server: HTTP duration by route and
 * status, the Direct Line sockets gauge, turn errors, the office outbox depth (counted on scrape,
 * on PGlite and PostgreSQL), and the bearer token that guards the route.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { queueOfficeMessage } from '../../db/repositories/officeMessages.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createServerDatabase, databaseKinds } from '../helpers/database.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

async function scrape(app: TestApp, token = TOKEN): Promise<string> {
  const res = await fetch(`${app.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

function value(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

describe.each(databaseKinds())('/metrics of the running app on %s', (kind) => {
  let app: TestApp;
  let drop: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    const env: Record<string, string> = { METRICS_TOKEN: TOKEN, RETENTION_INTERVAL_SECONDS: '0' };
    if (kind === 'postgres') {
      const server = await createServerDatabase();
      drop = server.drop;
      env.DATABASE_URL = server.url;
    }
    app = await startTestApp(env);
  });
  afterAll(async () => {
    await app.stop();
    await drop?.();
  });

  it('times HTTP requests by route pattern, method and status, never by raw URL', async () => {
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/v3/directline/conversations/abc123/activities`)).status).toBe(401);
    expect((await fetch(`${app.baseUrl}/no/such/page-7f3a`)).status).toBe(404);
    const body = await scrape(app);
    expect(value(body, 'http_request_duration_seconds_count{route="/healthz",method="GET",status="200"}')).toBe(1);
    expect(body).toMatch(/http_request_duration_seconds_count\{route="\/v3\/directline\/conversations\/:id\/activities",method="GET",status="401"\} 1/);
    expect(value(body, 'http_request_duration_seconds_count{route="unmatched",method="GET",status="404"}')).toBe(1);
    expect(body).not.toContain('abc123');
    expect(body).not.toContain('page-7f3a');
  });

  it('exports the Direct Line sockets gauge and the turn error counter', async () => {
    const body = await scrape(app);
    expect(value(body, 'directline_sockets_open')).toBe(0);
    expect(body).toContain('# TYPE assistant_turn_errors_total counter');
  });

  it('counts the pending office emails when scraped', async () => {
    const before = value(await scrape(app), 'office_outbox_pending');
    expect(before).toBe(0);
    // Due tomorrow, so the outbox worker leaves them pending while we look.
    const tomorrow = new Date(Date.now() + 86_400_000);
    for (const n of [1, 2]) {
      await queueOfficeMessage(app.db, {
        idempotencyKey: `metrics-${kind}-${n}`,
        officeId: 'bronx',
        personId: 'P-1001',
        caseNumber: 'CS24000101',
        channel: 'directline',
        channelKind: 'web',
        locale: 'en',
        body: 'Please call me',
        now: tomorrow,
      });
    }
    expect(value(await scrape(app), 'office_outbox_pending')).toBe(2);
  });

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(await scrape(app)).toContain('assistant_turns_total');
  });
});
