/**
 * The mail channel with nodemailer's own transports: the stream transport writing `.eml` files, and
 * the SMTP transport talking to a small SMTP server on a local port (one that can also refuse a
 * recipient), plus a closed port for a real connection failure.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileOrSmtpMailer, messageIdOf } from '../../../channels/mail/FileOrSmtpMailer.js';
import { freePort } from '../../helpers/app.js';
import { startSmtp, type SmtpServer } from '../../helpers/smtp.js';

const FROM = 'assistant@childsupport.example.gov';
const EMAIL = { reference: 'OCS-7K3QH', to: 'bronx.childsupport@example.gov', subject: 'Case CS24000101: message from a parent via the assistant', text: 'Please call me.\nThanks.' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file mode (no SMTP_URL)', () => {
  it('creates the folder and writes <reference>.eml, whole, with the headers and the text', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'a', 'b') });
    await mailer.send(EMAIL);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['OCS-7K3QH.eml']);
    const eml = await readFile(mailer.fileOf('OCS-7K3QH'), 'utf8');
    expect(eml).toMatch(/^From: assistant@childsupport\.example\.gov$/m);
    expect(eml).toMatch(/^To: bronx\.childsupport@example\.gov$/m);
    expect(eml).toMatch(/^Subject: Case CS24000101: message from a parent via the assistant$/m);
    expect(eml).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(eml).toMatch(/^Message-ID: <OCS-7K3QH@childsupport\.example\.gov>$/m);
    expect(eml).toMatch(/^X-Office-Reference: OCS-7K3QH$/m);
    expect(eml).toContain('Please call me.\nThanks.');
  });

  it('fails with the file system code when the folder cannot be made', async () => {
    // Below the file the first test wrote: no folder can ever be made there.
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'a', 'b', 'OCS-7K3QH.eml', 'x') });
    await expect(mailer.send(EMAIL)).rejects.toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
  });

  it('the Message-ID derives from the reference: a resend after a crash is the same message, in the same file', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: `Child Support Assistant <${FROM}>`, dir: join(dir, 'resend') });
    await mailer.send(EMAIL);
    const first = await readFile(mailer.fileOf('OCS-7K3QH'), 'utf8');
    await mailer.send(EMAIL);
    expect(await readdir(join(dir, 'resend'))).toEqual(['OCS-7K3QH.eml']);
    const second = await readFile(mailer.fileOf('OCS-7K3QH'), 'utf8');
    for (const eml of [first, second]) expect(eml).toMatch(/^Message-ID: <OCS-7K3QH@childsupport\.example\.gov>$/m);
    expect(messageIdOf('OCS-ABCDE', FROM)).toBe('<OCS-ABCDE@childsupport.example.gov>');
  });

  it('refuses a reference that could not be a file name or a header, and writes nothing', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'bad') });
    await expect(mailer.send({ ...EMAIL, reference: '../../etc/x' })).rejects.toMatchObject({ code: 'EREFERENCE' });
    await expect(mailer.send({ ...EMAIL, reference: 'OCS-1\r\nBcc: x@example.com' })).rejects.toMatchObject({ code: 'EREFERENCE' });
    await expect(readdir(join(dir, 'bad'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a transport that hands back no message instead of writing an empty file', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'c') }, { transport: { sendMail: async () => ({}) } });
    await expect(mailer.send(EMAIL)).rejects.toMatchObject({ code: 'EMESSAGE' });
    await expect(readdir(join(dir, 'c'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('SMTP mode', () => {
  let smtp: SmtpServer;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it('delivers over SMTP from the configured sender, and writes no file', async () => {
    const files = join(dir, 'smtp-files');
    const mailer = new FileOrSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM, dir: files });
    await mailer.send(EMAIL);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.from).toBe(FROM);
    expect(mail?.to).toEqual(['bronx.childsupport@example.gov']);
    expect(mail?.data).toMatch(/^Subject: Case CS24000101: message from a parent via the assistant$/m);
    expect(mail?.data).toContain('Please call me.');
    expect(mail?.data).toMatch(/^Message-ID: <OCS-7K3QH@childsupport\.example\.gov>$/m);
    await expect(readdir(files)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects with nodemailer\'s code when the server refuses the recipient', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: FROM, dir });
    await expect(mailer.send({ ...EMAIL, to: 'refuse@example.gov' })).rejects.toMatchObject({ code: 'EENVELOPE' });
  });

  it('rejects with a connection code when nothing listens', async () => {
    const port = await freePort();
    const mailer = new FileOrSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, dir });
    await expect(mailer.send(EMAIL)).rejects.toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
  });
});
