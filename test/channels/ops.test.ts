import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { registerOpsRoutes } from '../../channels/ops.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { createMetrics } from '../../channels/telemetry.js';

describe('ops routes', () => {
  let server: Server;
  let base: string;
  let ready = true;
  const metrics = createMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    server = createHttpServer({ logger: pino({ level: 'silent' }) });
    registerOpsRoutes(server, { isReady: async () => ready, registry: metrics.registry });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(() => closeServer(server));

  it('/healthz is alive', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz follows the database', async () => {
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    ready = false;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ database: 'down' });
    ready = true;
  });

  it('/readyz is 503 when the check throws', async () => {
    const s = createHttpServer({ logger: pino({ level: 'silent' }) });
    registerOpsRoutes(s, {
      isReady: async () => {
        throw new Error('connection refused');
      },
      registry: metrics.registry,
    });
    const port = await listen(s, 0, '127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    await closeServer(s);
  });

  it('/metrics speaks Prometheus text with turns, latency and errors by channel', async () => {
    metrics.turns.inc({ channel: 'directline' });
    metrics.turnErrors.inc({ channel: 'directline' });
    metrics.turnSeconds.observe({ channel: 'directline' }, 0.05);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/assistant_turns_total\{channel="directline"\} 1/);
    expect(body).toMatch(/assistant_turn_errors_total\{channel="directline"\} 1/);
    expect(body).toMatch(/assistant_turn_duration_seconds_bucket\{le="0.05",channel="directline"\} 1/);
  });

  it('/metrics does not exist in production without METRICS_TOKEN', async () => {
    const s = createHttpServer({ logger: pino({ level: 'silent' }) });
    registerOpsRoutes(s, { isReady: async () => true, registry: metrics.registry, production: true, metricsToken: null });
    const port = await listen(s, 0, '127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    await closeServer(s);
  });

  it('/metrics in production with METRICS_TOKEN answers the bearer only', async () => {
    const s = createHttpServer({ logger: pino({ level: 'silent' }) });
    registerOpsRoutes(s, { isReady: async () => true, registry: metrics.registry, production: true, metricsToken: 'a-long-enough-token-1234' });
    const port = await listen(s, 0, '127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: 'Bearer a-long-enough-token-123' } })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: 'Basic a-long-enough-token-1234' } })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: 'Bearer a-long-enough-token-1234' } })).status).toBe(200);
    await closeServer(s);
  });
});
