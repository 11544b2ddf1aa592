/**
 * Starts the whole application, as `npm start` does, on an in-memory database and a free port.
 * PUBLIC_URL must name the real port (links and signatures use it), so a free port is found first.
 */
import { createServer } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../config.js';
import { startApp, type RunningApp, type StartOptions } from '../../index.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestApp extends RunningApp {
  /** http://127.0.0.1:PORT: the address tests call. */
  readonly baseUrl: string;
}

/** `options`: what a test hands the composition root besides the environment (a fake Twilio). */
export async function startTestApp(env: Record<string, string> = {}, options: Pick<StartOptions, 'twilioHttpClient' | 'now'> = {}): Promise<TestApp> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PGLITE_DIR: 'memory://',
    ...env,
  });
  const app = await startApp(config, { ...options, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), host: '127.0.0.1' });
  return { ...app, baseUrl: `http://127.0.0.1:${app.port}` };
}
