/**
 * Renders a TTY turn's outgoing activities for a Baudot TTY (capitals, no links, "GA"). The bot only
 * decides the mode (`setTextTurn`); the channel applies it. Direct Line renders in its adapter; this
 * middleware does it for adapters we do not own (the Bot Framework CloudAdapter). SMS renders a
 * whole turn at once in its own adapter and must not use it.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { textTurnOf } from '../../dialogs/text/mode.js';
import { ttyActivity } from './tty.js';

/** The activities as the turn's mode shows them: unchanged unless the turn is in TTY mode. */
export function renderForTurn(context: TurnContext, activities: readonly Partial<Activity>[]): Partial<Activity>[] {
  // Read at send time: "GA" or "TTY" may turn the mode on during the turn itself.
  return textTurnOf(context).tty ? activities.map(ttyActivity) : [...activities];
}

export class TtyRenderingMiddleware implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (ctx, activities, send) => {
      // Most turns are not TTY: leave their activities as they are, without copying them.
      if (textTurnOf(ctx).tty) activities.splice(0, activities.length, ...renderForTurn(ctx, activities));
      return send();
    });
    await next();
  }
}
