/**
 * Regression for "You have {{number}} cases" (and its instructions running into list item 2):
 * Robert Johnson, who pays on two cases, is asked which one, in each language, through the bot.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sayIn } from '../../../dialogs/messages.js';
import { createWorld, joined, ROBERT, signedInChat, type World } from '../support/account.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world.database.close();
});

describe.each([
  ['en-US', 'en', 'last payment', 'You have 2 cases.'],
  ['zh-CN', 'zh-Hans', '上次付款', '您有 2 个案件。'],
  ['es-US', 'es', 'último pago', 'Usted tiene 2 casos.'],
] as const)('case question in %s', (tag, locale, ask, counted) => {
  it('says how many cases, lists both, and gives the instructions as a paragraph of their own', async () => {
    const say = sayIn(locale);
    const { chat } = await signedInChat(world, ROBERT, tag);
    const question = joined(await chat.say(ask));
    expect(question).not.toContain('{{');
    expect(question).toContain(counted);
    const item2 = say('cases.item', { index: 2, label: say('cases.label', { caseEnding: '0303', children: 'Lucas' }) });
    expect(question).toContain(say('cases.item', { index: 1, label: say('cases.label', { caseEnding: '0404', children: 'Jordan' }) }));
    // A blank line after the last item: markdown ends the list there instead of continuing item 2.
    expect(question).toContain(`${item2}\n\n${say('cases.ask_hint')}`);
  }, 30_000);
});
