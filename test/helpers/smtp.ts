/**
 * A small SMTP server on a local port, speaking just enough of the protocol for nodemailer's real
 * SMTP transport: EHLO, MAIL, RCPT, DATA, QUIT. It refuses `refuse@…` recipients for good (550), and
 * `failNext(n)` makes the next n messages fail for now (451 after DATA), as a busy server does.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface Received {
  readonly from: string;
  readonly to: string[];
  readonly data: string;
}

export interface SmtpServer {
  readonly port: number;
  /** Messages accepted (250 after DATA), in order. */
  readonly received: Received[];
  /** How many messages were answered 451 after DATA. */
  readonly deferred: () => number;
  /** The next `count` messages are deferred with a temporary failure. */
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpServer> {
  const received: Received[] = [];
  let toFail = 0;
  let deferred = 0;
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
          if (toFail > 0) {
            toFail -= 1;
            deferred += 1;
            say('451 4.3.0 try again later');
          } else {
            received.push(current);
            say('250 2.0.0 queued');
          }
          current = { from: '', to: [], data: '' };
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
    deferred: () => deferred,
    failNext: (count) => {
      toFail = count;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

