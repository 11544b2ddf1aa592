/**
 * The sign-in, linking and balance journeys, end to end through the bot on a seeded database with
 * database-backed state, a fixed clock and a captured log.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { sql } from 'kysely';
import { conversationKey } from '../../../dialogs/auth/conversation.js';
import { helpText, sayIn } from '../../../dialogs/messages.js';
import { useSession } from '../../../db/repositories/sessions.js';
import {
  createWorld,
  ISSUER,
  JAMES,
  MARIA,
  NEW_USER_SUBJECT,
  openChat,
  ROBERT,
  signedInChat,
  texts,
  WEI,
  joined,
  type Chat,
  type World,
} from '../support/account.js';

const en = sayIn('en');
const zh = sayIn('zh-Hans');
const MINUTE = 60_000;

let world: World;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world.database.close();
});

function linkOf(replies: readonly Partial<Activity>[]): string {
  const match = /https:\/\/assistant\.example\.test\/signin\/[\w-]+/.exec(joined(replies));
  if (match === null) throw new Error(`no sign-in link in ${JSON.stringify(texts(replies))}`);
  return match[0];
}

async function startLinking(chat: Chat, subject: string): Promise<void> {
  await chat.say('balance');
  expect(texts(await chat.signInAs(subject))).toEqual([en('linking.intro'), en('linking.ask_ssn')]);
}

async function sessionRows(chat: Chat) {
  return world.database.db
    .selectFrom('verifiedSessions')
    .selectAll()
    .where('conversationKey', '=', conversationKey('test', chat.conversationId))
    .execute();
}

const SECRETS = ['900111001', '900-11-1001', '900 11 1001', '24680'];

function expectNoSecrets(label: string, text: string): void {
  for (const secret of SECRETS) expect({ label, leaks: text.includes(secret) }).toEqual({ label, leaks: false });
}

describe('Maria: balance, NY.gov sign-in, linking, answer', () => {
  let chat: Chat;
  let replies: Record<string, Partial<Activity>[]>;
  /** bot_state after every turn: the SSN step's state is gone once the dialog ends. */
  const stateDumps: string[] = [];
  const dumpState = async (): Promise<void> => {
    const rows = await sql<{ document: string }>`select document::text as document from bot_state`.execute(world.database.db);
    stateDumps.push(rows.rows.map((r) => r.document).join('\n'));
  };

  beforeAll(async () => {
    chat = openChat(world);
    replies = {};
    replies.balance = await chat.say('balance');
    await dumpState();
    replies.event = await chat.signInAs(MARIA.subject);
    await dumpState();
    replies.ssn = await chat.say('900 11 1001');
    await dumpState();
    replies.pin = await chat.say(MARIA.pin);
    await dumpState();
  });

  it('first sends a sign-in link that works as plain text, with a button too', () => {
    const [message] = replies.balance ?? [];
    const url = linkOf(replies.balance ?? []);
    expect(message?.text).toBe(en('auth.sign_in_link', { url, count: 10 }));
    expect(message?.text).toContain('10 minutes');
    const card = message?.attachments?.[0]?.content as { buttons?: { type: string; value: string }[] } | undefined;
    expect(card?.buttons?.[0]).toMatchObject({ type: 'openUrl', value: url });
  });

  it('asks for the SSN, then the PIN, then says the account is linked and answers', () => {
    expect(texts(replies.event ?? [])).toEqual([en('linking.intro'), en('linking.ask_ssn')]);
    expect(texts(replies.ssn ?? [])).toEqual([en('linking.ask_pin')]);
    const [linked, balance] = texts(replies.pin ?? []);
    expect(linked).toBe(en('linking.success'));
    expect(linked).toMatch(/linked/);
    expect(balance).toContain('$1,125.00');
    expect(balance).toContain(en('balance.custodial.owed', { caseEnding: '0101', amount: '$1,125.00' }));
    expect(balance).toContain(en('balance.custodial.next_due', { amount: '$125.00', date: 'November 27, 2026' }));
    expect(balance).toContain(en('balance.heading', { date: 'November 20, 2026' }));
    expect(balance).not.toContain('CS24000101');
  });

  it('links the identity to Maria for good and opens a session for this conversation', async () => {
    const link = await world.database.db.selectFrom('identityLinks').selectAll().where('subject', '=', MARIA.subject).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ issuer: ISSUER, personId: MARIA.personId, failedAttempts: 0 });
    const sessions = await sessionRows(chat);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ personId: MARIA.personId, method: 'nygov', subject: MARIA.subject, endedAt: null });
  });

  it('answers the next balance question at once, without signing in again', async () => {
    const next = texts(await chat.say('how much do i owe'));
    expect(next).toHaveLength(1);
    expect(next[0]).toContain('$1,125.00');
  });

  it('audits sign-in, the link attempt and the account view, with channel and conversation hash', async () => {
    const hash = conversationKey('test', chat.conversationId);
    const rows = await world.database.db.selectFrom('auditLog').selectAll().where('conversationHash', '=', hash).orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ['sign_in', 'success'],
      ['link_attempt', 'success'],
      ['account_view', 'success'],
      ['account_view', 'success'],
    ]);
    expect(rows[0]).toMatchObject({ identityIssuer: ISSUER, identitySubject: MARIA.subject, channel: 'test' });
    expect(rows[1]).toMatchObject({ personId: MARIA.personId, identitySubject: MARIA.subject });
    expect(rows[2]).toMatchObject({ personId: MARIA.personId, caseNumber: 'CS24000101' });
  });

  it('never shows, stores, audits or logs the SSN or PIN', async () => {
    for (const reply of chat.transcript) expectNoSecrets('reply', JSON.stringify(reply));
    const state = await sql<{ key: string; document: string }>`select key, document::text as document from bot_state`.execute(world.database.db);
    expect(state.rows.length).toBeGreaterThan(0);
    for (const row of state.rows) expectNoSecrets(`bot_state ${row.key}`, row.document);
    expect(stateDumps).toHaveLength(4);
    expect(stateDumps[2]).toContain('ssnHmac');
    for (const [turn, dump] of stateDumps.entries()) expectNoSecrets(`bot_state after turn ${turn}`, dump);
    const audit = await sql<{ row: string }>`select row_to_json(a)::text as row from audit_log a`.execute(world.database.db);
    for (const row of audit.rows) expectNoSecrets('audit', row.row);
    expect(world.logLines.length).toBeGreaterThan(0);
    for (const line of world.logLines) expectNoSecrets('log', line);
  });
});

