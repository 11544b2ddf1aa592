/**
 * Liveness, readiness and metrics for the platform that runs us.
 *
 * `/metrics` tells an outsider how busy the service is and which routes fail, so in production it
 * is not public: with `METRICS_TOKEN` set it needs `Authorization: Bearer <token>` (401 otherwise);
 * in production without a token it does not exist (404), so a forgotten setting fails closed.
 * Outside production, without a token, it is open for local use.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Request, Server } from './server.js';

export interface OpsDeps {
  /** True when the database answers; /readyz is 503 otherwise. */
  readonly isReady: () => Promise<boolean>;
  readonly registry: Registry;
  /** `METRICS_TOKEN`: the bearer token Prometheus sends; null for none. */
  readonly metricsToken?: string | null;
  /** Production without a token hides `/metrics` entirely. */
  readonly production?: boolean;
}

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function bearer(req: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
  return match?.[1] ?? null;
}

export function registerOpsRoutes(server: Server, deps: OpsDeps): void {
  const token = deps.metricsToken ?? null;
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady().catch(() => false);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', database: ready ? 'up' : 'down' });
  });
  if (token === null && deps.production === true) return;
  server.get('/metrics', async (req, res) => {
    if (token !== null) {
      const given = bearer(req);
      if (given === null || !sameToken(given, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        res.send(401, { status: 'unauthorized' });
        return;
      }
    }
    const body = await deps.registry.metrics();
    res.setHeader('Content-Type', deps.registry.contentType);
    res.sendRaw(200, body);
  });
}
