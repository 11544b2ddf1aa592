/**
 * When the bot did not understand: two choices it can act on (buttons, and numbered lines that work
 * when typed), then, after a second miss in a row, the way to a person. Driven through the main
 * dialog in all three languages.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../../dialogs/MainDialog.js';
import { sayIn } from '../../../dialogs/messages.js';
import { IntentRecognizer } from '../../../dialogs/recognizer/IntentRecognizer.js';
import type { Recognition, Recognizer } from '../../../dialogs/recognizer/Recognizer.js';
import type { Locale } from '../../../locales/i18n.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { Clock, createWorld, FakeSignIn, MARIA, openChat, texts } from '../support/account.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
});
afterAll(async () => {
  await database.close();
});

/** The real recognizer, except one made-up word that always yields the same two guesses. */
class GuessingRecognizer implements Recognizer {
  private readonly inner = new IntentRecognizer();
  async recognize(text: string, locale: Locale): Promise<Recognition> {
    if (text === 'xyzzy') return { intent: 'none', score: 0.6, entities: {}, alternatives: [{ intent: 'reminders', score: 0.3 }, { intent: 'goodbye', score: 0.2 }] };
    return this.inner.recognize(text, locale);
  }
}

function chat(channelId = 'test'): DialogTestClient {
  const clock = new Clock();
  const dialog = new MainDialog({ recognizer: new GuessingRecognizer(), db: database.db, signIn: new FakeSignIn(clock), ssnHmacKey: 'test-key', now: clock.now });
  return new DialogTestClient(channelId, dialog);
}

function sender(client: DialogTestClient, tag: string): (text: string) => Promise<Partial<Activity>> {
  return async (text) => (await client.sendActivity({ type: 'message', text, locale: tag })) as Partial<Activity>;
}

const LANGUAGES = [
  // [tag, locale, an ambiguous question the real recognizer is unsure of, its two likeliest answers, a miss, thanks]
  // "child support" is what a parent owes as much as what a parent receives.
  ['en-US', 'en', 'child support', ['balance', 'disbursements'], 'zebras', 'thank you'],
  ['zh-CN', 'zh-Hans', '账户', ['sign_in', 'statement'], '紫色的长颈鹿', '谢谢'],
  ['es-US', 'es', 'cuenta', ['sign_in', 'statement'], 'jirafas moradas', 'gracias'],
] as const;

describe.each(LANGUAGES)('in %s', (tag, locale, ambiguous, likeliest, miss, thanks) => {
  const say = sayIn(locale);
  const offer = (choices: readonly string[]): string =>
    [say('clarify.did_you_mean'), ...choices.map((intent, i) => say('clarify.choice', { number: i + 1, label: say(`clarify.intents.${intent}`) })), say('clarify.reply_hint')].join('\n');

  it('an unsure guess offers the two likeliest choices, as buttons and as numbered lines', async () => {
    // Which of the two comes first is the model's to say; which two they are is pinned.
    const ranked = ((await new IntentRecognizer().recognize(ambiguous, locale)).alternatives ?? []).map((a) => a.intent);
    expect([...ranked].sort()).toEqual([...likeliest].sort());
    const reply = await sender(chat(), tag)(ambiguous);
    expect(reply.text).toBe(offer(ranked));
    expect(reply.suggestedActions?.actions.map((a) => a.title)).toEqual(ranked.map((intent) => say(`clarify.intents.${intent}`)));
    expect(reply.suggestedActions?.actions.map((a) => a.value)).toEqual(ranked.map((intent) => say(`clarify.intents.${intent}`)));
  });

  it('typing "2" answers the second choice', async () => {
    const send = sender(chat(), tag);
    expect((await send('xyzzy')).text).toBe(offer(['reminders', 'goodbye']));
    expect((await send('2')).text).toBe(say('goodbye.reply'));
  });

  it('typing "1" or pressing the button (its words) answers that choice', async () => {
    const typed = sender(chat(), tag);
    await typed('xyzzy');
    expect((await typed('1')).text).toBe(say('reminders.unavailable'));
    const pressed = sender(chat(), tag);
    await pressed('xyzzy');
    expect((await pressed(say('clarify.intents.reminders'))).text).toBe(say('reminders.unavailable'));
  });

  it('two misses in a row offer the office and the helpline, without echoing', async () => {
    const send = sender(chat(), tag);
    expect((await send(miss)).text).toBe(say('none.reply'));
    const second = (await send(miss)).text ?? '';
    expect(second).toBe(say('clarify.escalate'));
    expect(second).toContain('888-208-4485');
    expect(second).toContain(say('commands.contact_office'));
    expect(second).not.toContain(miss);
  });

  it('choices that are not taken, then another miss, also lead to the office and the helpline', async () => {
    const send = sender(chat(), tag);
    await send('xyzzy');
    expect((await send(miss)).text).toBe(say('clarify.escalate'));
  });

  it('a miss followed by a question it understands gets that answer, and the count starts over', async () => {
    const send = sender(chat(), tag);
    expect((await send(miss)).text).toBe(say('none.reply'));
    expect((await send(thanks)).text).toBe(say('goodbye.reply'));
    expect((await send(miss)).text).toBe(say('none.reply'));
  });

  it('says goodbye warmly, and says honestly that reminders are not there yet', async () => {
    const send = sender(chat(), tag);
    expect((await send(thanks)).text).toBe(say('goodbye.reply'));
    expect((await send(locale === 'en' ? 'remind me' : locale === 'zh-Hans' ? '提醒我' : 'recuérdame')).text).toBe(say('reminders.unavailable'));
  });
});

describe('on SMS', () => {
  it('the choices are numbered lines without buttons, and "1" works', async () => {
    const send = sender(chat('sms'), 'en-US');
    const reply = await send('xyzzy');
    expect(reply.text).toContain(`1. ${sayIn('en')('clarify.intents.reminders')}`);
    expect(reply.suggestedActions).toBeUndefined();
    expect((await send('1')).text).toBe(sayIn('en')('reminders.unavailable'));
  });
});

describe('a sign-in that finishes while a "did you mean" is pending', () => {
  it('still signs the parent in (the pending question does not swallow it)', async () => {
    const world = await createWorld();
    try {
      const chat = openChat(world);
      await chat.say('balance');
      await chat.say('cancel');
      expect(texts(await chat.say('zebras'))).toEqual([sayIn('en')('none.reply')]);
      expect(texts(await chat.signInAs(MARIA.subject))).toEqual([sayIn('en')('linking.intro'), sayIn('en')('linking.ask_ssn')]);
    } finally {
      await world.database.close();
    }
  });
});
