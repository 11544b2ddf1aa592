/**
 * The bot decides the TTY mode, the channel renders it: through the middleware on adapters we do not
 * own (the CloudAdapter path), and never when the turn is not in TTY mode.
 */
import { describe, expect, it } from '@jest/globals';
import { TestAdapter, type TurnContext } from 'botbuilder';
import { TtyRenderingMiddleware } from '../../channels/text/TtyRenderingMiddleware.js';
import { BAUDOT_SAFE } from '../../channels/text/tty.js';
import { setTextTurn } from '../../dialogs/text/mode.js';

function adapterWith(tty: boolean): TestAdapter {
  const adapter = new TestAdapter(async (context: TurnContext) => {
    setTextTurn(context, { tty, locale: () => 'en' });
    await context.sendActivity({ text: 'Your **balance**: see https://example.gov/x', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Help', value: 'help' }] } });
  });
  adapter.use(new TtyRenderingMiddleware());
  return adapter;
}

describe('TtyRenderingMiddleware', () => {
  it('renders a TTY turn for a Baudot TTY: capitals, the link kept as issued (a web relay can open it), choices numbered, GA', async () => {
    await adapterWith(true)
      .send('balance')
      .assertReply((reply) => {
        expect((reply.text ?? '').replace('https://example.gov/x', '')).toMatch(BAUDOT_SAFE);
        expect(reply.text).toMatch(/^YOUR BALANCE: SEE https:\/\/example\.gov\/x/);
        expect(reply.text).toMatch(/REPLY 1 FOR HELP GA$/);
        expect(reply.suggestedActions).toBeUndefined();
      })
      .startTest();
  });

  it('leaves any other turn as the bot wrote it', async () => {
    await adapterWith(false)
      .send('balance')
      .assertReply((reply) => {
        expect(reply.text).toBe('Your **balance**: see https://example.gov/x');
        expect(reply.suggestedActions?.actions).toHaveLength(1);
      })
      .startTest();
  });
});