describe('linking', () => {
  it('re-asks a malformed SSN clearly, at most three times, then stops politely', async () => {
    const chat = openChat(world);
    await startLinking(chat, 'nygov-test-malformed');
    for (const bad of ['12345', 'my number', '1234567890']) {
      expect(texts(await chat.say(bad))).toEqual([en('linking.ssn_invalid')]);
    }
    expect(texts(await chat.say('90011100'))).toEqual([en('linking.gave_up')]);
    expect(texts(await chat.say('hello'))).toEqual([en('greeting.reply')]);
  });

  it('re-asks a PIN that is not exactly 5 digits', async () => {
    const chat = openChat(world);
    await startLinking(chat, 'nygov-test-badpin');
    await chat.say(WEI.ssn);
    expect(texts(await chat.say('1234'))).toEqual([en('linking.pin_invalid')]);
    expect(texts(await chat.say('123456'))).toEqual([en('linking.pin_invalid')]);
    expect(texts(await chat.say('cancel'))).toEqual([en('cancel.done')]);
  });

  it('gives a wrong SSN and a wrong PIN the same words, in Chinese too; success resets the counters', async () => {
    const chat = openChat(world, 'zh-CN');
    await chat.say('余额');
    expect(texts(await chat.signInAs(WEI.subject))).toEqual([zh('linking.intro'), zh('linking.ask_ssn')]);
    await chat.say('900-11-1099');
    const unknownSsn = texts(await chat.say('11111'));
    await chat.say(WEI.ssn);
    const wrongPin = texts(await chat.say('11112'));
    expect(unknownSsn).toEqual([zh('linking.no_match'), zh('linking.ask_ssn')]);
    expect(wrongPin).toEqual(unknownSsn);

    const counts = await world.database.db.selectFrom('accountPins').select('failedAttempts').where('personId', '=', WEI.personId).executeTakeFirstOrThrow();
    expect(counts.failedAttempts).toBe(1);

    await chat.say(WEI.ssn);
    const [linked, balance] = texts(await chat.say(WEI.pin));
    expect(linked).toBe(zh('linking.success'));
    expect(balance).toContain('$2,700.00');
    expect(balance).toContain(zh('balance.custodial.owed', { caseEnding: '0202', amount: '$2,700.00' }));
    expect(balance).toContain('2026年12月1日');
    expect(balance).toContain('2026年11月20日');

    const after = await world.database.db.selectFrom('accountPins').select('failedAttempts').where('personId', '=', WEI.personId).executeTakeFirstOrThrow();
    expect(after.failedAttempts).toBe(0);
    const identity = await world.database.db.selectFrom('identityLinks').selectAll().where('subject', '=', WEI.subject).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ personId: WEI.personId, failedAttempts: 0, lockedUntil: null });
  });

  it('a NY.gov account with no child support case: from the third miss a kind explanation and the helpline, then the lock', async () => {
    const chat = openChat(world);
    await startLinking(chat, NEW_USER_SUBJECT);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await chat.say(`900-22-000${attempt}`);
      expect(texts(await chat.say('12345'))).toEqual([en('linking.no_match'), en('linking.ask_ssn')]);
    }
    await chat.say('900-22-0003');
    const final = texts(await chat.say('12345'));
    // The explanation, and the parent may still try again.
    expect(final).toEqual([en('linking.not_found'), en('linking.ask_ssn')]);
    expect(final[0]).toContain('888-208-4485');
    expect(final[0]).toContain('866-875-9975');
    const identity = await world.database.db.selectFrom('identityLinks').selectAll().where('subject', '=', NEW_USER_SUBJECT).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ personId: null, failedAttempts: 3 });
    await chat.say('cancel');
    const audit = await world.database.db.selectFrom('auditLog').selectAll().where('identitySubject', '=', NEW_USER_SUBJECT).where('action', '=', 'link_attempt').execute();
    expect(audit.map((a) => [a.outcome, a.personId])).toEqual([
      ['failure', null],
      ['failure', null],
      ['failure', null],
    ]);
  });

  it('a second sign-in of a linked identity skips linking', async () => {
    await signedInChat(world, MARIA);
    const chat = openChat(world);
    await chat.say('balance');
    const [signedIn, balance] = texts(await chat.signInAs(MARIA.subject));
    expect(signedIn).toBe(en('auth.signed_in'));
    expect(balance).toContain('$1,125.00');
  });
});

