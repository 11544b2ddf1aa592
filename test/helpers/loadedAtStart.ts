/**
 * Run in a child process by test/startup.test.ts (a fresh process, so nothing a test loaded
 * before counts): starts the app as `startTestApp` does and prints which heavy libraries the
 * process holds right after start, after the first document and after the first request to the
 * development identity provider, as JSON on stdout.
 */
import { createRequire } from 'node:module';
import { renderPdf } from '../../channels/documents/render.js';
import { startTestApp } from './app.js';

/** A library counts as loaded once any of its files is in Node's module cache. */
const WATCHED = {
  pdfmake: '/node_modules/pdfmake/',
  fontkit: '/node_modules/fontkit/',
  recognizersDateTime: '/node_modules/@microsoft/recognizers-text-date-time/',
  recognizersSuite: '/node_modules/@microsoft/recognizers-text-suite/',
  // oidc-provider is an ES module; its web framework (CommonJS) shows it was loaded.
  devIdentityProvider: '/node_modules/koa/',
} as const;

const cache = createRequire(import.meta.url).cache;
const loaded = (): Record<keyof typeof WATCHED, boolean> => {
  const files = Object.keys(cache).map((file) => file.split('\\').join('/'));
  return Object.fromEntries(Object.entries(WATCHED).map(([name, part]) => [name, files.some((file) => file.includes(part))])) as Record<keyof typeof WATCHED, boolean>;
};

const app = await startTestApp();
try {
  const atStart = loaded();
  await renderPdf({ content: ['first document'] }, () => ({ text: '' }));
  const afterDocument = loaded();
  const discovery = await fetch(`${app.baseUrl}/dev-idp/.well-known/openid-configuration`);
  const afterSignIn = { ...loaded(), discoveryStatus: discovery.status };
  process.stdout.write(JSON.stringify({ atStart, afterDocument, afterSignIn }));
} finally {
  await app.stop();
}
