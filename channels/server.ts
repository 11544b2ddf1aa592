/**
 * The HTTP server every channel mounts its routes on. Bodies are limited and parsed here; each
 * module registers its own routes with a `register…Routes(server, deps)` function. restify logs
 * through our logger (so its own lines are redacted too), and every request gets an id: the
 * `X-Request-Id` it answers with and the `requestId` of every log line written on its behalf.
 */
import restify from 'restify';
import { requestIdFrom, type Logger } from './logger.js';

export type Server = restify.Server;
export type Request = restify.Request;
export type Response = restify.Response;

export interface ServerOptions {
  readonly logger: Logger;
  /** Largest accepted request body; big enough for a long message, small enough to refuse abuse. */
  readonly maxBodyBytes?: number;
}

/** restify 12's `first` (its typings describe restify 8, which had none): runs before anything else. */
interface RestifyFirst {
  first(handler: (req: Request, res: Response) => boolean): void;
}

export function createHttpServer(options: ServerOptions): Server {
  const server = restify.createServer({
    name: 'child-support-assistant',
    handleUncaughtExceptions: false,
    // restify 12 logs through pino; its typings still describe restify 8's bunyan logger.
    log: options.logger as unknown as restify.ServerOptions['log'],
  });
  // Before restify sets the request up (it keeps a `req.log` it finds): every line logged for this
  // request, restify's own included, goes through a child logger bound to its id.
  (server as unknown as RestifyFirst).first((req, res) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.log = options.logger.child({ requestId }) as unknown as Request['log'];
    res.setHeader('X-Request-Id', requestId);
    return true;
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({
      mapParams: false,
      maxBodySize: options.maxBodyBytes ?? 512 * 1024,
      rejectUnknown: false,
    }),
  );
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
      requestLog(req).error({ err: { name: err.name, code: status }, route: req.getRoute()?.path }, 'request failed');
    }
    callback();
  });
  return server;
}

/**
 * The logger of one request (restify hands the response the same one): its lines carry the
 * request's id. Set up by {@link createHttpServer}; on a server made elsewhere, restify's own.
 */
export function requestLog(exchange: Request | Response): Logger {
  return (exchange as { log?: unknown }).log as Logger;
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
