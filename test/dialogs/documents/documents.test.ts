/**
 * Asking for documents, through the whole bot on the demo data (as of 2026-11-20) with the real
 * documents port: the period words in three languages, the role rules, "print" after a payment
 * history, the SMS link, the TTY summary and its paper copy, the audit. The PDFs behind the links
 * are read back with pdftotext.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestAdapter, type Activity, type ConversationReference } from 'botbuilder';
import { composeDocument } from '../../../channels/documents/compose.js';
import { DocumentService, hashDocumentToken } from '../../../channels/documents/DocumentService.js';
import { listAudit } from '../../../db/repositories/audit.js';
import { findIssuedDocument, listDocumentMailRequests } from '../../../db/repositories/documents.js';
import type { DocumentKind, DocumentParams } from '../../../dialogs/documents/ports.js';
import { sayIn } from '../../../dialogs/messages.js';
import { resolveLocale } from '../../../locales/i18n.js';
import { pdfText } from '../../helpers/pdf.js';
import { createWorld, joined, JAMES, MARIA, openChat, signedInChat, texts, WEI, type World } from '../support/account.js';

const en = sayIn('en');
const zh = sayIn('zh-Hans');
const es = sayIn('es');
const ANA = { ssn: '900-11-1005', pin: '11223', subject: 'nygov-0005' };
const KEISHA = { personId: 'P-1007', ssn: '900-11-1007', pin: '77889' };
const LINK = /https:\/\/assistant\.example\.test\/documents\/([A-Za-z0-9_-]{43})/;

let world: World;

beforeAll(async () => {
  world = await createWorld(undefined, 'pglite', {
    documents: ({ database, clock }) => new DocumentService({ db: database.db, publicUrl: 'https://assistant.example.test', now: clock.now }),
  });
  // A seeded embedded database takes a while on a busy machine.
}, 120_000);

afterAll(async () => {
  await world.database.close();
});

/** The PDF behind a link in the replies, rendered from what was stored with it. */
async function pdfBehind(replies: readonly Partial<Activity>[]): Promise<{ text: string; kind: string; params: DocumentParams }> {
  const token = LINK.exec(joined(replies))?.[1];
  expect(token).toBeDefined();
  const row = await findIssuedDocument(world.database.db, hashDocumentToken(token as string));
  expect(row).not.toBeNull();
  const params = row?.params as unknown as DocumentParams;
  const pdf = await composeDocument(world.database.db, {
    personId: row?.personId as string,
    caseNumber: row?.caseNumber ?? null,
    kind: row?.kind as DocumentKind,
    params,
    locale: resolveLocale(row?.locale),
  });
  return { text: pdfText(pdf?.buffer ?? new Uint8Array()), kind: row?.kind as string, params };
}

