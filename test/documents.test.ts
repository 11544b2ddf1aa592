/**
 * Documents end to end, over our Direct Line with the development NY.gov, as a parent meets them:
 * Maria asks for her October statement, signs in, and opens the link in the chat's own browser;
 * the same link forwarded gets a plain page, and opens only after a NY.gov sign-in as Maria.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { Browser, parseForm, signInAtDevProvider as signIn } from './helpers/browser.js';
import { DirectLineClient } from './helpers/directline.js';
import { isPdf, pdfText } from './helpers/pdf.js';

const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;
const DOCUMENT_LINK = /https?:\/\/[^\s)"\]\\]+\/documents\/[A-Za-z0-9_-]{43}/;

/** Asks, signs in at the development NY.gov, links with SSN and PIN when asked; returns the bot's replies after. */
async function askSignedIn(chat: DirectLineClient, question: string, who: { login: string; password: string; ssn: string; pin: string }, until: RegExp): Promise<string> {
  await chat.send(question);
  const prompt = await chat.replies((t) => SIGN_IN_LINK.test(t));
  // In the chat's own browser (its cookie), as a parent clicking the link does: no code needed.
  await signIn(SIGN_IN_LINK.exec(prompt)?.[0] as string, who.login, who.password, chat.ownBrowser());
  let reply = await chat.replies((t) => /Social Security|社会安全|Seguro Social/i.test(t) || until.test(t), 10_000);
  if (!until.test(reply)) {
    await chat.send(who.ssn);
    await chat.replies((t) => /PIN/.test(t));
    await chat.send(who.pin);
    reply = await chat.replies((t) => until.test(t), 15_000);
  }
  return reply;
}

async function fetchPdf(url: string, cookie?: string): Promise<{ status: number; type: string | null; body: Uint8Array; headers: Headers }> {
  const res = await fetch(url, { headers: cookie === undefined ? {} : { cookie }, redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type'), body: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

const MARIA = { login: 'maria.lopez@example.com', password: 'demo-maria-1', ssn: '900-11-1001', pin: '24680' };
const JAMES = { login: 'james.carter@example.com', password: 'demo-james-1', ssn: '900-11-1002', pin: '13579' };

describe('documents over Direct Line', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(() => app.stop());

  it("Maria's October statement opens in the chat's browser with the ledger's figures; forwarded, it needs her NY.gov sign-in", async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    expect(chat.browserCookie).toMatch(/^csa_browser=/);
    const reply = await askSignedIn(chat, 'my October statement', MARIA, DOCUMENT_LINK);
    const link = DOCUMENT_LINK.exec(reply)?.[0] as string;
    expect(reply).toMatch(/account statement \(October 2026\)/);
    expect(reply).toMatch(/PDF, 1 page, \d+ KB/);
    // The download card carries the same link.
    expect(reply).toContain('Action.OpenUrl');

    const own = await fetchPdf(link, chat.browserCookie as string);
    expect(own.status).toBe(200);
    expect(own.type).toBe('application/pdf');
    expect(own.headers.get('cache-control')).toBe('no-store');
    expect(own.headers.get('content-disposition')).toMatch(/filename="statement-CS24000101-2026-10\.pdf"/);
    const text = pdfText(own.body);
    expect(text).toContain('CS24000101');
    expect(text).toMatch(/Opening balance\s+\$875\.00/);
    expect(text).toMatch(/Support charged\s+\$625\.00/);
    expect(text).toMatch(/Payments received\s+\$625\.00/);
    expect(text).toMatch(/Closing balance\s+\$875\.00/);
    expect(text).toContain('Maria Lopez');
    expect(text).toContain('Page 1 of 1');

    // Forwarded: no cookie, or another browser's cookie: a plain page, never the PDF.
    const bare = await fetchPdf(link);
    expect(bare.status).toBe(403);
    expect(isPdf(bare.body)).toBe(false);
    const page = Buffer.from(bare.body).toString('utf8');
    expect(page).toContain('This link opens only in the browser of the chat where it was asked');
    expect(page).not.toContain('$875.00');
    const other = await DirectLineClient.start(app.baseUrl);
    const elsewhere = await fetchPdf(link, other.browserCookie as string);
    expect(elsewhere.status).toBe(403);
    expect(isPdf(elsewhere.body)).toBe(false);

    // Tampered: one character changed.
    const last = link.at(-1) === 'A' ? 'B' : 'A';
    const tampered = await fetchPdf(`${link.slice(0, -1)}${last}`, chat.browserCookie as string);
    expect(tampered.status).toBe(404);
    expect(isPdf(tampered.body)).toBe(false);

    // Signed in with NY.gov as James: refused. As Maria: the PDF.
    const asJames = await signInForDocument(link, JAMES);
    expect(asJames.status).toBe(403);
    expect(isPdf(asJames.body)).toBe(false);
    const asMaria = await signInForDocument(link, MARIA);
    expect(asMaria.status).toBe(200);
    expect(pdfText(asMaria.body)).toMatch(/Closing balance\s+\$875\.00/);
  }, 90_000);

  it('James asks for a coupon and gets CS24000101, $125.00, the due date and the Albany address; a notice is not his', async () => {
    const chat = await DirectLineClient.start(app.baseUrl);
    await chat.replies();
    const reply = await askSignedIn(chat, 'coupon', JAMES, DOCUMENT_LINK);
    const link = DOCUMENT_LINK.exec(reply)?.[0] as string;
    const pdf = await fetchPdf(link, chat.browserCookie as string);
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.body);
    expect(text).toContain('CS24000101');
    expect(text).toContain('$125.00');
    expect(text).toContain('November 27, 2026');
    expect(text).toContain('NYS Child Support Processing Center');
    expect(text).toContain('PO Box 15363');
    expect(text).toContain('Albany, NY 12212-5363');

    await chat.send('monthly notice');
    expect(await chat.replies((t) => /monthly notices are for the parent who receives support/i.test(t))).toMatch(/statement/);
  }, 90_000);
});

/** A browser without the chat's cookie opens the link, presses "Sign in with NY.gov" and logs in. */
async function signInForDocument(link: string, who: { login: string; password: string }): Promise<{ status: number; body: Uint8Array }> {
  const browser = new Browser();
  const forwarded = await browser.navigate(link);
  const button = parseForm(forwarded.html, forwarded.url);
  let page = await browser.navigate(button.action, { form: button.fields, stopAt: `${new URL(link).origin}/documents/callback` });
  const login = parseForm(page.html, page.url);
  page = await browser.navigate(login.action, { form: { ...login.fields, login: who.login, password: who.password }, stopAt: `${new URL(link).origin}/documents/callback` });
  for (let i = 0; i < 3 && !page.url.includes('/documents/callback'); i += 1) {
    const next = parseForm(page.html, page.url);
    page = await browser.navigate(next.action, { form: next.fields, stopAt: `${new URL(link).origin}/documents/callback` });
  }
  const res = await browser.request(page.url);
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
}
