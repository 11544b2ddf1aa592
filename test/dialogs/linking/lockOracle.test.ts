/**
 * No oracle, clean lock bookkeeping: many parallel wrong PINs lock a person once (one lockout row,
 * the count stopped at five, the lock never pushed out), only the conversation that reached the
 * lock is told of it, and from any other conversation a locked person, a wrong PIN and an unknown
 * SSN get the very same words, in every language, by text and when linking a NY.gov sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sayIn } from '../../../dialogs/messages.js';
import type { Locale } from '../../../locales/i18n.js';
import { databaseKinds } from '../../helpers/database.js';
import { createWorld, openChat, texts, type Chat, type World } from '../support/account.js';

const TOM = { personId: 'P-1008', ssn: '900-11-1008', pin: '55667' } as const;
/** Wrong PINs for two unlocked people (three each, so neither reaches the lock). */
const GRACE = { personId: 'P-1009', ssn: '900-11-1009', pin: '99001' } as const;
const ANA = { personId: 'P-1005', ssn: '900-11-1005', pin: '11223' } as const;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const LOCALES: ReadonlyArray<readonly [string, Locale]> = [
  ['en-US', 'en'],
  ['zh-CN', 'zh-Hans'],
  ['es-US', 'es'],
];

describe.each(databaseKinds())('the PIN lock on %s', (kind) => {
  let world: World;
  let lockedAt: Date;
  let lockingChat: Chat | undefined;

  beforeAll(async () => {
    world = await createWorld(undefined, kind);
  });

  afterAll(async () => {
    await world.database.close();
  });

  /** A text (SMS) conversation at the PIN prompt for `ssn`. */
  async function atPinPrompt(ssn: string, locale = 'en-US'): Promise<Chat> {
    const chat = openChat(world, locale, undefined, 'sms');
    await chat.say(locale.startsWith('zh') ? '余额' : locale.startsWith('es') ? 'saldo' : 'balance');
    await chat.say(ssn);
    return chat;
  }

  it('20 parallel wrong PINs from 20 chats: counted to 5, one lockout row, only the locking chat is told', async () => {
    const en = sayIn('en');
    const chats: Chat[] = [];
    for (let i = 0; i < 20; i += 1) chats.push(await atPinPrompt(TOM.ssn));
    lockedAt = world.clock.now();
    const answers = await Promise.all(chats.map((chat) => chat.say('11111').then(texts)));

    const told = answers.flatMap((answer, index) => (answer[0] === en('linking.locked') ? [index] : []));
    expect(told).toHaveLength(1);
    lockingChat = chats[told[0] as number];
    for (const [index, answer] of answers.entries()) {
      if (index !== told[0]) expect(answer).toEqual([en('textVerify.no_match'), en('linking.ask_ssn')]);
    }

    const { db } = world.database;
    const pin = await db.selectFrom('accountPins').selectAll().where('personId', '=', TOM.personId).executeTakeFirstOrThrow();
    expect(pin.failedAttempts).toBe(5);
    expect(pin.lockedUntil?.getTime()).toBe(lockedAt.getTime() + DAY);
    const lockouts = await db.selectFrom('auditLog').selectAll().where('action', '=', 'lockout').where('personId', '=', TOM.personId).execute();
    expect(lockouts.map((row) => row.outcome)).toEqual(['person']);

    // An hour later, more failures: nothing counted, the lock not pushed out, no new lockout row.
    world.clock.advance(HOUR);
    const later = await atPinPrompt(TOM.ssn);
    expect(texts(await later.say('22222'))).toEqual([en('textVerify.no_match'), en('linking.ask_ssn')]);
    const after = await db.selectFrom('accountPins').selectAll().where('personId', '=', TOM.personId).executeTakeFirstOrThrow();
    expect(after.failedAttempts).toBe(5);
    expect(after.lockedUntil?.getTime()).toBe(lockedAt.getTime() + DAY);
    expect(await db.selectFrom('auditLog').select('id').where('action', '=', 'lockout').where('personId', '=', TOM.personId).execute()).toHaveLength(1);
  });

  it('out of turn, the SSN typed again gets the lock notice in the locking chat only', async () => {
    const en = sayIn('en');
    expect(texts(await (lockingChat as Chat).say(TOM.ssn))).toEqual([en('linking.locked')]);
    const other = await atPinPrompt(TOM.ssn);
    await other.say(TOM.pin);
    await other.say('cancel');
    expect(texts(await other.say(TOM.ssn))).toEqual([en('input.sensitive')]);
  });

  it.each(LOCALES)('by text in %s: a locked person, a wrong PIN and an unknown SSN get the same words', async (tag, locale) => {
    const say = sayIn(locale);
    const unknownSsn = texts(await (await atPinPrompt('900-99-0001', tag)).say('12345'));
    const wrongPin = texts(await (await atPinPrompt(GRACE.ssn, tag)).say('12345'));
    const lockedPerson = texts(await (await atPinPrompt(TOM.ssn, tag)).say(TOM.pin));
    expect(unknownSsn).toEqual([say('textVerify.no_match'), say('linking.ask_ssn')]);
    expect(wrongPin).toEqual(unknownSsn);
    expect(lockedPerson).toEqual(unknownSsn);
  });

  it.each(LOCALES)('linking a NY.gov sign-in in %s: the same words for all three too', async (tag, locale) => {
    const say = sayIn(locale);
    const attempt = async (subject: string, ssn: string, pin: string): Promise<string[]> => {
      const chat = openChat(world, tag);
      await chat.say(locale === 'zh-Hans' ? '余额' : locale === 'es' ? 'saldo' : 'balance');
      expect(texts(await chat.signInAs(subject))).toEqual([say('linking.intro'), say('linking.ask_ssn')]);
      await chat.say(ssn);
      return texts(await chat.say(pin));
    };
    const unknownSsn = await attempt(`oracle-unknown-${locale}`, '900-99-0002', '12345');
    const wrongPin = await attempt(`oracle-wrong-${locale}`, ANA.ssn, '12346');
    const lockedPerson = await attempt(`oracle-locked-${locale}`, TOM.ssn, TOM.pin);
    expect(unknownSsn).toEqual([say('linking.no_match'), say('linking.ask_ssn')]);
    expect(wrongPin).toEqual(unknownSsn);
    expect(lockedPerson).toEqual(unknownSsn);
  });

  it('the words of a mismatch name the 24-hour rule and the helpline, in every language', () => {
    for (const [, locale] of LOCALES) {
      for (const key of ['linking.no_match', 'textVerify.no_match', 'linking.not_found', 'textVerify.not_found']) {
        const text = sayIn(locale)(key);
        expect({ locale, key, has: ['24', '888-208-4485', '866-875-9975'].every((part) => text.includes(part)) }).toEqual({ locale, key, has: true });
      }
    }
  });
});