describe('James: lockout after five wrong PINs', () => {
  it('locks, refuses even the right PIN afterwards, in a new conversation and after a restart', async () => {
    const chat = openChat(world);
    await startLinking(chat, JAMES.subject);
    // Five wrong PINs in one go: the parent may keep trying until the lock.
    const wrong = ['11111', '22222', '33333', '44444'];
    for (const [index, pin] of wrong.entries()) {
      await chat.say(JAMES.ssn);
      const answer = texts(await chat.say(pin));
      expect(answer).toEqual([en(index < 2 ? 'linking.no_match' : 'linking.not_found'), en('linking.ask_ssn')]);
    }
    await chat.say(JAMES.ssn);
    const locked = texts(await chat.say('55555'));
    expect(locked).toEqual([en('linking.locked')]);
    expect(locked[0]).toContain('888-208-4485');
    expect(locked[0]).toContain('866-875-9975');

    // Typing the SSN and the right PIN again out of turn: the lock notice again, nothing checked.
    expect(texts(await chat.say(JAMES.ssn))).toEqual([en('linking.locked')]);
    expect(texts(await chat.say(JAMES.pin))).toEqual([en('linking.locked')]);

    // The sixth try: James's own identity is refused before any SSN is asked.
    await chat.say('balance');
    expect(texts(await chat.signInAs(JAMES.subject))).toEqual([en('linking.locked')]);

    // His right PIN, from another NY.gov sign-in in a brand-new conversation, is refused unread, in
    // the words of a mismatch: only the conversation that reached the lock is told of it.
    const other = openChat(world);
    await startLinking(other, 'nygov-test-other-device');
    await other.say(JAMES.ssn);
    expect(texts(await other.say(JAMES.pin))).toEqual([en('linking.no_match'), en('linking.ask_ssn')]);

    // And after a restart: a new bot, state and storage on the same database.
    const restarted = await createWorld(world);
    const third = openChat(restarted);
    await third.say('balance');
    expect(texts(await third.signInAs('nygov-test-after-restart'))).toEqual([en('linking.intro'), en('linking.ask_ssn')]);
    await third.say(JAMES.ssn);
    expect(texts(await third.say(JAMES.pin))).toEqual([en('linking.no_match'), en('linking.ask_ssn')]);

    const pin = await world.database.db.selectFrom('accountPins').selectAll().where('personId', '=', JAMES.personId).executeTakeFirstOrThrow();
    expect(pin.failedAttempts).toBe(5);
    expect(pin.lockedUntil?.getTime()).toBe(world.clock.now().getTime() + 24 * 60 * MINUTE);
    const lockouts = await world.database.db.selectFrom('auditLog').selectAll().where('action', '=', 'lockout').where('personId', '=', JAMES.personId).execute();
    expect(lockouts).toHaveLength(1);
    const linked = await world.database.db.selectFrom('identityLinks').select('personId').where('subject', 'in', [JAMES.subject, 'nygov-test-other-device']).execute();
    expect(linked.every((row) => row.personId === null)).toBe(true);
  });
});

