/**
 * Regression for "every table answer is shown twice" (text, then the same as a card: 1,731 px of a
 * phone screen): where cards show, a table answer is a one-line summary plus the card; by SMS (and
 * TTY) it is the whole answer as text, every line, and that is what the SMS renderer sends.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { renderActivities } from '../../../channels/text/render.js';
import { ADAPTIVE_CARD_CONTENT_TYPE } from '../../../dialogs/account/present.js';
import { sayIn } from '../../../dialogs/messages.js';
import { createWorld, JAMES, MARIA, openChat, signedInChat, type World } from '../support/account.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world.database.close();
});

interface Card {
  body: { type: string; text?: string; rows?: { cells: { items: { text: string }[] }[] }[] }[];
}

function tableRows(reply: Partial<Activity>): string[][] {
  const card = reply.attachments?.[0]?.content as Card;
  const table = card.body.find((b) => b.type === 'Table');
  return (table?.rows ?? []).slice(1).map((row) => row.cells.map((cell) => cell.items[0]?.text ?? ''));
}

function cardTexts(reply: Partial<Activity>): string[] {
  const card = reply.attachments?.[0]?.content as Card;
  return card.body.filter((b) => b.type === 'TextBlock').map((b) => b.text ?? '');
}

describe('a table answer', () => {
  it.each(['payments', 'last payment', 'disbursements', 'order'])('"%s" in web chat: a short summary above the card, each figure shown once', async (question) => {
    const { chat } = await signedInChat(world, MARIA);
    const [reply, ...rest] = (await chat.say(question)).filter((r) => r.type === 'message');
    expect(rest).toEqual([]);
    expect(reply?.attachments?.[0]?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    const summary = reply?.text ?? '';
    expect(summary.split('\n')).toHaveLength(1);
    // The summary is the heading, which the card does not repeat; no row's amount is in the text.
    expect(cardTexts(reply as Partial<Activity>)).not.toContain(summary);
    const rows = tableRows(reply as Partial<Activity>);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) for (const cell of row) if (/\$\d/.test(cell)) expect(summary).not.toContain(cell);
  }, 30_000);

  it('by SMS: the whole answer as text, every row, and the SMS renderer sends every line of it', async () => {
    const web = await signedInChat(world, JAMES);
    const [webReply] = (await web.chat.say('payments')).filter((r) => r.type === 'message');
    const rows = tableRows(webReply as Partial<Activity>);
    const footer = cardTexts(webReply as Partial<Activity>);

    const sms = openChat(world, 'en-US', undefined, 'sms');
    await sms.say('balance');
    await sms.say(JAMES.ssn);
    await sms.say(JAMES.pin);
    const replies = (await sms.say('payments')).filter((r) => r.type === 'message');
    expect(replies.every((r) => (r.attachments ?? []).length === 0)).toBe(true);
    const rendered = renderActivities(replies, 'en').text;
    for (const [date, amount] of rows) {
      expect(rendered).toContain(date);
      expect(rendered).toContain(amount);
    }
    // One paging word per channel: on SMS the history's "more" line speaks of the pager's MORE.
    const webMore = sayIn('en')('history.more');
    expect(footer).toContain(webMore);
    expect(rendered).not.toContain(webMore);
    const smsFooter = footer.map((line) => (line === webMore ? sayIn('en', 'sms')('history.more') : line));
    for (const line of [webReply?.text ?? '', ...smsFooter]) expect(rendered).toContain(line);
  }, 30_000);
});
