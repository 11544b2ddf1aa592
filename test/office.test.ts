/**
 * "Email my office" end to end through the real server: over SMS as Twilio drives it (signed
 * webhooks, SSN and PIN in the chat) and over Direct Line in each language (NY.gov sign-in at the
 * development provider); the parent is told an OCS- reference, and the outbox worker the app starts
 * writes exactly one `.eml` into MAIL_DIR, named after the reference and carrying it as Message-ID.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { signInAtDevProvider } from './helpers/browser.js';
import { DirectLineClient } from './helpers/directline.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

/** What a parent is told and reads over the phone: no 0/O, no 1/I. */
const REFERENCE = /\bOCS-[2-9A-HJ-NP-Z]{5}\b/i;
const SIGN_IN_LINK = /https?:\/\/[^\s)"\]]+\/signin\/[A-Za-z0-9_-]+/;

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The `.eml` the worker writes for `reference`, once it is there. */
async function emailFor(dir: string, reference: string): Promise<string> {
  return until(async () => ((await readdir(dir).catch(() => [] as string[])).includes(`${reference}.eml`) ? readFile(join(dir, `${reference}.eml`), 'utf8') : undefined));
}

function referenceIn(text: string): string {
  const reference = REFERENCE.exec(text)?.[0];
  if (reference === undefined) throw new Error(`no reference in: ${text}`);
  return reference.toUpperCase();
}

const OUR_NUMBER = '+12125550100';
const JAMES = '+12125550102';
const TTY_NUMBER = '+18668759975';
const MARIA = '+17185550101';