describe('sessions', () => {
  it('ends after 15 idle minutes: the next question asks to sign in again', async () => {
    const { chat, firstBalance } = await signedInChat(world, MARIA);
    expect(joined(firstBalance)).toContain('$1,125.00');
    world.clock.advance(14 * MINUTE);
    expect(joined(await chat.say('balance'))).toContain('$1,125.00');
    world.clock.advance(14 * MINUTE);
    expect(joined(await chat.say('balance'))).toContain('$1,125.00');
    world.clock.advance(15 * MINUTE + 1);
    const again = await chat.say('balance');
    expect(texts(again)).toEqual([en('auth.sign_in_link', { url: linkOf(again), count: 10 })]);
  });

  it('ends 12 hours after it began, however active', async () => {
    const { chat } = await signedInChat(world, MARIA);
    const key = conversationKey('test', chat.conversationId);
    for (let elapsed = 10; elapsed < 12 * 60; elapsed += 10) {
      world.clock.advance(10 * MINUTE);
      expect({ elapsed, valid: (await useSession(world.database.db, key, world.clock.now())) !== null }).toEqual({ elapsed, valid: true });
    }
    world.clock.advance(10 * MINUTE);
    const again = await chat.say('balance');
    expect(linkOf(again)).toMatch(/signin/);
    expect(joined(again)).not.toContain('$');
  });

  it('sign out ends the session on the server at once', async () => {
    const { chat } = await signedInChat(world, MARIA);
    expect(texts(await chat.say('sign out'))).toEqual([en('sign_out.done')]);
    const sessions = await sessionRows(chat);
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.endedAt !== null)).toBe(true);
    const again = await chat.say('balance');
    expect(texts(again)).toEqual([en('auth.sign_in_link', { url: linkOf(again), count: 10 })]);
  });
});

