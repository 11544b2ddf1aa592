/**
 * Regression for "MORE after the session expired returns the next page of payments", on any
 * channel: the payment history's own "more" turns the page only while the session is live.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SESSION_IDLE_MS } from '../../../db/repositories/sessions.js';
import { sayIn } from '../../../dialogs/messages.js';
import { createWorld, joined, MARIA, signedInChat, type World } from '../support/account.js';

const en = sayIn('en');

describe('payment history "more" and the verified session', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  }, 60_000);
  afterAll(() => world.database.close());

  it('shows the next page while the session is live, and nothing from the account once it has idled out', async () => {
    const { chat } = await signedInChat(world, MARIA);
    expect(joined(await chat.say('payment history'))).toContain(en('history.more'));
    expect(joined(await chat.say('more'))).toContain('October 2, 2026');
    world.clock.advance(SESSION_IDLE_MS + 1000);
    const after = joined(await chat.say('more'));
    expect(after).toBe(en('account.session_ended'));
    expect(after).not.toMatch(/\$\d/);
  }, 30_000);
});
