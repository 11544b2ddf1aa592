/**
 * The HTTP server every channel mounts its routes on. Bodies are limited and parsed here; each
 * module registers its own routes with a `register…Routes(server, deps)` function. restify logs
 * through our logger (so its own lines are redacted too), and every request gets an id: the
 * `X-Request-Id` it answers with and the `requestId` of every log line written on its behalf.
 */
import restify from 'restify';
import { requestIdFrom, runInRequest, type Logger } from './logger.js';

export type Server = restify.Server;
export type Request = restify.Request;
export type Response = restify.Response;

export interface ServerOptions {
  readonly logger: Logger;
  /** Largest accepted request body; big enough for a long message, small enough to refuse abuse. */
  readonly maxBodyBytes?: number;
}

export function createHttpServer(options: ServerOptions): Server {
  const server = restify.createServer({
    name: 'child-support-assistant',
    handleUncaughtExceptions: false,
    // restify 12 logs through pino; its typings still describe restify 8's bunyan logger.
    log: options.logger as unknown as restify.ServerOptions['log'],
  });
  const requestIds = new WeakMap<Request, string>();
  server.pre((req, res, next) => {
    const requestId = requestIdFrom(req.header('x-request-id'));
    requestIds.set(req, requestId);
    res.header('X-Request-Id', requestId);
    runInRequest(requestId, () => next());
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({
      mapParams: false,
      maxBodySize: options.maxBodyBytes ?? 512 * 1024,
      rejectUnknown: false,
    }),
  );
  // The body arrives on socket events, outside the request's scope: enter it again for the handlers.
  server.use((req, _res, next) => runInRequest(requestIds.get(req) ?? requestIdFrom(undefined), () => next()));
  // Baseline headers for every answer; the web page adds its own Content-Security-Policy.
  server.use((req, res, next) => {
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    res.header('Cache-Control', 'no-store');
    next();
  });
  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      const log = (): void => options.logger.error({ err: { name: err.name, code: status }, route: req.getRoute()?.path }, 'request failed');
      const requestId = requestIds.get(req);
      if (requestId === undefined) log();
      else runInRequest(requestId, log);
    }
    callback();
  });
  return server;
}

/** Listens and resolves with the bound port (pass 0 for an ephemeral port in tests). */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    if (host === undefined) server.listen(port, done);
    else server.listen(port, host, done);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
