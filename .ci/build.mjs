#!/usr/bin/env node
/**
 * `npm run build`: the app as plain JavaScript in `.data/build` (or the folder given as the first
 * argument), ready for `node .data/build/index.js` with production dependencies only.
 *
 * Each TypeScript file is transpiled to one JavaScript file in the same place (no bundling): the
 * code finds its data files (locales, fonts, the recognizer model, the demo data, the page's
 * static files) next to itself through `import.meta.url`, so those are copied alongside. The Web
 * Chat browser bundle is copied to `channels/web/static/vendor/webchat.js`, where the web routes
 * look first, so the running app needs neither `botframework-webchat` nor esbuild nor tsx.
 *
 * The build output lives under `.data/` (ignored by git, like the embedded database): a build is
 * an output, not a source folder.
 *
 * `--if-stale` (what `npm start` uses) skips the build when the output is newer than every source
 * and data file and the lock file, so a second start spends no time transpiling.
 */
import { cp, copyFile, mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const out = args.find((arg) => !arg.startsWith('--')) ?? join(root, '.data', 'build');
const STAMP = join(out, '.built');
const SOURCE_ROOTS = ['bots', 'dialogs', 'channels', 'db', 'locales'];

/** Every `.ts` source file the app runs (declaration files carry no code). */
async function sources() {
  const files = ['index.ts', 'config.ts'];
  for (const dir of SOURCE_ROOTS) {
    for (const entry of await readdir(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      files.push(relative(root, join(entry.parentPath ?? entry.path, entry.name)));
    }
  }
  return files;
}

/** The self-contained browser bundle next to the package's entry (`exports` hides `dist/`). */
function webChatBundle() {
  const entry = createRequire(join(root, 'package.json')).resolve('botframework-webchat');
  return join(dirname(dirname(entry)), 'dist', 'webchat.js');
}

async function copyInto(from, to) {
  await mkdir(dirname(join(out, to)), { recursive: true });
  await cp(join(root, from), join(out, to), { recursive: true });
}

/** Newest modification time among the inputs: every file under the source roots, the top-level sources, the lock. */
async function newestInput() {
  let newest = 0;
  const files = ['index.ts', 'config.ts', 'package.json', 'package-lock.json', '.ci/build.mjs'].map((f) => join(root, f));
  for (const dir of SOURCE_ROOTS) {
    for (const entry of await readdir(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  for (const file of files) newest = Math.max(newest, (await stat(file)).mtimeMs);
  return newest;
}

if (ifStale) {
  const built = await stat(STAMP).then((s) => s.mtimeMs, () => 0);
  if (built > (await newestInput())) process.exit(0);
}

// Loaded only when building: `npm start` on an up-to-date build skips its import (a twentieth of a second).
const { build } = await import('esbuild');
const started = performance.now();
const startedAt = new Date();
await rm(out, { recursive: true, force: true });
await build({
  entryPoints: await sources(),
  outdir: out,
  outbase: root,
  absWorkingDir: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

// Data files the code reads next to itself.
for (const entry of await readdir(join(root, 'locales'), { withFileTypes: true })) {
  if (entry.isDirectory()) await copyInto(join('locales', entry.name), join('locales', entry.name));
}
await copyInto(join('db', 'demo'), join('db', 'demo'));
await copyInto(join('channels', 'web', 'static'), join('channels', 'web', 'static'));
await copyInto(join('channels', 'documents', 'fonts'), join('channels', 'documents', 'fonts'));
await copyInto(join('dialogs', 'recognizer', 'model.json'), join('dialogs', 'recognizer', 'model.json'));

const vendor = join(out, 'channels', 'web', 'static', 'vendor');
await mkdir(vendor, { recursive: true });
await copyFile(webChatBundle(), join(vendor, 'webchat.js'));

// Stamped with the build's start: a source saved while building makes the next start build again.
await writeFile(STAMP, startedAt.toISOString());
await utimes(STAMP, startedAt, startedAt);
const size = (await stat(join(vendor, 'webchat.js'))).size;
const shown = relative(root, out).split(sep).join('/') || out;
process.stdout.write(`built ${shown} in ${Math.round(performance.now() - started)} ms (Web Chat bundle ${(size / 1e6).toFixed(1)} MB)\n`);
