/**
 * What a start loads: the libraries only some requests need (pdfmake and its fonts, the development
 * identity provider) and the parts of botbuilder-dialogs the bot never uses (the Recognizers-Text
 * suites) stay out of the process until a request needs them. Each cost tens of MB resident and a
 * part of the start. Measured in a fresh process, where nothing a test loaded before counts.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Loaded {
  readonly pdfmake: boolean;
  readonly fontkit: boolean;
  readonly recognizersDateTime: boolean;
  readonly recognizersSuite: boolean;
  readonly devIdentityProvider: boolean;
}

describe('what a start loads', () => {
  it('loads pdfmake with the first document and the development provider with its first request, never the unused recognizers', async () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/helpers/loadedAtStart.ts'], { cwd: ROOT, env, timeout: 120_000 });
    const { atStart, afterDocument, afterSignIn } = JSON.parse(stdout) as {
      atStart: Loaded;
      afterDocument: Loaded;
      afterSignIn: Loaded & { discoveryStatus: number };
    };
    expect(atStart).toEqual({ pdfmake: false, fontkit: false, recognizersDateTime: false, recognizersSuite: false, devIdentityProvider: false });
    // The probes see a library once it is loaded: the first document brings pdfmake and its fonts' parser.
    expect(afterDocument).toMatchObject({ pdfmake: true, fontkit: true, devIdentityProvider: false });
    expect(afterSignIn).toMatchObject({ devIdentityProvider: true, discoveryStatus: 200, recognizersDateTime: false, recognizersSuite: false });
  }, 150_000);
});

describe('the start script', () => {
  /** `npm start`'s command as the shell runs it, with the app swapped for a line printing node's flags and the allocator settings. */
  async function flagsOfStart(databaseUrl: string | undefined): Promise<{ execArgv: string[]; arenas: string | undefined }> {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } };
    const probe = `-e 'console.log(JSON.stringify({ execArgv: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX }))'`;
    const command = pkg.scripts.start.replace('.data/build/index.js', probe);
    expect(command).not.toBe(pkg.scripts.start);
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    if (databaseUrl === undefined) delete env.DATABASE_URL;
    else env.DATABASE_URL = databaseUrl;
    const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: ROOT, env, timeout: 30_000 });
    return JSON.parse(stdout) as { execArgv: string[]; arenas: string | undefined };
  }

  it('runs node lean on the embedded database and fast on PostgreSQL, with the allocator held to two arenas either way', async () => {
    const embedded = await flagsOfStart(undefined);
    expect(embedded.execArgv).toContain('--optimize-for-size');
    expect(embedded.arenas).toBe('2');
    const postgres = await flagsOfStart('postgres://postgres@127.0.0.1:5432/postgres');
    expect(postgres.execArgv).not.toContain('--optimize-for-size');
    expect(postgres.execArgv).toContain('--no-optimize-for-size');
    expect(postgres.arenas).toBe('2');
  });
});
