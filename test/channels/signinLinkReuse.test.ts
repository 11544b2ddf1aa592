/**
 * Nine sign-in links piled up while a sign-in was pending: the service now hands back the pending
 * link, sealed in its row, until it is opened, finished, close to expiry or in another language.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationReference } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { DEV_SESSION_SECRET } from '../../config.js';
import { hashLinkToken, linkSealKey, openLinkToken, sealLinkToken, SignInService } from '../../channels/signin/SignInService.js';
import { findSignInRequest, openSignInRequest } from '../../db/repositories/signIn.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

const BASE = 'https://assistant.example.test';
const MINUTE = 60_000;

function reference(conversationId: string): Partial<ConversationReference> {
  return { channelId: 'directline', serviceUrl: 'http://127.0.0.1', conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' } };
}

function tokenOf(url: string): string {
  return url.slice(`${BASE}/signin/`.length);
}

describe.each(databaseKinds())('sign-in link reuse on %s', (kind) => {
  let database: TestDatabase;
  let clock = new Date('2026-11-20T15:00:00Z');
  const now = () => clock;
  let service: SignInService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    service = new SignInService({ db: database.db, publicUrl: BASE, secret: DEV_SESSION_SECRET, now });
  });

  afterAll(async () => {
    await database.close();
  });

  const link = (conversationId: string, locale: 'en' | 'es' | 'zh-Hans' = 'en') =>
    service.createLink({ conversation: reference(conversationId), channel: 'directline', locale });

  it('sends the same pending link nine times, and the table never holds the token in clear', async () => {
    const conversation = `conv-${randomUUID()}`;
    const first = await link(conversation);
    const again = [];
    for (let i = 0; i < 9; i += 1) {
      clock = new Date(clock.getTime() + 20_000);
      again.push(await link(conversation));
    }
    expect(new Set(again.map((l) => l.url))).toEqual(new Set([first.url]));
    expect(again.every((l) => l.expiresAt.getTime() === first.expiresAt.getTime())).toBe(true);
    const rows = await database.db.selectFrom('signInRequests').selectAll().where('conversationId', '=', conversation).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(first.url));
  });

  it('makes a new link once the pending one was opened, and never sends the opened one again', async () => {
    const conversation = `conv-${randomUUID()}`;
    const first = await link(conversation);
    const id = hashLinkToken(tokenOf(first.url));
    expect(await openSignInRequest(database.db, id, { state: randomUUID(), nonce: 'n', codeVerifier: 'v' }, now())).toBe(true);
    expect((await findSignInRequest(database.db, id))?.linkTokenSealed).toBeNull();
    const second = await link(conversation);
    expect(second.url).not.toBe(first.url);
    expect((await link(conversation)).url).toBe(second.url);
  });

  it('makes a new link when the pending one expires within three minutes, or is in another language', async () => {
    const conversation = `conv-${randomUUID()}`;
    const first = await link(conversation);
    clock = new Date(clock.getTime() + 6 * MINUTE);
    expect((await link(conversation)).url).toBe(first.url);
    clock = new Date(clock.getTime() + 2 * MINUTE);
    const fresh = await link(conversation);
    expect(fresh.url).not.toBe(first.url);
    expect(fresh.expiresAt.getTime()).toBe(clock.getTime() + 10 * MINUTE);
    expect((await link(conversation, 'es')).url).not.toBe(fresh.url);
  });

  it('another conversation never gets this one pending link', async () => {
    const first = await link(`conv-${randomUUID()}`);
    expect((await link(`conv-${randomUUID()}`)).url).not.toBe(first.url);
  });

  it('a seal under another secret, or moved to another row, opens nothing, and a new link is made', async () => {
    const conversation = `conv-${randomUUID()}`;
    const first = await link(conversation);
    const other = new SignInService({ db: database.db, publicUrl: BASE, secret: 'another-secret-another-secret-another-secret', now });
    const fresh = await other.createLink({ conversation: reference(conversation), channel: 'directline', locale: 'en' });
    expect(fresh.url).not.toBe(first.url);
    const key = linkSealKey(DEV_SESSION_SECRET);
    const token = tokenOf(first.url);
    const sealed = sealLinkToken(key, hashLinkToken(token), token);
    expect(openLinkToken(key, hashLinkToken(token), sealed)).toBe(token);
    expect(openLinkToken(key, hashLinkToken(tokenOf(fresh.url)), sealed)).toBeNull();
    expect(openLinkToken(linkSealKey('another-secret-another-secret-another-secret'), hashLinkToken(token), sealed)).toBeNull();
  });
});
