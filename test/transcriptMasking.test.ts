/**
 * Regression (issue 8, item 5): SSNs were stored in clear when spelled in ways the SSN parser
 * accepts but the transcript mask missed (`900  11  1007`, `9 0 0 1 1 1 0 0 1`, …). Whatever the
 * bot would take for an SSN or PIN, embedded anywhere in a message, is neither returned by
 * `GET …/activities` nor stored in `dl_activities`, on the real server and on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { openDatabase } from '../db/connect.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createServerDatabase, databaseKinds } from './helpers/database.js';
import { DirectLineClient } from './helpers/directline.js';
import { acceptedSecrets, embedded, pinSpelling, ssnSpelling } from './helpers/secrets.js';

interface Stored {
  readonly text: string;
  readonly raw: string;
}

function leaks(stored: readonly Stored[], digits: string): string[] {
  return stored.filter((s) => acceptedSecrets(s.text).has(digits) || s.raw.includes(digits)).map((s) => s.text);
}

describe.each(databaseKinds())('the Direct Line transcript on %s', (kind) => {
  let app: TestApp;
  let readRows: () => Promise<Stored[]>;
  let cleanup: () => Promise<void>;
  const secrets: string[] = [];

  beforeAll(async () => {
    if (kind === 'postgres') {
      const database = await createServerDatabase();
      app = await startTestApp({ DATABASE_URL: database.url });
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      readRows = async () => {
        const result = await client.query<{ raw: string }>('select activity::text as raw from dl_activities');
        return result.rows.map(({ raw }) => ({ raw, text: String((JSON.parse(raw) as { text?: unknown }).text ?? '') }));
      };
      cleanup = async () => {
        await client.end();
        await app.stop();
        await database.drop();
      };
    } else {
      // PGlite is one process's: the rows are read from its folder once the app has stopped.
      const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
      app = await startTestApp({ PGLITE_DIR: dir });
      readRows = async () => {
        await app.stop();
        const opened = await openDatabase({ databaseUrl: null, pgliteDir: dir });
        try {
          const rows = await opened.db.selectFrom('dlActivities').select('activity').execute();
          return rows.map(({ activity }) => {
            const raw = typeof activity === 'string' ? activity : JSON.stringify(activity);
            return { raw, text: String((JSON.parse(raw) as { text?: unknown }).text ?? '') };
          });
        } finally {
          await opened.close();
        }
      };
      cleanup = async () => {
        await app.stop();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    // A PGlite folder starts with initdb: slow on a busy machine.
  }, 90_000);

  afterAll(async () => {
    await cleanup();
  });

  it('never returns an SSN or PIN a parent typed, in any spelling the parsers accept', async () => {
    let chat = await DirectLineClient.start(app.baseUrl);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: embedded(ssnSpelling) }, { weight: 1, arbitrary: embedded(pinSpelling) }), async ({ digits, text }) => {
        // A fresh conversation now and then, as parents would have.
        if (++sent % 15 === 0) chat = await DirectLineClient.start(app.baseUrl);
        secrets.push(digits);
        await chat.send(text);
        const res = await fetch(`${app.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities`, {
          headers: { authorization: `Bearer ${chat.token}` },
        });
        const raw = await res.text();
        const activities = (JSON.parse(raw) as { activities: { text?: string }[] }).activities;
        const returned = activities.map((a) => ({ text: a.text ?? '', raw: JSON.stringify(a) }));
        expect(leaks(returned, digits)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('stores none of them in dl_activities, yet keeps amounts, dates and case numbers readable', async () => {
    const readable = 'I paid $1,125.00 on 2026-11-06 for case CS24000101';
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.send(readable);
    const rows = await readRows();
    expect(rows.length).toBeGreaterThan(secrets.length);
    for (const digits of secrets) expect(leaks(rows, digits)).toEqual([]);
    expect(rows.map((r) => r.text)).toContain(readable);
  });
});
