/**
 * Last payment, history, disbursements, order and the role menu, per persona and per language,
 * through the whole bot on the demo data with a fixed clock (as-of 2026-11-20).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { sayIn } from '../../../dialogs/messages.js';
import { ADAPTIVE_CARD_CONTENT_TYPE } from '../../../dialogs/account/present.js';
import { createWorld, joined, MARIA, ROBERT, signedInChat, texts, WEI, type World } from '../support/account.js';

const en = sayIn('en');
const zh = sayIn('zh-Hans');
const es = sayIn('es');
const TOM = { ssn: '900-11-1008', pin: '', subject: 'nygov-0008' };
const ANA = { ssn: '900-11-1005', pin: '', subject: 'nygov-0005' };

let world: World;

beforeAll(async () => {
  world = await createWorld();
  // Link Tom and Ana ahead, as an earlier sign-in would have (their PINs are not in the test support).
  await world.database.db.insertInto('identityLinks').values([
    { issuer: 'https://nygov.example.test', subject: TOM.subject, personId: 'P-1008', linkedAt: new Date() },
    { issuer: 'https://nygov.example.test', subject: ANA.subject, personId: 'P-1005', linkedAt: new Date() },
  ]).execute();
});

afterAll(async () => {
  await world.database.close();
});

function card(reply: Partial<Activity> | undefined): { version?: string; body?: unknown[] } {
  const attachment = reply?.attachments?.[0];
  expect(attachment?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
  return attachment?.content as { version?: string; body?: unknown[] };
}

describe('Maria (custodial, one case, English)', () => {
  let say: (text: string) => Promise<Partial<Activity>[]>;
  let transcript: Partial<Activity>[];

  beforeAll(async () => {
    const { chat } = await signedInChat(world, MARIA);
    say = chat.say;
    transcript = chat.transcript;
  });

  it('gets her last payment (2026-11-06, $125.00) and when it was sent to her, as of the data date', async () => {
    const replies = await say('last payment');
    const text = joined(replies);
    expect(text).toContain(en('lastPayment.heading', { date: 'November 20, 2026' }));
    expect(text).toContain(en('lastPayment.custodial.received', { amount: '$125.00', date: 'November 6, 2026', source: en('payments.source.income_withholding') }));
    expect(text).toContain(en('lastPayment.custodial.sent', { amount: '$125.00', date: 'November 10, 2026', method: en('disbursements.method.direct_deposit') }));
    const content = card(replies[0]);
    expect(content.version).toBe('1.5');
    expect(JSON.stringify(content)).toContain('November 6, 2026');
  });

  it('gets the five latest payments, the totals, "more" for the next page and an honest PDF pointer', async () => {
    const replies = await say('payment history');
    const text = joined(replies);
    for (const date of ['November 6, 2026', 'October 31, 2026', 'October 24, 2026', 'October 18, 2026', 'October 9, 2026']) expect(text).toContain(date);
    expect(text).not.toContain('October 2, 2026');
    expect(text).toContain(en('history.showing', { first: 1, last: 5, count: 142 }));
    expect(text).toContain(en('history.more'));
    expect(text).toContain(en('history.pdf'));
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toContain('|');
    const table = JSON.stringify(card(replies[0]));
    expect(table).toContain('"type":"Table"');
    expect(table).toContain('$125.00');

    const next = joined(await say('more'));
    expect(next).toContain('October 2, 2026');
    expect(next).toContain(en('history.showing', { first: 6, last: 10, count: 142 }));
  });

  it('after "more", another question is answered at once', async () => {
    await say('payments');
    const replies = await say('balance');
    expect(joined(replies)).toContain('$1,125.00');
  });

  it('reads "in March" against the data date, with the month total', async () => {
    const text = joined(await say('payments in March'));
    expect(text).toContain(en('history.range_month', { month: 'March 2026' }));
    expect(text).toMatch(/Total in March 2026: \$\d[\d,]*\.\d\d/);
    expect(text).not.toContain('April');
  });

  it('"this year" and "last 6 months" are ranges ending on the as-of date', async () => {
    expect(joined(await say('payments this year'))).toContain(en('history.range_dates', { from: 'January 1, 2026', to: 'November 20, 2026' }));
    expect(joined(await say('payments in the last 6 months'))).toContain(en('history.range_dates', { from: 'May 21, 2026', to: 'November 20, 2026' }));
  });

  it('gets her latest disbursement (2026-11-10) and how it was sent', async () => {
    const text = joined(await say('disbursements'));
    expect(text).toContain(en('disbursements.line', { date: 'November 10, 2026', amount: '$125.00', method: en('disbursements.method.direct_deposit') }));
    expect(text).toContain('November 20, 2026');
  });

  it('gets her order: amount and frequency', async () => {
    const text = joined(await say('what is my support order'));
    expect(text).toContain('$125.00');
    expect(text).toContain(en('order.frequency.weekly'));
  });

  it('her menu offers disbursements and the monthly notice, not coupons', async () => {
    const text = joined(await say('menu'));
    expect(text).toContain(en('menu.descriptions.disbursements'));
    expect(text).toContain(en('menu.descriptions.monthly_notice'));
    expect(text).not.toContain(en('menu.descriptions.payment_coupon'));
  });

  it('asking for another case number is refused and audited', async () => {
    const text = joined(await say('payments for case CS25000303'));
    expect(text).toBe(en('cases.not_yours'));
    expect(text).not.toContain('Lucas');
    const audit = await world.database.db.selectFrom('auditLog').selectAll().where('action', '=', 'case_access_refused').execute();
    expect(audit.some((row) => row.personId === MARIA.personId && row.caseNumber === '25000303')).toBe(true);
  });

  it('nothing she was shown holds James Carter\'s name, address or phone', async () => {
    const james = await world.database.db.selectFrom('people').selectAll().where('id', '=', 'P-1002').executeTakeFirstOrThrow();
    const all = JSON.stringify(transcript);
    for (const secret of [james.mailingAddress.line1, james.mailingAddress.zip, james.lastName, james.phone ?? 'none-on-file']) expect(all).not.toContain(secret);
  });
});

describe('Robert (noncustodial, two cases)', () => {
  let say: (text: string) => Promise<Partial<Activity>[]>;
  let firstBalance: Partial<Activity>[];

  beforeAll(async () => {
    const signed = await signedInChat(world, ROBERT);
    say = signed.chat.say;
    firstBalance = signed.firstBalance;
  });

  it('gets both balances', () => {
    const text = joined(firstBalance);
    expect(text).toContain('$420.00');
    expect(text).toContain('$1,950.00');
  });

  it('is asked which case, naming both by last 4 digits and child; the choice sticks', async () => {
    const question = joined(await say('last payment'));
    expect(question).toContain(en('cases.label', { caseEnding: '0404', children: 'Jordan' }));
    expect(question).toContain(en('cases.label', { caseEnding: '0303', children: 'Lucas' }));
    const answer = joined(await say('Lucas'));
    expect(answer).toContain(en('lastPayment.noncustodial.received', { amount: '$210.00', date: 'November 20, 2026', source: en('payments.source.income_withholding') }));
    expect(answer).not.toContain('0404');
    const again = joined(await say('payments'));
    expect(again).toContain('0303');
    expect(again).not.toContain(en('cases.ask', { count: 2 }));
  });

  it('"all" covers both cases and can change the choice', async () => {
    const text = joined(await say('last payment all'));
    expect(text).toContain('0303');
    expect(text).toContain('0404');
    expect(text).toContain('November 14, 2026');
  });

  it('sees no disbursements, told kindly they are for the receiving parent', async () => {
    const replies = await say('disbursements');
    expect(texts(replies)).toEqual([en('disbursements.not_custodial')]);
  });

  it('his menu offers payment coupons, not disbursements', async () => {
    const text = joined(await say('menu'));
    expect(text).toContain(en('menu.descriptions.payment_coupon'));
    expect(text).not.toContain(en('menu.descriptions.disbursements'));
  });

  it('a case ending that is not his is refused', async () => {
    expect(joined(await say('payments case 0101'))).toBe(en('cases.not_yours'));
  });
});

describe('Tom (noncustodial, new order, no payments)', () => {
  it('hears that no payment has come yet and that $400.00 is due December 15, 2026', async () => {
    const { chat } = await signedInChat(world, TOM);
    const text = joined(await chat.say('last payment'));
    expect(text).toContain(en('lastPayment.noncustodial.none'));
    expect(text).toContain(en('lastPayment.noncustodial.first_due', { amount: '$400.00', date: 'December 15, 2026' }));
    const history = joined(await chat.say('payment history'));
    expect(history).toContain(en('lastPayment.noncustodial.none'));
  });
});

describe('Wei Li (custodial, Chinese)', () => {
  it('"我的余额是多少" gets $2,700.00 in Chinese; last payment and "十月" in Chinese', async () => {
    const { chat } = await signedInChat(world, WEI, 'zh-CN');
    const balance = joined(await chat.say('我的余额是多少'));
    expect(balance).toContain(zh('balance.custodial.owed', { caseEnding: '0202', amount: '$2,700.00' }));
    const last = joined(await chat.say('最近一次付款'));
    expect(last).toContain(zh('lastPayment.heading', { date: '2026年11月20日' }));
    expect(last).toContain('2026年11月10日');
    expect(last).toContain('$600.00');
    const october = joined(await chat.say('十月的付款'));
    expect(october).toContain(zh('history.range_month', { month: '2026年10月' }));
    expect(october).toContain('$300.00');
  });

  it('a tax refund offset shows amount, date and source only', async () => {
    const { chat } = await signedInChat(world, WEI, 'zh-CN');
    const april = joined(await chat.say('四月的付款'));
    expect(april).toContain(zh('history.line', { date: '2026年4月18日', amount: '$900.00', source: zh('payments.source.tax_refund_offset') }));
  });
});

describe('Ana (custodial, Spanish)', () => {
  it('"pagos de octubre" and "último pago" answer in Spanish', async () => {
    const { chat } = await signedInChat(world, ANA, 'es-US');
    const october = joined(await chat.say('pagos de octubre'));
    expect(october).toContain(es('history.range_month', { month: 'octubre de 2026' }));
    expect(october).toContain('11 de octubre de 2026');
    const last = joined(await chat.say('último pago'));
    expect(last).toContain(es('lastPayment.custodial.received', { amount: '$210.00', date: '20 de noviembre de 2026', source: es('payments.source.income_withholding') }));
    expect(last).toContain(es('lastPayment.custodial.not_sent_yet'));
  });
});
