/**
 * The wrong answers, end to end on the demo data (as of 2026-11-20) with the recognizer
 * the bot runs with: "when is my next payment" used to list past payments (it is the next payment
 * due, which the balance answer gives); "when will I get my money" listed past disbursements
 * without a word on the next one (Ana's $210.00 of November 20 is not sent yet).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sayIn } from '../../../dialogs/messages.js';
import { createWorld, joined, MARIA, signedInChat, type World } from '../support/account.js';

const en = sayIn('en');
const es = sayIn('es');
const ANA = { ssn: '900-11-1005', pin: '', subject: 'nygov-0005' };

let world: World;

beforeAll(async () => {
  world = await createWorld();
  // Ana's PIN is not in the test support: link her ahead, as an earlier sign-in would have.
  await world.database.db
    .insertInto('identityLinks')
    .values([{ issuer: 'https://nygov.example.test', subject: ANA.subject, personId: 'P-1005', linkedAt: new Date() }])
    .execute();
});

afterAll(async () => {
  await world.database.close();
});

describe('Maria (English)', () => {
  it('"when is my next payment" gives the next payment due: $125.00 on November 27, 2026', async () => {
    const { chat } = await signedInChat(world, MARIA);
    const text = joined(await chat.say('when is my next payment'));
    expect(text).toContain(en('balance.custodial.next_due', { amount: '$125.00', date: 'November 27, 2026' }));
    expect(text).not.toContain(en('history.more'));
  });

  it('"when will I get my money" lists what was sent, and says nothing is pending when nothing is', async () => {
    const { chat } = await signedInChat(world, MARIA);
    const text = joined(await chat.say('when will I get my money'));
    expect(text).toContain(en('disbursements.line', { date: 'November 10, 2026', amount: '$125.00', method: en('disbursements.method.direct_deposit') }));
    expect(text).not.toContain(en('disbursements.pending', { amount: '$125.00', date: 'November 6, 2026' }));
  });
});

describe('Ana (Spanish)', () => {
  it('"cuándo recibo mi dinero" names the payment not sent yet: $210.00 of November 20, 2026', async () => {
    const { chat } = await signedInChat(world, ANA, 'es-US');
    const text = joined(await chat.say('cuando recibo mi dinero'));
    expect(text).toContain(es('disbursements.pending', { amount: '$210.00', date: '20 de noviembre de 2026' }));
  });
});
