/**
 * Regression for "the balance comes back on reload after sign-out": the Direct Line log (what a
 * reloaded page replays) keeps nothing from before the parent's sign-out request once the bot sends
 * its signed-out event; the request, the event and the confirmation stay. On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TurnContext, type Activity } from 'botbuilder';
import { DirectLineAdapter, activityId } from '../../channels/directline/DirectLineAdapter.js';
import { appendActivity, createConversation, listActivities } from '../../db/repositories/directline.js';
import { signedOutEvent } from '../../dialogs/auth/signedOut.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/database.js';

describe.each(databaseKinds())('sign-out forgets the stored transcript (%s)', (kind) => {
  let t: TestDatabase;
  let adapter: DirectLineAdapter;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    adapter = new DirectLineAdapter({ db: t.db, serviceUrl: 'http://localhost:3978' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  async function userSays(conversationId: string, text: string): Promise<Partial<Activity>> {
    const stored = await appendActivity(t.db, conversationId, (seq) => ({
      type: 'message',
      id: activityId(conversationId, seq),
      text,
      from: { id: 'dl_user', role: 'user' },
      conversation: { id: conversationId },
    }));
    return stored?.activity as Partial<Activity>;
  }

  async function botSays(incoming: Partial<Activity>, ...activities: Partial<Activity>[]): Promise<void> {
    await adapter.processActivity(incoming, async (context: TurnContext) => {
      await context.sendActivities(activities);
    });
  }

  const texts = async (conversationId: string): Promise<string[]> =>
    (await listActivities(t.db, conversationId, 0, 100)).map(({ activity }) => String(activity.text ?? activity.name ?? ''));

  it('deletes what came before the sign-out request, keeps the request and what follows', async () => {
    const id = `conv-${kind}-1`;
    await createConversation(t.db, { id, userId: 'dl_user', locale: 'en-US' });
    const balance = await userSays(id, 'balance');
    await botSays(balance, { type: 'message', text: 'Your balance is $1,125.00.' });
    const request = await userSays(id, 'sign out');
    await botSays(request, signedOutEvent(request), { type: 'message', text: 'You are signed out.' });

    expect(await texts(id)).toEqual(['sign out', 'signedOut', 'You are signed out.']);
    // A client that had seen up to the balance still reads on from its watermark.
    const after = await listActivities(t.db, id, 2, 100);
    expect(after.map((a) => a.seq)).toEqual([3, 4, 5]);
  });

  it('another conversation keeps its transcript', async () => {
    const mine = `conv-${kind}-2`;
    const other = `conv-${kind}-3`;
    await createConversation(t.db, { id: mine, userId: 'dl_user', locale: 'en-US' });
    await createConversation(t.db, { id: other, userId: 'dl_user2', locale: 'en-US' });
    await botSays(await userSays(other, 'balance'), { type: 'message', text: '$420.00' });
    const request = await userSays(mine, 'sign out');
    await botSays(request, signedOutEvent(request));
    expect(await texts(other)).toEqual(['balance', '$420.00']);
  });

  it('without a request id (a proactive sign-out) everything before the event goes', async () => {
    const id = `conv-${kind}-4`;
    await createConversation(t.db, { id, userId: 'dl_user', locale: 'en-US' });
    await botSays(await userSays(id, 'balance'), { type: 'message', text: '$1,125.00' });
    await adapter.continueConversation({ conversation: { id, isGroup: false, conversationType: 'personal', name: '' } }, async (context) => {
      await context.sendActivity(signedOutEvent({}));
    });
    expect(await texts(id)).toEqual(['signedOut']);
  });
});
