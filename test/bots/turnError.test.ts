import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, UserState } from 'botbuilder';
import { ChildSupportBot } from '../../bots/ChildSupportBot.js';
import { createTurnErrorHandler } from '../../bots/turnError.js';
import { createLogger } from '../../channels/logger.js';
import { AppError } from '../../db/errors.js';
import { MainDialog } from '../../dialogs/MainDialog.js';
import { sayIn } from '../../dialogs/messages.js';
import { KeywordRecognizer } from '../../dialogs/recognizer/KeywordRecognizer.js';
import type { Recognition, Recognizer } from '../../dialogs/recognizer/Recognizer.js';
import { Clock, FakeSignIn, unreachableDatabase } from '../dialogs/support/account.js';

/** Understands "中文" like the real one, and fails on anything else. */
class FailingRecognizer implements Recognizer {
  private readonly inner = new KeywordRecognizer();
  async recognize(text: string): Promise<Recognition> {
    const recognition = await this.inner.recognize(text);
    if (recognition.intent === 'language') return recognition;
    throw new AppError('database_unavailable', 'the database went away');
  }
}

function harness() {
  const lines: string[] = [];
  const logger = createLogger({
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const bot = new ChildSupportBot({
    conversationState,
    userState: new UserState(storage),
    dialog: new MainDialog({
      recognizer: new FailingRecognizer(),
      logger,
      db: unreachableDatabase(),
      signIn: new FakeSignIn(new Clock()),
      ssnHmacKey: 'unused',
    }),
    logger,
  });
  const adapter = new TestAdapter((context) => bot.run(context));
  adapter.onTurnError = createTurnErrorHandler({ conversationState, logger });
  const say = async (text: string, locale = 'en-US') => {
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ type: 'message', text, locale });
    return adapter.activeQueue.splice(0);
  };
  return { say, lines, storage };
}

describe('createTurnErrorHandler', () => {
  it('sends the calm helpline message in the conversation language', async () => {
    const { say } = harness();
    await say('español');
    const replies = await say('what is my balance', 'en-US');
    expect(replies.map((r) => r.text)).toEqual([sayIn('es')('errors.generic')]);
    expect(replies[0]?.text).toContain('888-208-4485');
    expect(replies[0]?.text).toContain('866-875-9975');
  });

  it('logs the code and a correlation id, never the text', async () => {
    const { say, lines } = harness();
    await say('my balance please, zebra');
    const failure = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'turn failed');
    expect(failure).toMatchObject({ code: 'database_unavailable', level: 'error' });
    expect(failure?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.join('\n')).not.toContain('zebra');
  });

  it('clears conversation state so the next turn starts clean', async () => {
    const { say, storage } = harness();
    await say('中文');
    expect(await storage.read(['test/conversations/Convo1/'])).not.toEqual({});
    await say('balance');
    expect(await storage.read(['test/conversations/Convo1/'])).toEqual({});
  });

  it('fails the turn for the channel when even the calm message cannot be delivered', async () => {
    const storage = new MemoryStorage();
    const conversationState = new ConversationState(storage);
    const handler = createTurnErrorHandler({ conversationState, logger: createLogger({ level: 'silent' }) });
    // Direct Line stores replies in the database: when that is gone too, the post must fail (503).
    const adapter = new TestAdapter(async () => undefined);
    const gone = new AppError('database_unavailable', 'gone');
    adapter.sendActivities = async () => {
      throw gone;
    };
    const context = new TurnContext(adapter, { type: 'message', text: 'balance', locale: 'en-US', channelId: 'test', conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' } });
    await expect(handler(context, new AppError('database_unavailable', 'the database went away'))).rejects.toBe(gone);
  });
});
