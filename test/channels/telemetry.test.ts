import { describe, expect, it } from '@jest/globals';
import { TestAdapter } from 'botbuilder';
import { TurnMetricsMiddleware, channelLabel, createMetrics } from '../../channels/telemetry.js';

describe('TurnMetricsMiddleware', () => {
  it('counts turns and failed turns by channel', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const adapter = new TestAdapter(async (context) => {
      if (context.activity.text === 'boom') throw new Error('boom');
      await context.sendActivity('ok');
    });
    adapter.use(new TurnMetricsMiddleware(metrics));
    adapter.onTurnError = async () => undefined;
    await adapter.send('hello').assertReply('ok');
    await adapter.send('boom');
    const turns = await metrics.turns.get();
    const errors = await metrics.turnErrors.get();
    expect(turns.values.find((v) => v.labels.channel === 'test')?.value).toBe(2);
    expect(errors.values.find((v) => v.labels.channel === 'test')?.value).toBe(1);
  });

  it('bounds channel labels', () => {
    expect(channelLabel('directline')).toBe('directline');
    expect(channelLabel('x'.repeat(100))).toBe('other');
    expect(channelLabel(undefined)).toBe('other');
  });
});
