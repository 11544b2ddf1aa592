/** Liveness, readiness and metrics for the platform that runs us. */
import type { Registry } from 'prom-client';
import type { Server } from './server.js';

export interface OpsDeps {
  /** True when the database answers; /readyz is 503 otherwise. */
  readonly isReady: () => Promise<boolean>;
  readonly registry: Registry;
}

export function registerOpsRoutes(server: Server, deps: OpsDeps): void {
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady().catch(() => false);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', database: ready ? 'up' : 'down' });
  });
  server.get('/metrics', async (_req, res) => {
    const body = await deps.registry.metrics();
    res.setHeader('Content-Type', deps.registry.contentType);
    res.sendRaw(200, body);
  });
}
