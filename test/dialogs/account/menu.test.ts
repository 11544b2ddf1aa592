/**
 * The help menu's session lookup: a conversation never signed in since its last sign-out is given
 * the general help without a query; one that was is checked against the database every time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestAdapter, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import { createSession } from '../../../db/repositories/sessions.js';
import type { Database } from '../../../db/schema.js';
import { menuFor } from '../../../dialogs/account/menu.js';
import { conversationKeyOf } from '../../../dialogs/auth/conversation.js';
import { attachSession } from '../../../dialogs/language/turnLanguage.js';
import { helpText } from '../../../dialogs/messages.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { Clock, FakeSignIn, MARIA, SSN_HMAC_KEY, START } from '../support/account.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';

let database: TestDatabase;
let db: Kysely<Database>;
let queries = 0;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  await seedDemoIfEmpty(database.db, { ssnHmacKey: SSN_HMAC_KEY });
  db = database.db.withPlugin({
    transformQuery: (args) => {
      queries += 1;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  });
});

afterAll(async () => {
  await database.close();
});

function turn(conversationId: string, signedIn: boolean): TurnContext {
  const context = new TurnContext(new TestAdapter(), {
    type: 'message',
    text: 'help',
    channelId: 'test',
    locale: 'en-US',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'parent', name: 'Parent' },
    recipient: { id: 'bot', name: 'Bot' },
  });
  attachSession(context, {
    locale: () => 'en',
    chooseLanguage: async () => undefined,
    signOut: async () => undefined,
    mayBeSignedIn: () => signedIn,
    markSignedIn: async () => undefined,
  });
  return context;
}

describe('menuFor', () => {
  const deps = (): Parameters<typeof menuFor>[0] => ({ db, signIn: new FakeSignIn(new Clock()), ssnHmacKey: SSN_HMAC_KEY, now: () => START });

  it('answers a conversation never signed in with the general help and no query', async () => {
    queries = 0;
    const text = await menuFor(deps(), turn('never-signed-in', false), 'help');
    expect(text).toBe(helpText('en', 'help', 'any'));
    expect(queries).toBe(0);
  });

  it('checks a conversation that was signed in against the database, and shows the role menu only for a live session', async () => {
    const context = turn('signed-in', true);
    queries = 0;
    expect(await menuFor(deps(), context, 'help')).toBe(helpText('en', 'help', 'any'));
    expect(queries).toBeGreaterThan(0);

    await createSession(database.db, { conversationKey: conversationKeyOf(context), personId: MARIA.personId, method: 'ssn_pin' }, START);
    queries = 0;
    const text = await menuFor(deps(), context, 'help');
    expect(queries).toBeGreaterThan(0);
    expect(text).not.toBe(helpText('en', 'help', 'any'));
  });
});
