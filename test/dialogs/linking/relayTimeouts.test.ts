/**
 * Relay users type slowly, through an operator: a prompt waits at least 5 minutes for an answer.
 * The clock is the dialogs' own, moved by the test; the verified session's 15-minute idle limit
 * still holds afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sayIn } from '../../../dialogs/messages.js';
import { createWorld, JAMES, joined, MARIA, openChat, texts, type World } from '../support/account.js';

const en = sayIn('en');
const MINUTE = 60_000;

let world: World;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world.database.close();
});

/**
 * Only SMS verifies in the chat (web chat TTY users sign in with NY.gov); a relay reaches it through a
 * TTY number, and the SMS adapter, not the bot, folds its replies to Baudot capitals.
 */
const CASES = [
  { label: 'SMS', channelId: 'sms', person: JAMES, suffix: '', fold: (text: string) => text },
  { label: 'TTY relay over SMS', channelId: 'sms', person: MARIA, suffix: ' GA', fold: (text: string) => text },
] as const;

describe.each(CASES)('$label: answers 6 minutes apart still get the balance', ({ channelId, person, suffix, fold }) => {
  it('asks the SSN, takes it 6 minutes later, the PIN 6 minutes after that, and answers; idle 16 minutes asks again', async () => {
    const chat = openChat(world, 'en-US', undefined, channelId);
    const say = (text: string) => chat.say(`${text}${suffix}`);

    const asked = joined(await say('balance'));
    expect(asked).toContain(fold(en('linking.ask_ssn')));
    expect(world.signIn.links).toBe(0);

    world.clock.advance(6 * MINUTE);
    const pinAsked = joined(await say(person.ssn));
    expect(pinAsked).toContain(fold(en('linking.ask_pin')));
    expect(pinAsked).not.toContain(fold(en('linking.ask_ssn')));

    world.clock.advance(6 * MINUTE);
    const answered = joined(await say(person.pin));
    expect(answered).toContain(fold(en('textVerify.verified')));
    expect(answered).toContain('$1,125.00');

    // Used 14 minutes later: still inside the idle limit, and the use keeps the session going.
    world.clock.advance(14 * MINUTE);
    const again = joined(await say('balance'));
    expect(again).toContain('$1,125.00');
    expect(again).not.toContain(fold(en('linking.ask_ssn')));

    // Left 16 minutes: the session is over, the parent is asked to verify again.
    world.clock.advance(16 * MINUTE);
    const lapsed = texts(await say('balance')).join('\n');
    expect(lapsed).toContain(fold(en('linking.ask_ssn')));
    expect(lapsed).not.toContain('$1,125.00');
  });

  it('a retry prompt after a mistyped SSN waits too: 6 minutes later the SSN is still taken', async () => {
    const chat = openChat(world, 'en-US', undefined, channelId);
    const say = (text: string) => chat.say(`${text}${suffix}`);
    await say('balance');
    world.clock.advance(6 * MINUTE);
    expect(joined(await say('12345'))).toContain(fold(en('linking.ssn_invalid')));
    world.clock.advance(6 * MINUTE);
    expect(joined(await say(person.ssn))).toContain(fold(en('linking.ask_pin')));
    world.clock.advance(6 * MINUTE);
    expect(joined(await say(person.pin))).toContain('$1,125.00');
  });
});