describe('while waiting for sign-in', () => {
  it('answers help, then reminds with a fresh link; other text gets a reminder', async () => {
    const chat = openChat(world);
    const first = linkOf(await chat.say('balance'));
    const help = await chat.say('help');
    expect(texts(help)[0]).toBe(helpText('en'));
    expect(texts(help)[1]).toBe(en('auth.sign_in_reminder', { url: linkOf(help.slice(1)), count: 10 }));
    const other = await chat.say('the sky is green today');
    expect(texts(other)).toEqual([en('auth.sign_in_reminder', { url: linkOf(other), count: 10 })]);
    expect(linkOf(other)).not.toBe(first);
    expect(texts(await chat.say('cancel'))).toEqual([en('cancel.done')]);
  });

  it('a forged or foreign completion event grants nothing', async () => {
    const chat = openChat(world);
    await chat.say('balance');
    const forged = await chat.event({ requestId: 'made-up' });
    expect(texts(forged)).toEqual([en('auth.sign_in_not_completed', { url: linkOf(forged), count: 10 })]);
    expect(texts(await chat.event('not even an object'))).toHaveLength(1);

    // Another conversation's completed sign-in does not sign this one in.
    const victim = openChat(world);
    await victim.say('balance');
    const stolen = world.signIn.complete(victim.conversationId, MARIA.subject);
    const replayed = await chat.event({ requestId: stolen });
    expect(texts(replayed)[0]).toBe(en('auth.sign_in_not_completed', { url: linkOf(replayed), count: 10 }));
    expect(await sessionRows(chat)).toEqual([]);

    // With nothing waiting, a forged event is not even answered.
    const idle = openChat(world);
    expect(await idle.event({ requestId: 'made-up' })).toEqual([]);
    expect(await sessionRows(idle)).toEqual([]);
    const rejected = await world.database.db.selectFrom('auditLog').selectAll().where('action', '=', 'sign_in').where('outcome', '=', 'rejected').execute();
    expect(rejected.length).toBeGreaterThanOrEqual(4);
  });

  it('ignores a completion event that arrives while the SSN is being asked', async () => {
    const chat = openChat(world);
    await startLinking(chat, 'nygov-test-late-event');
    expect(await chat.event({ requestId: 'whatever' })).toEqual([]);
    expect(texts(await chat.say('12'))).toEqual([en('linking.ssn_invalid')]);
  });

  it('a sign-in finished after cancelling still signs in', async () => {
    const chat = openChat(world);
    await chat.say('balance');
    await chat.say('cancel');
    const replies = texts(await chat.signInAs(MARIA.subject));
    expect(replies).toEqual([en('auth.signed_in'), en('auth.ready')]);
    expect(await sessionRows(chat)).toHaveLength(1);
  });
});

describe('a sign-in finished in another browser (its page shows a code)', () => {
  it('is not taken without the code; the right code, spaces allowed, signs in and answers', async () => {
    const chat = openChat(world);
    await chat.say('balance');
    const code = world.signIn.completeElsewhere(chat.conversationId, MARIA.subject, '482913');
    // A completion event for it (the link's holder can compute the request id) takes nothing.
    const requestId = [...world.signIn.requests.entries()].reverse().find(([, r]) => r.conversationId === chat.conversationId)?.[0];
    const forged = await chat.event({ requestId });
    expect(texts(forged)[0]).toBe(en('auth.sign_in_not_completed', { url: linkOf(forged), count: 10 }));
    expect(texts(await chat.say('123 456'))).toEqual([en('auth.code_wrong')]);
    const [signedIn, balance] = texts(await chat.say(`${code.slice(0, 3)} ${code.slice(3)}`));
    expect(signedIn).toBe(en('auth.signed_in'));
    expect(balance).toContain('$1,125.00');
    for (const reply of chat.transcript) expect(JSON.stringify(reply)).not.toContain(code);
    const audit = await world.database.db.selectFrom('auditLog').selectAll().where('conversationHash', '=', conversationKey('test', chat.conversationId)).where('action', '=', 'sign_in').orderBy('id').execute();
    expect(audit.map((a) => a.outcome)).toEqual(['rejected', 'code_wrong', 'success']);
  });

  it('five wrong codes end it with a fresh link, in Spanish too; a code with nothing waiting gets a fresh link', async () => {
    const es = sayIn('es');
    const chat = openChat(world, 'es-US');
    await chat.say('saldo');
    world.signIn.completeElsewhere(chat.conversationId, MARIA.subject, '482913');
    for (let i = 0; i < 4; i += 1) expect(texts(await chat.say('000000'))).toEqual([es('auth.code_wrong')]);
    const ended = await chat.say('000001');
    expect(texts(ended)).toEqual([es('auth.code_ended', { url: linkOf(ended), count: 10 })]);
    const none = await chat.say('482913');
    expect(texts(none)).toEqual([es('auth.code_none', { url: linkOf(none), count: 10 })]);
    expect(joined(chat.transcript)).not.toContain('$');
  });

  it('expires 5 minutes after the sign-in', async () => {
    const chat = openChat(world);
    await chat.say('balance');
    world.signIn.completeElsewhere(chat.conversationId, MARIA.subject, '482913');
    world.clock.advance(5 * MINUTE + 1);
    const late = await chat.say('482913');
    expect(texts(late)).toEqual([en('auth.code_none', { url: linkOf(late), count: 10 })]);
  });
});

