/**
 * The account questions as a parent asks them over our Direct Line, signed in through the
 * development NY.gov (the real sign-in path, as in journey.test.ts): Maria's last payment, history
 * and disbursement; Robert's two cases and no disbursements; Tom's first payment; Wei Li in Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { signInAtDevProvider as signIn } from './helpers/browser.js';
import { DirectLineClient, type BotActivity } from './helpers/directline.js';

const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;


interface Person {
  readonly login: string;
  readonly password: string;
  readonly ssn: string;
  readonly pin: string;
}

const MARIA: Person = { login: 'maria.lopez@example.com', password: 'demo-maria-1', ssn: '900-11-1001', pin: '24680' };
const ROBERT: Person = { login: 'robert.johnson@example.com', password: 'demo-robert-1', ssn: '900-11-1006', pin: '44556' };
const WEI: Person = { login: 'li.wei@example.com', password: 'demo-liwei-1', ssn: '900-11-1003', pin: '86420' };

/** Asks `question`, signs in when offered a link, links with SSN and PIN when asked; returns the answer. */
async function askSignedIn(chat: DirectLineClient, person: Person, question: string, until: (text: string) => boolean): Promise<string> {
  await chat.send(question);
  const prompt = await chat.replies((t) => SIGN_IN_LINK.test(t));
  // In the chat's own browser, as a parent clicking the link: the sign-in completes at once.
  await signIn(SIGN_IN_LINK.exec(prompt)?.[0] ?? '', person.login, person.password, chat.ownBrowser());
  let reply = await chat.replies((t) => /SSN|Social Security|社会安全|社会保障/.test(t) || until(t), 10_000);
  if (!until(reply)) {
    await chat.send(person.ssn);
    await chat.replies((t) => /PIN/.test(t));
    await chat.send(person.pin);
    reply = await chat.replies(until, 10_000);
  }
  return reply;
}

function lastCardMessage(chat: DirectLineClient): BotActivity | undefined {
  return [...chat.seen].reverse().find((a) => a.type === 'message' && (a.attachments?.length ?? 0) > 0);
}

describe('account answers over Direct Line', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(() => app.stop());

  it('Maria: last payment November 6, 2026 $125.00, five latest payments, disbursement November 10; never James\'s address', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    const last = await askSignedIn(chat, MARIA, 'last payment', (t) => t.includes('November 6, 2026'));
    expect(last).toContain('$125.00');
    expect(last).toContain('as of November 20, 2026');
    const card = lastCardMessage(chat)?.attachments?.[0] as { contentType?: string; content?: { version?: string } } | undefined;
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.content?.version).toBe('1.5');

    await chat.send('payment history');
    const history = await chat.replies((t) => t.includes('Showing payments'));
    for (const date of ['November 6, 2026', 'October 31, 2026', 'October 24, 2026', 'October 18, 2026', 'October 9, 2026']) expect(history).toContain(date);

    await chat.send('disbursements');
    const sent = await chat.replies((t) => t.includes('Money sent to you'));
    expect(sent).toContain('November 10, 2026');
    expect(JSON.stringify(chat.seen)).not.toMatch(/42 Demo Street|10040|Carter/);
  }, 60_000);

  it('Robert: both balances, a choice naming both cases, no disbursements', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    const balance = await askSignedIn(chat, ROBERT, 'balance', (t) => t.includes('$1,950.00'));
    expect(balance).toContain('$420.00');
    await chat.send('last payment');
    const question = await chat.replies((t) => t.includes('0404'));
    expect(question).toContain('0303 (Lucas)');
    expect(question).toContain('0404 (Jordan)');
    await chat.send('all');
    expect(await chat.replies((t) => t.includes('November 20, 2026'))).toContain('$210.00');
    await chat.send('disbursements');
    const kind = await chat.replies((t) => /parent who receives/.test(t));
    expect(kind).toMatch(/parent who receives child support/);
    expect(kind).not.toMatch(/\$\d/);
  }, 60_000);

  it('Tom: no payment yet, $400.00 due December 15, 2026', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    const tom = { login: 'tom.nguyen@example.com', password: 'demo-tom-1', ssn: '900-11-1008', pin: '' };
    // Tom's account is linked by SSN and PIN the first time; the PIN comes from the demo data.
    const data = (await import('./../db/demo/demo-data.json', { with: { type: 'json' } })).default as { people: { id: string; pin: string }[] };
    const pin = data.people.find((p) => p.id === 'P-1008')?.pin ?? '';
    const answer = await askSignedIn(chat, { ...tom, pin }, 'last payment', (t) => t.includes('December 15, 2026'));
    expect(answer).toContain('no payment has come in from you yet');
    expect(answer).toContain('$400.00');
  }, 60_000);

  it('Wei Li: "我的余额是多少" gets $2,700.00 in Chinese', async () => {
    const chat = await DirectLineClient.start(app.baseUrl, 'zh-CN');
    await chat.replies();
    const answer = await askSignedIn(chat, WEI, '我的余额是多少', (t) => t.includes('$2,700.00'));
    expect(answer).toContain('2026年11月20日');
    await chat.send('我的余额是多少');
    const again = await chat.replies((t) => t.includes('$2,700.00'));
    expect(again).toContain('尾号 0202 的案件');
  }, 60_000);
});
