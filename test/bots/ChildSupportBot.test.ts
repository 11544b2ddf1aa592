import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConversationState, MemoryStorage, TestAdapter, UserState, type Activity } from 'botbuilder';
import { ChildSupportBot } from '../../bots/ChildSupportBot.js';
import { createStateAccessors } from '../../bots/state.js';
import { createLogger } from '../../channels/logger.js';
import { LANGUAGE_CHANGED_EVENT, SET_LANGUAGE_EVENT } from '../../dialogs/language/turnLanguage.js';
import { MainDialog } from '../../dialogs/MainDialog.js';
import { helpText, sayIn, welcomeText } from '../../dialogs/messages.js';
import { KeywordRecognizer } from '../../dialogs/recognizer/KeywordRecognizer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { Clock, FakeSignIn } from '../dialogs/support/account.js';

const logger = createLogger({ level: 'silent' });

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
});
afterAll(async () => {
  await database.close();
});

function harness(storage = new MemoryStorage()) {
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const bot = new ChildSupportBot({
    conversationState,
    userState,
    dialog: new MainDialog({
      recognizer: new KeywordRecognizer(),
      logger,
      db: database.db,
      signIn: new FakeSignIn(new Clock()),
      ssnHmacKey: 'test-key',
    }),
    logger,
  });
  const adapter = new TestAdapter((context) => bot.run(context));
  /** One turn; returns what the bot sent in it. */
  const turn = async (activity: Partial<Activity>): Promise<Partial<Activity>[]> => {
    adapter.activeQueue.splice(0);
    await adapter.processActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  const say = (text: string, locale = 'en-US') => turn({ type: 'message', text, locale });
  const joined = (locale: string) =>
    turn({
      type: 'conversationUpdate',
      locale,
      membersAdded: [
        { id: 'bot', name: 'Bot' },
        { id: 'user1', name: 'User1' },
      ],
    });
  return { adapter, turn, say, joined, storage, conversationState, userState };
}

describe('ChildSupportBot', () => {
  it.each([
    ['en-US', 'en'],
    ['zh-CN', 'zh-Hans'],
    ['es-US', 'es'],
  ] as const)('welcomes a %s conversation in %s', async (tag, locale) => {
    const replies = await harness().joined(tag);
    expect(replies.map((r) => r.text)).toEqual([welcomeText(locale)]);
  });

  it('the welcome says who it is and warns about SSN and PIN', () => {
    const text = welcomeText('en');
    const say = sayIn('en');
    expect(text).toContain(say('welcome.intro'));
    expect(text).toContain(say('welcome.privacy'));
    expect(text).toContain(say('commands.help'));
  });

  it('welcomes once per conversation, and not for the bot joining alone', async () => {
    const { joined, turn } = harness();
    expect(await turn({ type: 'conversationUpdate', membersAdded: [{ id: 'bot', name: 'Bot' }] })).toEqual([]);
    expect(await joined('en-US')).toHaveLength(1);
    expect(await joined('en-US')).toEqual([]);
  });

  it('answers help in the activity locale', async () => {
    const { say } = harness();
    expect((await say('help', 'es-US'))[0]?.text).toBe(helpText('es'));
  });

  it('remembers "中文" over later turns even when the activity says en-US', async () => {
    const { say } = harness();
    const switched = await say('中文', 'en-US');
    expect(switched[0]?.text).toBe(sayIn('zh-Hans')('language.changed'));
    expect(switched[1]).toMatchObject({ type: 'event', name: LANGUAGE_CHANGED_EVENT, value: 'zh-Hans' });
    expect((await say('help', 'en-US'))[0]?.text).toBe(helpText('zh-Hans'));
    expect((await say('statement', 'en-US'))[0]?.text).toBe(sayIn('zh-Hans')('account.unavailable'));
  });

  it('keeps the choice in storage, across bot instances', async () => {
    const storage = new MemoryStorage();
    await harness(storage).say('español');
    expect((await harness(storage).say('help', 'en-US'))[0]?.text).toBe(helpText('es'));
  });

  it('applies the page\'s setLanguage event and answers with languageChanged', async () => {
    const { turn, say } = harness();
    const replies = await turn({ type: 'event', name: SET_LANGUAGE_EVENT, value: 'zh-CN', locale: 'en-US' });
    expect(replies[0]?.text).toBe(sayIn('zh-Hans')('language.changed'));
    expect(replies[1]).toMatchObject({ type: 'event', name: LANGUAGE_CHANGED_EVENT, value: 'zh-Hans' });
    expect((await say('help', 'en-US'))[0]?.text).toBe(helpText('zh-Hans'));
  });

  it('ignores a setLanguage event without a tag', async () => {
    const { turn, say } = harness();
    expect(await turn({ type: 'event', name: SET_LANGUAGE_EVENT, value: { locale: 'es' } })).toEqual([]);
    expect((await say('help', 'en-US'))[0]?.text).toBe(helpText('en'));
  });

  it('keeps the language choice over sign-out', async () => {
    const { say } = harness();
    await say('español');
    const replies = await say('sign out', 'en-US');
    expect(replies.filter((r) => r.type === 'message').map((r) => r.text)).toEqual([sayIn('es')('sign_out.done')]);
    expect((await say('help', 'en-US'))[0]?.text).toBe(helpText('es'));
  });

  it('saves conversation state at the end of every turn', async () => {
    const { say, storage } = harness();
    await say('中文');
    const stored = await storage.read(['test/conversations/Convo1/']);
    expect(stored['test/conversations/Convo1/']).toMatchObject({ ConversationData: { language: 'zh-Hans' } });
  });

  it.each<[string, Partial<Activity>, string]>([
    ['blank', { text: '  ' }, 'input.empty'],
    ['emoji-only', { text: '🎉' }, 'input.no_words'],
    ['attachment-only', { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://example.test/x.jpg' }] }, 'input.attachment'],
    ['over-long', { text: 'z'.repeat(5000) }, 'input.too_long'],
    ['SQL', { text: "1; DELETE FROM cases WHERE 1=1; --" }, 'none.reply'],
    ['control characters', { text: '\u0001\u0002\u009f' }, 'input.empty'],
  ])('answers %s input calmly', async (_label, activity, key) => {
    const { turn } = harness();
    const replies = await turn({ type: 'message', locale: 'en-US', ...activity });
    expect(replies.map((r) => r.text)).toEqual([sayIn('en')(key)]);
  });
});

describe('createStateAccessors', () => {
  it('creates the accessors the bot and dialogs share', () => {
    const storage = new MemoryStorage();
    const accessors = createStateAccessors(new ConversationState(storage), new UserState(storage));
    expect(Object.keys(accessors).sort()).toEqual(['conversationData', 'dialogState', 'userProfile']);
  });
});