describe('a message to the office by SMS', () => {
  let app: TestApp;
  let mailDir: string;
  const text = async (body: string): Promise<string> => {
    const answer = await sendSms(app.baseUrl, { from: JAMES, to: OUR_NUMBER, body });
    expect(answer.status).toBe(200);
    return answer.messages.join('\n');
  };

  beforeAll(async () => {
    mailDir = await mkdtemp(join(tmpdir(), 'office-sms-'));
    app = await startTestApp({
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: OUR_NUMBER,
      MAIL_DIR: join(mailDir, 'mail'),
      OFFICE_MAIL_FROM: 'assistant@childsupport.example.gov',
      TTY_NUMBERS: TTY_NUMBER,
    });
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await rm(mailDir, { recursive: true, force: true });
  });

  it('James texts "email my office", his SSN, his PIN, a message and "yes": the Bronx office gets an .eml', async () => {
    expect(await text('email my office')).toMatch(/Social Security number/);
    expect(await text('900-11-1002')).toMatch(/PIN/);
    const ask = await text('13579');
    expect(ask).toContain('Bronx Child Support Office');
    expect(ask).not.toMatch(/https?:\/\//);

    const confirm = await text('I started a new job. Please update my income withholding.');
    expect(confirm).toMatch(/\(57 characters\)/);
    expect(confirm).not.toContain('new job');

    const done = await text('yes');
    expect(done).toContain('Bronx Child Support Office');
    expect(done).toMatch(/2 business days/);
    expect(done).toContain('718-555-0140');
    expect(done).not.toMatch(/13579|900-?11-?1002/);
    const reference = referenceIn(done);
    expect(done).toContain(`Your reference is ${reference}.`);

    const eml = await emailFor(join(mailDir, 'mail'), reference);
    expect(await readdir(join(mailDir, 'mail'))).toEqual([`${reference}.eml`]);
    expect(eml).toMatch(new RegExp(`^Message-ID: <${reference}@childsupport\\.example\\.gov>$`, 'm'));
    expect(eml).toContain(`Reference number: ${reference}`);
    expect(eml).toMatch(/^To: bronx\.childsupport@example\.gov$/m);
    expect(eml).toMatch(/^Subject: Case CS24000101: message from a parent via the assistant$/m);
    expect(eml).toContain('James Carter');
    expect(eml).toContain('text message (SMS)');
    expect(eml).toContain('I started a new job.');
    expect(eml).not.toMatch(/900-?11-?1002|13579/);
  }, 30_000);

  it('Maria on a TTY: the same flow in TTY mode, and the email tells the office to call through a relay', async () => {
    const tty = async (body: string): Promise<string> => (await sendSms(app.baseUrl, { from: MARIA, to: TTY_NUMBER, body })).messages.join('\n');
    expect(await tty('EMAIL MY OFFICE GA')).toMatch(/SOCIAL SECURITY NUMBER/);
    await tty('900-11-1001 GA');
    expect(await tty('24680 GA')).toMatch(/BRONX CHILD SUPPORT OFFICE.* GA$/s);
    expect(await tty('PLEASE CALL ME ABOUT MY NEXT PAYMENT GA')).toMatch(/\(36 CHARACTERS\)/);
    const done = await tty('YES GA');
    expect(done).toMatch(/2 BUSINESS DAYS/);
    const eml = await emailFor(join(mailDir, 'mail'), referenceIn(done));
    expect(eml).toContain('Maria Lopez');
    expect(eml).toContain('PLEASE CALL ME ABOUT MY NEXT PAYMENT');
    expect(eml).not.toMatch(/PAYMENT GA/);
    expect(eml).toMatch(/TTY \(text telephone\); call through a relay service/);
  }, 30_000);
});

describe('a message to the office in web chat, in each language', () => {
  let app: TestApp;
  let root: string;
  let mailDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'office-web-'));
    mailDir = join(root, 'mail');
    app = await startTestApp({ MAIL_DIR: mailDir, OFFICE_MAIL_FROM: 'assistant@childsupport.example.gov' });
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await rm(root, { recursive: true, force: true });
  });

  interface Parent {
    readonly locale: string;
    readonly ask: string;
    readonly login: string;
    readonly password: string;
    readonly ssn: string;
    readonly pin: string;
    readonly office: string;
    readonly message: string;
    readonly yes: string;
  }

  /** Signs in, links, writes the message and answers `yes` (posted twice together when `doubled`, as a double-click does). */
  async function emailOffice(parent: Parent, doubled = false): Promise<{ answers: string; files: string[] }> {
    const chat = await DirectLineClient.start(app.baseUrl, parent.locale);
    await chat.replies();
    await chat.send(parent.ask);
    const link = SIGN_IN_LINK.exec(await chat.replies((t) => SIGN_IN_LINK.test(t)))?.[0] ?? '';
    await signInAtDevProvider(link, parent.login, parent.password, chat.ownBrowser());
    await chat.replies((t) => t.trim() !== '', 10_000);
    await chat.send(parent.ssn);
    await chat.replies();
    await chat.send(parent.pin);
    await chat.replies((t) => t.includes(parent.office), 10_000);
    await chat.send(parent.message);
    await chat.replies((t) => t.includes(String([...parent.message].length)));
    const before = await readdir(mailDir).catch(() => [] as string[]);
    if (doubled) await Promise.all([chat.send(parent.yes), chat.send(parent.yes)]);
    else await chat.send(parent.yes);
    const answers = await chat.replies((t) => REFERENCE.test(t), 10_000);
    const reference = referenceIn(answers);
    const eml = await emailFor(mailDir, reference);
    expect(eml).toMatch(new RegExp(`^Message-ID: <${reference}@childsupport\\.example\\.gov>$`, 'm'));
    // Time for a second email to appear, if anything were to send one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const files = (await readdir(mailDir)).filter((file) => !before.includes(file));
    expect(JSON.stringify(chat.seen)).not.toContain(parent.pin);
    return { answers: answers + (await chat.replies(() => true, 300).catch(() => '')), files };
  }

  it('Maria (English) double-clicks "yes": one message, one .eml, one reference', async () => {
    const { answers, files } = await emailOffice(
      {
        locale: 'en-US',
        ask: 'email my office',
        login: 'maria.lopez@example.com',
        password: 'demo-maria-1',
        ssn: '900-11-1001',
        pin: '24680',
        office: 'Bronx Child Support Office',
        message: 'Please call me about my address change',
        yes: 'yes',
      },
      true,
    );
    const reference = referenceIn(answers);
    expect(answers).toContain(`Your reference is ${reference}.`);
    expect(files).toEqual([`${reference}.eml`]);
    // Whatever the second "yes" was told, it named no other message.
    expect([...answers.matchAll(new RegExp(REFERENCE.source, 'gi'))].map((m) => m[0].toUpperCase())).toEqual(expect.arrayContaining([reference]));
    expect(new Set([...answers.matchAll(new RegExp(REFERENCE.source, 'gi'))].map((m) => m[0].toUpperCase())).size).toBe(1);
  }, 60_000);

  it('Wei Li (Chinese) hears 参考编号 OCS-…, and the Queens office gets one .eml', async () => {
    const { answers, files } = await emailOffice({
      locale: 'zh-CN',
      ask: '联系办公室',
      login: 'li.wei@example.com',
      password: 'demo-liwei-1',
      ssn: '900-11-1003',
      pin: '86420',
      office: 'Queens Child Support Office',
      message: '请给我打电话，谢谢',
      yes: '是',
    });
    const reference = referenceIn(answers);
    expect(answers).toContain(`参考编号是 ${reference}`);
    expect(files).toEqual([`${reference}.eml`]);
    expect(await readFile(join(mailDir, files[0] ?? ''), 'utf8')).toMatch(/^To: queens\.childsupport@example\.gov$/m);
  }, 60_000);

  it('Ana (Spanish) hears "número de referencia OCS-…", and the Brooklyn office gets one .eml', async () => {
    const { answers, files } = await emailOffice({
      locale: 'es-US',
      ask: 'contactar oficina',
      login: 'ana.rodriguez@example.com',
      password: 'demo-ana-1',
      ssn: '900-11-1005',
      pin: '11223',
      office: 'Brooklyn Child Support Office',
      message: 'Necesito una cita, por favor',
      yes: 'sí',
    });
    const reference = referenceIn(answers);
    expect(answers).toContain(`Su número de referencia es ${reference}.`);
    expect(files).toEqual([`${reference}.eml`]);
  }, 60_000);
});