describe('web chat in TTY mode: NY.gov only, the link kept whole', () => {
  it('"balance GA" gets the sign-in link, never an SSN prompt; "sign in" too', async () => {
    const chat = openChat(world);
    const answer = await chat.say('balance GA');
    const link = linkOf(answer);
    // Folded to TTY capitals, but the link's case-sensitive token is kept exactly.
    expect(texts(answer)).toEqual([`${en('auth.sign_in_link', { url: link, count: 10 }).toUpperCase().replace(link.toUpperCase(), link).replace(/[ \t]*\n[ \t]*/g, '\n')} GA`]);
    expect(joined(answer)).not.toContain(en('linking.ask_ssn').toUpperCase());
    expect(world.signIn.links).toBeGreaterThan(0);
    const again = await chat.say('sign in GA');
    expect(joined(again)).toContain(linkOf(again));
    expect(joined(again)).not.toContain(en('auth.tty_sign_in').toUpperCase().slice(0, 30));
    // Signing in still works.
    const [signedIn, balance] = texts(await chat.signInAs(MARIA.subject));
    expect(signedIn?.toUpperCase()).toContain(en('auth.signed_in').toUpperCase());
    expect(balance).toContain('$1,125.00');
  });
});

describe('sign in on its own', () => {
  it('signs in, then says what next; a second time says already signed in', async () => {
    const chat = openChat(world);
    expect(linkOf(await chat.say('sign in'))).toMatch(/signin/);
    expect(texts(await chat.signInAs(MARIA.subject))).toEqual([en('auth.signed_in'), en('auth.ready')]);
    expect(texts(await chat.say('log in'))).toEqual([en('auth.already_signed_in')]);
  });
});

describe('Robert: two cases', () => {
  it('shows both balances, as the paying parent, by the last four digits', async () => {
    const { firstBalance } = await signedInChat(world, ROBERT);
    const text = joined(firstBalance);
    expect(text).toContain(en('balance.noncustodial.owed', { caseEnding: '0303', amount: '$420.00' }));
    expect(text).toContain(en('balance.noncustodial.owed', { caseEnding: '0404', amount: '$1,950.00' }));
    expect(text).toContain(en('balance.noncustodial.next_due', { amount: '$210.00', date: 'December 4, 2026' }));
    expect(text).toContain(en('balance.noncustodial.next_due', { amount: '$150.00', date: 'November 27, 2026' }));
    expect(text).not.toMatch(/CS2[25]/);
  });
});

describe('PIN help', () => {
  it('explains where the PIN is; not signed in, it says how to get a new one mailed', async () => {
    const chat = openChat(world);
    const replies = texts(await chat.say('I lost my PIN'));
    expect(replies).toEqual([en('pin.help'), en('pin.mail_after_sign_in')]);
    expect(replies[0]).toContain('888-208-4485');
    expect(replies[0]).toContain('866-875-9975');
  });

  it('signed in: mails a new PIN after the SSN of the signed-in person, recorded and audited', async () => {
    const { chat } = await signedInChat(world, MARIA);
    expect(texts(await chat.say('I lost my PIN'))).toEqual([en('pin.help'), en('pin.offer_mail')]);
    expect(texts(await chat.say('yes'))).toEqual([en('pin.ask_ssn')]);
    // Someone else's SSN gets the same words as a failed link.
    expect(texts(await chat.say(JAMES.ssn))).toEqual([en('linking.no_match'), en('pin.ask_ssn')]);
    const done = texts(await chat.say(MARIA.ssn));
    expect(done).toEqual([en('pin.mail_requested')]);
    expect(done[0]).not.toContain('Demo Street');
    const requests = await world.database.db.selectFrom('pinMailRequests').selectAll().where('personId', '=', MARIA.personId).execute();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ channel: 'test', status: 'requested' });
    const audit = await world.database.db.selectFrom('auditLog').selectAll().where('action', '=', 'pin_remail_request').execute();
    expect(audit.map((a) => [a.outcome, a.personId])).toEqual([
      ['failure', MARIA.personId],
      ['success', MARIA.personId],
    ]);
  });

  it('a "no" requests nothing', async () => {
    const { chat } = await signedInChat(world, ROBERT);
    await chat.say('pin');
    expect(texts(await chat.say('no'))).toEqual([en('pin.mail_declined')]);
    const requests = await world.database.db.selectFrom('pinMailRequests').selectAll().where('personId', '=', ROBERT.personId).execute();
    expect(requests).toEqual([]);
  });
});
