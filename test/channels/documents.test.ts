/**
 * `GET /documents/{token}` on its own, with a clock the test moves: the chat's own browser gets the
 * PDF with safe headers; a tampered or unknown link a 404 page; an expired one a 410 page; another
 * browser (a forwarded link) a plain page in the parent's language with the NY.gov button, never
 * the PDF. Figures are read back with pdftotext.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { BrowserBinding } from '../../channels/directline/browser.js';
import { composeDocument } from '../../channels/documents/compose.js';
import { DocumentService, hashDocumentToken } from '../../channels/documents/DocumentService.js';
import { registerDocumentRoutes } from '../../channels/documents/routes.js';
import { closeServer, createHttpServer, listen, type Server } from '../../channels/server.js';
import { OidcClient } from '../../channels/signin/oidc.js';
import { listAudit } from '../../db/repositories/audit.js';
import { seedDemoIfEmpty } from '../../db/seed.js';
import type { DocumentRequest } from '../../dialogs/documents/ports.js';
import { sayIn } from '../../dialogs/messages.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { isPdf, pdfText } from '../helpers/pdf.js';

const SECRET = 'test-session-secret-for-documents';
let database: TestDatabase;
let server: Server;
let base: string;
let current = new Date('2026-11-21T15:00:00Z');
const now = (): Date => new Date(current);
const browsers = new BrowserBinding(SECRET, 'http://127.0.0.1');
let documents: DocumentService;
/** The chat's browser: its cookie, and the conversation that stored its hash. */
let chatCookie: string;
const CONVERSATION = 'conv-documents-1';

function request(overrides: Partial<DocumentRequest> = {}): DocumentRequest {
  return {
    personId: 'P-1001',
    caseNumber: 'CS24000101',
    kind: 'statement',
    params: { from: '2026-10-01', to: '2026-10-31', asOf: '2026-11-20' },
    locale: 'en',
    channel: 'directline',
    conversationId: CONVERSATION,
    conversationHash: 'h'.repeat(64),
    ...overrides,
  };
}

async function get(url: string, cookie?: string): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const res = await fetch(url, { headers: cookie === undefined ? {} : { cookie }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
}

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  await seedDemoIfEmpty(database.db, { ssnHmacKey: 'k' });
  const chat = browsers.identify(undefined);
  chatCookie = (chat.setCookie ?? '').split(';')[0] ?? '';
  await database.db.insertInto('dlConversations').values({ id: CONVERSATION, userId: 'dl_user', locale: 'en', browserHash: chat.hash }).execute();
  server = createHttpServer({ logger: pino({ level: 'silent' }) });
  const port = await listen(server, 0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  documents = new DocumentService({ db: database.db, publicUrl: base, now });
  registerDocumentRoutes(server, {
    db: database.db,
    publicUrl: base,
    browsers,
    // Never reached by these tests: the sign-in itself is driven end to end in test/documents.test.ts.
    oidc: new OidcClient({ issuer: 'https://nygov.example.test', clientId: 'c', clientSecret: 's' }),
    now,
  });
}, 120_000);

afterAll(async () => {
  await closeServer(server);
  await database.close();
});

