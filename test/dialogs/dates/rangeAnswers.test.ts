/**
 * Ranges end to end through the payment history, on the demo data (as of 2026-11-20). The totals
 * are the demo ledger's own: Maria's case 0101 received $1,500.00 in 12 payments from January to
 * March 2026 (regression: the answer gave January only, $500.00), $5,250.00 in 42 since January.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { sayIn } from '../../../dialogs/messages.js';
import { createWorld, joined, MARIA, signedInChat, WEI, type World } from '../support/account.js';

const en = sayIn('en');
const zh = sayIn('zh-Hans');
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

describe('Maria asks for payments over several months (English)', () => {
  let say: (text: string) => Promise<Partial<Activity>[]>;

  beforeAll(async () => {
    ({ say } = (await signedInChat(world, MARIA)).chat);
  });

  it('"payments from january to march" totals $1,500.00 in 12 payments, not January\'s $500.00', async () => {
    const text = joined(await say('payments from january to march'));
    const range = en('history.range_dates', { from: 'January 1, 2026', to: 'March 31, 2026' });
    expect(text).toContain(en('history.total_range', { range, amount: '$1,500.00', count: 12 }));
    expect(text).not.toContain('$500.00.');
  });

  it('"since January" runs to the data date: $5,250.00 in 42 payments', async () => {
    const text = joined(await say('payments since January'));
    const range = en('history.range_dates', { from: 'January 1, 2026', to: 'November 20, 2026' });
    expect(text).toContain(en('history.total_range', { range, amount: '$5,250.00', count: 42 }));
  });

  it('"3/2026" is March 2026: $375.00 in 3 payments', async () => {
    const text = joined(await say('payments 3/2026'));
    expect(text).toContain(en('history.total_range', { range: en('history.range_month', { month: 'March 2026' }), amount: '$375.00', count: 3 }));
  });

  it('"last 6 months" is May 21 to November 20: $3,000.00 in 24 payments', async () => {
    const text = joined(await say('payments in the last 6 months'));
    const range = en('history.range_dates', { from: 'May 21, 2026', to: 'November 20, 2026' });
    expect(text).toContain(en('history.total_range', { range, amount: '$3,000.00', count: 24 }));
  });
});

describe('Wei asks in Chinese', () => {
  it('从一月到三月 totals $1,200.00 in 2 payments; 一月以来 $5,400.00 in 10', async () => {
    const { chat } = await signedInChat(world, WEI, 'zh-CN');
    const spanText = joined(await chat.say('从一月到三月的付款'));
    const span = zh('history.range_dates', { from: '2026年1月1日', to: '2026年3月31日' });
    expect(spanText).toContain(zh('history.total_range', { range: span, amount: '$1,200.00', count: 2 }));
    const sinceText = joined(await chat.say('一月以来的付款'));
    const since = zh('history.range_dates', { from: '2026年1月1日', to: '2026年11月20日' });
    expect(sinceText).toContain(zh('history.total_range', { range: since, amount: '$5,400.00', count: 10 }));
  });
});

describe('Ana asks in Spanish', () => {
  it('"de enero a marzo" totals $1,470.00 in 7 payments; "desde enero" $4,830.00 in 23', async () => {
    const { chat } = await signedInChat(world, ANA, 'es-US');
    const spanText = joined(await chat.say('pagos de enero a marzo'));
    const span = es('history.range_dates', { from: '1 de enero de 2026', to: '31 de marzo de 2026' });
    expect(spanText).toContain(es('history.total_range', { range: span, amount: '$1,470.00', count: 7 }));
    const sinceText = joined(await chat.say('pagos desde enero'));
    const since = es('history.range_dates', { from: '1 de enero de 2026', to: '20 de noviembre de 2026' });
    expect(sinceText).toContain(es('history.total_range', { range: since, amount: '$4,830.00', count: 23 }));
  });
});
