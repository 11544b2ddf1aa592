/**
 * The mail channel with nodemailer's own transports: the stream transport writing `.eml` files, and
 * the SMTP transport talking to a small SMTP server on a local port (one that can also refuse a
 * recipient), plus a closed port for a real connection failure.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileOrSmtpMailer } from '../../../channels/mail/FileOrSmtpMailer.js';
import { freePort } from '../../helpers/app.js';

const FROM = 'assistant@childsupport.example.gov';
const EMAIL = { id: 42, to: 'bronx.childsupport@example.gov', subject: 'Case CS24000101: message from a parent via the assistant', text: 'Please call me.\nThanks.' };

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly data: string;
}

/** Speaks just enough SMTP for one client: EHLO, MAIL, RCPT, DATA, QUIT. Refuses `refuse@…`. */
async function startSmtp(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let inData = false;
    let current: { from: string; to: string[]; data: string } = { from: '', to: [], data: '' };
    const say = (line: string): boolean => socket.write(`${line}\r\n`);
    say('220 localhost ESMTP test');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          say('250 2.0.0 queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline === -1) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') say('250 localhost');
        else if (verb === 'MAIL') {
          current.from = /<(.*)>/.exec(line)?.[1] ?? '';
          say('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          const to = /<(.*)>/.exec(line)?.[1] ?? '';
          if (to.startsWith('refuse@')) say('550 5.1.1 no such mailbox');
          else {
            current.to.push(to);
            say('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else if (verb === 'RSET' || verb === 'NOOP') say('250 ok');
        else say('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file mode (no SMTP_URL)', () => {
  it('creates the folder and writes <id>.eml, whole, with the headers and the text', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'a', 'b') });
    await mailer.send(EMAIL);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['42.eml']);
    const eml = await readFile(mailer.fileOf(42), 'utf8');
    expect(eml).toMatch(/^From: assistant@childsupport\.example\.gov$/m);
    expect(eml).toMatch(/^To: bronx\.childsupport@example\.gov$/m);
    expect(eml).toMatch(/^Subject: Case CS24000101: message from a parent via the assistant$/m);
    expect(eml).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(eml).toMatch(/^Message-ID: <.+@childsupport\.example\.gov>$/m);
    expect(eml).toContain('Please call me.\nThanks.');
  });

  it('fails with the file system code when the folder cannot be made', async () => {
    // Below the file the first test wrote: no folder can ever be made there.
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'a', 'b', '42.eml', 'x') });
    await expect(mailer.send(EMAIL)).rejects.toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
  });

  it('refuses a transport that hands back no message instead of writing an empty file', async () => {
    const mailer = new FileOrSmtpMailer({ smtpUrl: null, from: FROM, dir: join(dir, 'c') }, { transport: { sendMail: async () => ({}) } });
    await expect(mailer.send(EMAIL)).rejects.toMatchObject({ code: 'EMESSAGE' });
    await expect(readdir(join(dir, 'c'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('SMTP mode', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
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