describe('GET /documents/{token}', () => {
  it('issues a link of 256 random bits, storing only its hash, for 15 minutes', async () => {
    const issued = await documents.issue(request());
    const token = issued.url.split('/').at(-1) ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt.getTime() - now().getTime()).toBe(15 * 60 * 1000);
    expect(issued.pages).toBe(1);
    expect(issued.fileName).toBe('statement-CS24000101-2026-10.pdf');
    const rows = await database.db.selectFrom('issuedDocuments').selectAll().execute();
    expect(rows.some((r) => r.tokenHash === hashDocumentToken(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("serves the PDF to the chat's own browser, with no-store and a sane file name", async () => {
    const issued = await documents.issue(request());
    const res = await get(issued.url, chatCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="statement-CS24000101-2026-10.pdf"');
    expect(pdfText(res.body)).toMatch(/Opening balance\s+\$875\.00/);
    const opened = await listAudit(database.db, { action: 'document_opened' });
    expect(opened.at(-1)).toMatchObject({ personId: 'P-1001', caseNumber: 'CS24000101', detail: { kind: 'statement', how: 'same_browser' } });
  });

  it('answers a tampered or malformed link with a 404 page, never the PDF', async () => {
    const issued = await documents.issue(request());
    const token = issued.url.split('/').at(-1) ?? '';
    const flipped = `${token.slice(0, 10)}${token[10] === 'a' ? 'b' : 'a'}${token.slice(11)}`;
    for (const url of [`${base}/documents/${flipped}`, `${base}/documents/short`, `${base}/documents/${token}x`]) {
      const res = await get(url, chatCookie);
      expect(res.status).toBe(404);
      expect(isPdf(res.body)).toBe(false);
      expect(Buffer.from(res.body).toString('utf8')).toContain(sayIn('en')('documents.page.unknown.heading'));
    }
  });

  it('answers an expired link with a 410 page after 15 minutes', async () => {
    const issued = await documents.issue(request());
    current = new Date(current.getTime() + 15 * 60 * 1000);
    const res = await get(issued.url, chatCookie);
    expect(res.status).toBe(410);
    expect(isPdf(res.body)).toBe(false);
    expect(Buffer.from(res.body).toString('utf8')).toContain(sayIn('en')('documents.page.expired.heading'));
  });

  it.each([
    ['en', 'This link opens only in the browser of the chat where it was asked'],
    ['zh-Hans', '此链接只能在索取文件的聊天所在的浏览器中打开'],
    ['es', 'Este enlace solo se abre en el navegador del chat donde se pidió'],
  ] as const)('forwarded (no cookie, another browser, a forged cookie) in %s: a plain page with the NY.gov button, never the PDF', async (locale, words) => {
    const issued = await documents.issue(request({ locale }));
    const other = (browsers.identify(undefined).setCookie ?? '').split(';')[0] ?? '';
    const forged = `${chatCookie.slice(0, -3)}abc`;
    for (const cookie of [undefined, other, forged]) {
      const res = await get(issued.url, cookie);
      expect(res.status).toBe(403);
      expect(isPdf(res.body)).toBe(false);
      const html = Buffer.from(res.body).toString('utf8');
      expect(html).toContain(words);
      expect(html).toContain(`action="/documents/${issued.url.split('/').at(-1) ?? ''}/signin"`);
      expect(html).not.toContain('$875.00');
      expect(res.headers.get('content-language')).toBe(locale);
    }
  });

  it('an SMS link remembers no browser: it always asks for the NY.gov sign-in', async () => {
    const issued = await documents.issue(request({ channel: 'sms', conversationId: 'sms-conv' }));
    expect((await get(issued.url, chatCookie)).status).toBe(403);
  });

  it('an empty period still renders: zero figures and "no activity", in each language', async () => {
    const empty = { from: '2020-01-01', to: '2020-01-31', asOf: '2026-11-20' };
    const expected = { en: ['Opening balance', 'No activity in this period.'], 'zh-Hans': ['期初余额', '此期间没有任何交易。'], es: ['Saldo inicial', 'No hubo movimientos en este período.'] } as const;
    for (const locale of ['en', 'zh-Hans', 'es'] as const) {
      const pdf = await composeDocument(database.db, { personId: 'P-1005', caseNumber: 'CS25000303', kind: 'statement', params: empty, locale });
      const text = pdfText(pdf?.buffer ?? new Uint8Array());
      expect(text).toMatch(new RegExp(`${expected[locale][0]}\\s+\\$0\\.00`));
      expect(text).toContain(expected[locale][1]);
      expect(text).not.toContain('-$0.00');
    }
  });

  it('refuses to issue a document the person may not have (a coupon for the receiving parent)', async () => {
    await expect(documents.issue(request({ kind: 'payment_coupon', params: { asOf: '2026-11-20' } }))).rejects.toThrow();
  });
});
