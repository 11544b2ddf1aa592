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
