/**
 * Texts as Twilio sends them: form-encoded, signed by the `twilio` helper itself, and the TwiML
 * answer read back into message bodies. Plus a local fake Twilio REST API that records what the
 * Twilio client sends, so outgoing SMS are proven with Twilio's own client.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import twilio from 'twilio';

export const TEST_AUTH_TOKEN = 'test-twilio-auth-token-0123456789abcdef';
export const TEST_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

export function messageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export interface SmsAnswer {
  readonly status: number;
  readonly body: string;
  readonly messages: string[];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function messagesOf(twiml: string): string[] {
  return [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => unescapeXml(m[1] ?? ''));
}

export interface TextOptions {
  readonly sid?: string;
  /** Signs with this token instead of the right one (a forgery). */
  readonly signWith?: string;
  /** Leaves the signature header out. */
  readonly unsigned?: boolean;
  /** More fields Twilio may post, such as `OptOutType` (Advanced Opt-Out). */
  readonly extra?: Record<string, string>;
}

export async function sendSms(
  publicUrl: string,
  message: { from: string; to: string; body: string },
  options: TextOptions = {},
): Promise<SmsAnswer> {
  const params: Record<string, string> = {
    AccountSid: TEST_ACCOUNT_SID,
    MessageSid: options.sid ?? messageSid(),
    SmsSid: options.sid ?? messageSid(),
    From: message.from,
    To: message.to,
    Body: message.body,
    NumMedia: '0',
    NumSegments: '1',
    ...options.extra,
  };
  const url = `${publicUrl}/api/sms`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.unsigned !== true) {
    headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(options.signWith ?? TEST_AUTH_TOKEN, url, params);
  }
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  const body = await res.text();
  return { status: res.status, body, messages: res.status === 200 ? messagesOf(body) : [] };
}

export interface RecordedSms {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly authorized: boolean;
}

/** The part of Twilio's REST API our client calls: create a message. Records and answers 201. */
export async function startFakeTwilio(): Promise<{ url: string; sent: RecordedSms[]; close(): Promise<void> }> {
  const sent: RecordedSms[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !/^\/2010-04-01\/Accounts\/AC\w+\/Messages\.json$/.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
        return;
      }
      const form = new URLSearchParams(raw);
      const record = { to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '', authorized: req.headers.authorization === expectedAuth };
      sent.push(record);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid: messageSid(), account_sid: TEST_ACCOUNT_SID, to: record.to, from: record.from, body: record.body, status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