describe('Maria (custodial, English, web chat)', () => {
  let say: (text: string) => Promise<Partial<Activity>[]>;

  beforeAll(async () => {
    ({ chat: { say } } = await signedInChat(world, MARIA));
  }, 60_000);

  it('"statement" is last full month\'s: October 2026, with a download card and the link in plain text', async () => {
    const replies = await say('statement');
    const reply = replies.find((r) => LINK.test(r.text ?? ''));
    expect(reply?.text).toMatch(/^Your account statement \(October 2026\) is ready:\s+https:\/\/assistant\.example\.test\/documents\//);
    expect(reply?.text).toMatch(/PDF, 1 page, \d+ KB\. The link works for 15 minutes, in this browser\./);
    const card = JSON.stringify(reply?.attachments?.[0]?.content);
    expect(card).toContain('Action.OpenUrl');
    expect(card).toContain('statement-CS24000101-2026-10.pdf');
    const { text } = await pdfBehind(replies);
    expect(text).toMatch(/Opening balance\s+\$875\.00/);
    expect(text).toMatch(/Closing balance\s+\$875\.00/);
    // Audited with kind and case, nothing personal.
    const issued = (await listAudit(world.database.db, { personId: MARIA.personId, action: 'document_issued' })).at(-1);
    expect(issued).toMatchObject({ outcome: 'success', caseNumber: 'CS24000101', detail: { kind: 'statement', delivery: 'link' } });
    expect(JSON.stringify(issued?.detail)).not.toMatch(/Maria|Lopez|875|documents\//);
  });

  it('"statement for 2025" is the year, with the chart of its 12 months', async () => {
    const { text, params } = await pdfBehind(await say('statement for 2025'));
    expect(params).toMatchObject({ from: '2025-01-01', to: '2025-12-31', year: 2025 });
    expect(text).toContain('Payments received each month of 2025');
    expect(text).toMatch(/Closing balance\s+\$500\.00/);
    expect(text).toMatch(/Page 1 of \d/);
  });

  it('her monthly notice lists October\'s payments and the 4 disbursements sent to her', async () => {
    const { text } = await pdfBehind(await say('my monthly notice for October'));
    for (const date of ['October 6, 2026', 'October 13, 2026', 'October 20, 2026', 'October 27, 2026']) expect(text).toContain(date);
    expect(text).toMatch(/Payments sent to you/);
    expect(text).toMatch(/Total\s+\$500\.00/);
    expect(text).toMatch(/Total\s+\$625\.00/);
  });

  it('a coupon is not hers: she is told what she can get instead', async () => {
    expect(texts(await say('coupon'))).toEqual([en('documents.chat.coupon_not_yours')]);
  });

  it('"print" after "payments in October" prints that range: 5 payments, $625.00', async () => {
    const history = joined(await say('payments in October'));
    expect(history).toContain(en('documents.chat.print_hint'));
    const { text, kind, params } = await pdfBehind(await say('print'));
    expect(kind).toBe('payment_history');
    expect(params).toMatchObject({ from: '2026-10-01', to: '2026-10-31', caseNumbers: ['CS24000101'] });
    expect(text).toContain('Payments: 5. Total: $625.00.');
  });

  it('"print" with no history on screen says how to get one', async () => {
    expect(texts(await say('print'))).toEqual([en('documents.chat.print_nothing')]);
  });
});

describe('the other languages', () => {
  it('Wei Li asks "十月份的对账单" and gets a Chinese statement whose text extracts as Chinese', async () => {
    const { chat } = await signedInChat(world, WEI, 'zh-Hans');
    const replies = await chat.say('十月份的对账单');
    expect(joined(replies)).toContain('您的账户对账单（2026年10月）已准备好');
    const { text } = await pdfBehind(replies);
    expect(text).toContain('账户对账单');
    expect(text).toContain('李伟');
    expect(text).toMatch(/期初余额\s+\$2,400\.00/);
    expect(text).toMatch(/期末余额\s+\$2,700\.00/);
    expect(text).toContain('第 1 页，共 1 页');
    expect(text).toContain(zh('documents.pdf.role.custodial'));
    // Office hours in the parent's language, as the chat writes them, not the data's "Mon-Fri 8:30-17:00".
    expect(text).toContain('周一至周五 8:30–17:00');
  });

  it('Ana asks "estado de cuenta de octubre" and gets it in Spanish', async () => {
    await world.database.db.insertInto('identityLinks').values({ issuer: 'https://nygov.example.test', subject: ANA.subject, personId: 'P-1005', linkedAt: new Date() }).execute();
    const { chat } = await signedInChat(world, ANA, 'es');
    const replies = await chat.say('estado de cuenta de octubre');
    const { text } = await pdfBehind(replies);
    expect(text).toContain('Estado de cuenta');
    expect(text).toMatch(/Saldo inicial\s+\$210\.00/);
    expect(text).toMatch(/Saldo final\s+\$420\.00/);
    expect(text).toContain('de lunes a viernes, de 8:30 a 17:00');
    expect(text).not.toContain('Mon-Fri');
    expect(text).toContain(es('documents.pdf.role.custodial'));
    expect(texts(await chat.say('aviso mensual')).join('\n')).toContain('2026');
    expect(texts(await chat.say('cupón'))).toEqual([es('documents.chat.coupon_not_yours')]);
  });
});

describe('James (noncustodial)', () => {
  it('a notice is not his; his coupon has CS24000101, $125.00, November 27, 2026 and the Albany address', async () => {
    const { chat } = await signedInChat(world, JAMES);
    expect(texts(await chat.say('notice'))).toEqual([en('documents.chat.notice_not_yours')]);
    const { text } = await pdfBehind(await chat.say('payment coupon'));
    expect(text).toContain('CS24000101');
    expect(text).toMatch(/Amount due\s+\$125\.00/);
    expect(text).toMatch(/Due date\s+November 27, 2026/);
    expect(text).toContain('Albany, NY 12212-5363');
  });

  it('over SMS the sign-in must be NY.gov, and the link comes as a text', async () => {
    const chat = openChat(world, 'en-US', `sms-${randomUUID()}`, 'sms');
    const first = joined(await chat.say('coupon'));
    expect(first).toMatch(/signin\//);
    const replies = await chat.signInAs(JAMES.subject);
    const reply = replies.find((r) => LINK.test(r.text ?? ''));
    expect(reply?.text).toMatch(/^Your payment coupon \(As of November 20, 2026\) is ready:\s+https:\/\/\S+\s+It works for 15 minutes; sign in with NY\.gov to open it\.$/);
    expect(reply?.attachments ?? []).toEqual([]);
  });
});

describe('Keisha on a TTY', () => {
  it('gets the statement as text with the same figures, no link, and a paper copy by mail with a reference', async () => {
    const reference: Partial<ConversationReference> = { ...TestAdapter.createConversation(`tty-${randomUUID()}`, 'user1', 'bot'), channelId: 'sms' };
    const adapter = new TestAdapter(reference as ConversationReference);
    const say = async (text: string): Promise<string> => {
      adapter.activeQueue.splice(0);
      await adapter.processActivity({ type: 'message', text, locale: 'en-US', channelData: { tty: true } }, (context) => world.bot.run(context));
      return adapter.activeQueue.splice(0).map((a) => a.text ?? '').join('\n');
    };
    // The TTY's uppercase and "GA" are the SMS channel's rendering; the bot's words are these.
    expect(await say('statement')).toMatch(/Social Security/);
    await say(KEISHA.ssn);
    const answer = await say(KEISHA.pin);
    expect(answer).toContain(
      en('documents.chat.summary.statement', { period: 'October 2026', caseNumber: 'CS22000404', opening: '$1,950.00', charges: '$450.00', payments: '$300.00', closing: '$2,100.00' }),
    );
    expect(answer).not.toMatch(/https?:|documents\//);
    expect(answer).toContain(en('documents.chat.mail_offer'));
    const mailed = await say('yes');
    const requests = await listDocumentMailRequests(world.database.db, KEISHA.personId);
    expect(requests).toHaveLength(1);
    expect(mailed).toBe(en('documents.chat.mail_recorded', { reference: `DOC-${requests[0]?.id ?? 0}` }));
    const audit = await listAudit(world.database.db, { personId: KEISHA.personId });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['document_issued', 'document_mail_requested']));
    expect(audit.find((a) => a.action === 'document_issued')?.detail).toMatchObject({ kind: 'statement', delivery: 'summary' });
  });
});
