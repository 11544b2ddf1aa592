/**
 * "Email my office" through the whole bot on the demo data: the sign-in gate, the case choice, the
 * message checks, the read-back by length only, the yes/no, the outbox row and its reference, the
 * audit, and the real `.eml` file nodemailer writes when the outbox worker delivers it (or a real
 * delivery failure, retried). A confirmation queues one message, however often it arrives.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConversationState, UserState } from 'botbuilder';
import { ChildSupportBot } from '../../../bots/ChildSupportBot.js';
import { createStateAccessors } from '../../../bots/state.js';
import { FileOrSmtpMailer } from '../../../channels/mail/FileOrSmtpMailer.js';
import { OfficeOutboxWorker } from '../../../channels/mail/OfficeOutboxWorker.js';
import { createLogger } from '../../../channels/logger.js';
import { listAudit } from '../../../db/repositories/audit.js';
import { listOfficeMessages, REFERENCE_PATTERN } from '../../../db/repositories/officeMessages.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { DatabaseStorage } from '../../../db/storage.js';
import { MainDialog } from '../../../dialogs/MainDialog.js';
import { sayIn } from '../../../dialogs/messages.js';
import { MAX_OFFICE_MESSAGE } from '../../../dialogs/office/officeMessage.js';
import type { OfficeEmail, OfficeMailer } from '../../../dialogs/office/ports.js';
import { KeywordRecognizer } from '../../../dialogs/recognizer/KeywordRecognizer.js';
import { resolveLocale } from '../../../locales/i18n.js';
import { createTestDatabase } from '../../helpers/database.js';
import { Clock, FakeSignIn, ISSUER, joined, MARIA, openChat, ROBERT, SSN_HMAC_KEY, texts, WEI, type Chat, type World } from '../support/account.js';

const en = sayIn('en');
const zh = sayIn('zh-Hans');
const es = sayIn('es');
const ANA = { personId: 'P-1005', subject: 'nygov-0005' };
const BRONX = { name: 'Bronx Child Support Office', email: 'bronx.childsupport@example.gov', phone: '718-555-0140', hours: 'Mon-Fri 8:30-17:00' };
const BRONX_HOURS_EN = 'Monday to Friday, 8:30 AM to 5:00 PM';

let world: World;
let mailDir: string;
let mailer: FileOrSmtpMailer;
/** What the worker delivers through: the real file mailer, or one pointed at a folder that cannot exist. */
let current: OfficeMailer;
const sent: OfficeEmail[] = [];
/** Not started: each test drains it when the parent's message should go out. */
let outbox: OfficeOutboxWorker;
/** When set, queueing fails as it does with the database away. */
let queueFails = false;

beforeAll(async () => {
  mailDir = await mkdtemp(join(tmpdir(), 'office-mail-'));
  mailer = new FileOrSmtpMailer({ smtpUrl: null, from: 'assistant@childsupport.example.gov', dir: join(mailDir, 'out') });
  const database = await createTestDatabase('pglite');
  await seedDemoIfEmpty(database.db, { ssnHmacKey: SSN_HMAC_KEY });
  await database.db.insertInto('identityLinks').values({ issuer: ISSUER, subject: ANA.subject, personId: ANA.personId, linkedAt: new Date() }).execute();
  const clock = new Clock();
  const signIn = new FakeSignIn(clock);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void logLines.push(line) } });
  const storage = new DatabaseStorage(database.db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const delivering: OfficeMailer = {
    send: async (email) => {
      await current.send(email);
      sent.push(email);
    },
  };
  outbox = new OfficeOutboxWorker({ db: database.db, mailer: delivering, logger, now: clock.now });
  const dialog = new MainDialog({ recognizer: new KeywordRecognizer(), logger, db: database.db, signIn, ssnHmacKey: SSN_HMAC_KEY, now: clock.now, officeOutbox: {
      queue: async (request) => {
        if (queueFails) throw Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' });
        return outbox.queue(request);
      },
    },
  });
  const bot = new ChildSupportBot({ conversationState, userState, accessors: createStateAccessors(conversationState, userState), dialog, logger });
  world = { database, clock, signIn, logger, logLines, dialog, bot };
});

beforeEach(() => {
  current = mailer;
  queueFails = false;
});

afterAll(async () => {
  await world.database.close();
  await rm(mailDir, { recursive: true, force: true });
});

/** Asks to email the office, signs in on NY.gov and links with SSN and PIN the first time. */
async function startVerified(person: { subject: string; ssn?: string; pin?: string }, ask = 'email my office', locale = 'en-US'): Promise<{ chat: Chat; replies: string }> {
  const chat = openChat(world, locale);
  const link = joined(await chat.say(ask));
  expect(link).toMatch(/https:\/\/assistant\.example\.test\/signin\//);
  let replies = joined(await chat.signInAs(person.subject));
  if (replies.includes(sayIn(resolveLocale(locale))('linking.ask_ssn')) && person.ssn !== undefined && person.pin !== undefined) {
    await chat.say(person.ssn);
    replies = joined(await chat.say(person.pin));
  }
  return { chat, replies };
}

/** An `.eml` file as a reader sees it: headers as written, the body decoded. */
async function readEml(file: string): Promise<{ headers: string; body: string }> {
  const raw = await readFile(file, 'utf8');
  const split = raw.indexOf('\n\n');
  const headers = raw.slice(0, split);
  const encoded = raw.slice(split + 2);
  const encoding = /^Content-Transfer-Encoding: (\S+)$/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return { headers, body: Buffer.from(encoded, 'base64').toString('utf8') };
  if (encoding !== 'quoted-printable') return { headers, body: encoded };
  const bytes = encoded.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return { headers, body: Buffer.from(bytes, 'latin1').toString('utf8') };
}

async function messagesOf(personId: string) {
  return listOfficeMessages(world.database.db, { personId });
}

describe('Maria (one case, Bronx office, web chat)', () => {
  let chat: Chat;

  beforeAll(async () => {
    const started = await startVerified(MARIA);
    chat = started.chat;
    expect(started.replies).toContain(en('office.ask_message', { office: BRONX.name, limit: MAX_OFFICE_MESSAGE }));
  });

  it('reads the message back only as its length, queues it on yes with an OCS- reference, and the worker sends it', async () => {
    const message = 'Please call me about my address change.\nI moved last month.';
    const confirm = joined(await chat.say(message));
    expect(confirm).toBe(en('office.confirm', { count: [...message].length, office: BRONX.name }));
    expect(confirm).not.toContain('address change');

    const done = joined(await chat.say('yes'));
    const [queued] = (await messagesOf(MARIA.personId)).slice(-1);
    expect(queued).toMatchObject({ status: 'pending', officeId: 'bronx', caseNumber: 'CS24000101', body: message, attempts: 0, channelKind: 'web', locale: 'en' });
    const reference = queued?.reference ?? '';
    expect(reference).toMatch(REFERENCE_PATTERN);
    expect(done).toBe(en('office.sent', { office: BRONX.name, reference, phone: BRONX.phone, hours: 'Monday to Friday, 8:30 AM to 5:00 PM' }));
    expect(done).toContain(`Your reference is ${reference}.`);
    expect(done).toMatch(/2 business days/);

    expect(await outbox.drain()).toBe(1);
    const [row] = (await messagesOf(MARIA.personId)).slice(-1);
    expect(row).toMatchObject({ status: 'sent', reference, attempts: 1, lastError: null });
    expect(row?.sentAt).toBeInstanceOf(Date);

    const { headers, body } = await readEml(join(mailDir, 'out', `${reference}.eml`));
    expect(headers).toMatch(new RegExp(`^Message-ID: <${reference}@childsupport\\.example\\.gov>$`, 'm'));
    expect(body).toContain(`Reference number: ${reference}`);
    expect(headers).toMatch(/^To: bronx\.childsupport@example\.gov$/m);
    expect(headers).toMatch(/^From: assistant@childsupport\.example\.gov$/m);
    expect(headers).toMatch(/^Subject: Case CS24000101: message from a parent via the assistant$/m);
    expect(body).toContain(message);
    expect(body).toContain('Case number: CS24000101');
    expect(body).toContain('Maria Lopez');
    expect(body).toContain('web chat');
    expect(body).toMatch(/by letter or phone/);
    expect(body).toMatch(/do not reply to this address/i);
    for (const text of [headers, body]) {
      expect(text).not.toMatch(/900-?11-?1001/);
      expect(text).not.toContain(MARIA.pin);
    }

    const audit = await listAudit(world.database.db, { personId: MARIA.personId, action: 'office_message' });
    expect(audit.map((entry) => entry.outcome)).toEqual(['queued', 'sent']);
    expect(JSON.stringify(audit)).not.toContain('address change');
  });

  it('"no" sends nothing and writes no row', async () => {
    const before = (await messagesOf(MARIA.personId)).length;
    const files = await readdir(join(mailDir, 'out'));
    await chat.say('email my office');
    await chat.say('Never mind this one');
    expect(texts(await chat.say('no'))).toEqual([en('office.not_sent')]);
    expect(await messagesOf(MARIA.personId)).toHaveLength(before);
    expect(await readdir(join(mailDir, 'out'))).toEqual(files);
  });

  it('refuses a message holding her SSN or a PIN, asks for it again without, and never stores the number', async () => {
    await chat.say('email my office');
    expect(texts(await chat.say(`My social is ${MARIA.ssn}, please fix my file`))).toEqual([en('office.retry_sensitive')]);
    expect(texts(await chat.say(`my PIN ${MARIA.pin} does not work`))).toEqual([en('office.retry_sensitive')]);
    const confirm = joined(await chat.say('Please fix my file'));
    expect(confirm).toBe(en('office.confirm', { count: 18, office: BRONX.name }));
    await chat.say('yes');
    await outbox.drain();
    const rows = JSON.stringify(await messagesOf(MARIA.personId));
    expect(rows).not.toMatch(/900-?11-?1001/);
    expect(rows).not.toContain(MARIA.pin);
    const audit = JSON.stringify(await listAudit(world.database.db, { personId: MARIA.personId }));
    expect(audit).not.toMatch(/900-?11-?1001/);
  });

  it('re-asks clearly for a message that is too long, and takes one of exactly the limit', async () => {
    await chat.say('email my office');
    const long = 'a'.repeat(MAX_OFFICE_MESSAGE + 1);
    expect(texts(await chat.say(long))).toEqual([en('office.retry_too_long', { count: MAX_OFFICE_MESSAGE + 1, limit: MAX_OFFICE_MESSAGE })]);
    const confirm = joined(await chat.say(`  ${'b'.repeat(MAX_OFFICE_MESSAGE)}  `));
    expect(confirm).toBe(en('office.confirm', { count: MAX_OFFICE_MESSAGE, office: BRONX.name }));
    expect(texts(await chat.say('no'))).toEqual([en('office.not_sent')]);
  });

  it('re-asks for a message with control characters', async () => {
    await chat.say('email my office');
    expect(texts(await chat.say('please call me back tomorrow about the \u0007 payment'))).toEqual([en('office.retry_control')]);
    expect(texts(await chat.say('cancel'))).toEqual([en('cancel.done')]);
  });

  it('"I need help with…" is the message, not a call for the help menu; "cancel" alone still cancels', async () => {
    await chat.say('email my office');
    const message = 'I need help with my payment from last month, please call me';
    expect(joined(await chat.say(message))).toBe(en('office.confirm', { count: [...message].length, office: BRONX.name }));
    expect(texts(await chat.say('cancel'))).toEqual([en('cancel.done')]);
    await chat.say('email my office');
    const before = (await messagesOf(MARIA.personId)).length;
    expect(texts(await chat.say('cancel'))).toEqual([en('cancel.done')]);
    expect(await messagesOf(MARIA.personId)).toHaveLength(before);
  });

  it('the parent does not wait on the mail server: a failing one leaves the message queued for a retry, with its code', async () => {
    const blocker = join(mailDir, 'not-a-folder');
    await writeFile(blocker, 'x');
    current = new FileOrSmtpMailer({ smtpUrl: null, from: 'assistant@childsupport.example.gov', dir: join(blocker, 'out') });
    await chat.say('email my office');
    await chat.say('Is my hearing still on Monday');
    const answer = joined(await chat.say('yes'));
    const [queued] = (await messagesOf(MARIA.personId)).slice(-1);
    expect(answer).toBe(en('office.sent', { office: BRONX.name, phone: BRONX.phone, hours: BRONX_HOURS_EN, reference: queued?.reference ?? '' }));
    expect(await outbox.drain()).toBe(1);
    const [row] = (await messagesOf(MARIA.personId)).slice(-1);
    expect(row).toMatchObject({ status: 'pending', sentAt: null, attempts: 1, leaseUntil: null });
    expect(row?.lastError).toMatch(/^E[A-Z]+$/);
    expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(world.clock.now().getTime());
    expect(world.logLines.join('\n')).not.toContain('hearing');
    // The mail server is back: the retry, when due, sends it once.
    current = mailer;
    world.clock.advance(60_000);
    expect(await outbox.drain()).toBe(1);
    expect((await messagesOf(MARIA.personId)).at(-1)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(await readdir(join(mailDir, 'out'))).toContain(`${row?.reference ?? ''}.eml`);
  });

  it('when the message cannot be queued the parent gets the office\'s number and the helpline, and the log only a code', async () => {
    queueFails = true;
    await chat.say('email my office');
    await chat.say('Please send me my payment history');
    const before = (await messagesOf(MARIA.personId)).length;
    const answer = joined(await chat.say('yes'));
    expect(answer).toBe(en('office.failed', { office: BRONX.name, phone: BRONX.phone, hours: BRONX_HOURS_EN }));
    expect(answer).toContain('888-208-4485');
    expect(await messagesOf(MARIA.personId)).toHaveLength(before);
    expect(world.logLines.join('\n')).toContain('"code":"ECONNRESET"');
    expect(world.logLines.join('\n')).not.toContain('payment history');
  });

  it('double confirmation: two "yes" arriving at once queue one message', async () => {
    await chat.say('email my office');
    await chat.say('Please send me a new payment coupon');
    const before = (await messagesOf(MARIA.personId)).length;
    const answers = await Promise.allSettled([chat.say('yes'), chat.say('yes')]);
    expect(answers.some((a) => a.status === 'fulfilled')).toBe(true);
    const rows = await messagesOf(MARIA.personId);
    expect(rows).toHaveLength(before + 1);
    expect(await outbox.drain()).toBe(1);
    expect(await outbox.drain()).toBe(0);
    const audit = await listAudit(world.database.db, { personId: MARIA.personId, action: 'office_message' });
    expect(audit.filter((entry) => entry.detail.reference === rows.at(-1)?.reference).map((entry) => entry.outcome)).toEqual(['queued', 'sent']);
  });

  it('"yes" again after the turn died before saving its state: no second message, and the parent hears the same reference', async () => {
    await chat.say('email my office');
    await chat.say('My employer changed, please update the order');
    // What the conversation's state looks like while the yes-or-no is asked.
    const saved = await world.database.db.selectFrom('botState').selectAll().where('key', 'like', `%${chat.conversationId}%`).execute();
    expect(saved.length).toBeGreaterThan(0);
    const restore = async (): Promise<void> => {
      for (const row of saved) {
        await world.database.db.updateTable('botState').set({ document: JSON.stringify(row.document), etag: row.etag }).where('key', '=', row.key).execute();
      }
    };
    const done = joined(await chat.say('yes'));
    const [queued] = (await messagesOf(MARIA.personId)).slice(-1);
    const reference = queued?.reference ?? '';
    expect(done).toContain(reference);
    // The process died after queueing, before the turn's state was written: the prompt is still open.
    await restore();
    const count = (await messagesOf(MARIA.personId)).length;
    const again = joined(await chat.say('yes'));
    const already = en('office.already_sent', { office: BRONX.name, reference, phone: BRONX.phone, hours: BRONX_HOURS_EN });
    expect(again).toBe(already);
    // A "no" this time, once the message is queued, must not be told "not sent".
    await restore();
    expect(joined(await chat.say('no'))).toBe(already);
    expect(await messagesOf(MARIA.personId)).toHaveLength(count);
    expect(await outbox.drain()).toBe(1);
    expect(sent.filter((email) => email.reference === reference)).toHaveLength(1);
  });
});

describe('Robert (two cases)', () => {
  let chat: Chat;

  beforeAll(async () => {
    const started = await startVerified(ROBERT);
    chat = started.chat;
    expect(started.replies).toContain(en('cases.label', { caseEnding: '0303', children: 'Lucas' }));
    expect(started.replies).toContain(en('cases.label', { caseEnding: '0404', children: 'Jordan' }));
  });

  it('picks a case; the message goes to that case\'s office', async () => {
    expect(joined(await chat.say('Lucas'))).toContain(en('office.ask_message', { office: 'Brooklyn Child Support Office', limit: MAX_OFFICE_MESSAGE }));
    await chat.say('I changed jobs last week');
    await chat.say('yes');
    await outbox.drain();
    const [row] = (await messagesOf(ROBERT.personId)).slice(-1);
    expect(row).toMatchObject({ status: 'sent', officeId: 'brooklyn', caseNumber: 'CS25000303' });
    expect(sent.at(-1)).toMatchObject({ to: 'brooklyn.childsupport@example.gov', subject: 'Case CS25000303: message from a parent via the assistant' });
  });

  it('"all" is asked again for one case, since a message goes to one office', async () => {
    const asked = joined(await chat.say('email my office about all cases'));
    expect(asked).toContain(en('office.one_case'));
    expect(asked).toContain(en('cases.label', { caseEnding: '0404', children: 'Jordan' }));
    expect(joined(await chat.say('0404'))).toContain(en('office.ask_message', { office: 'Manhattan Child Support Office', limit: MAX_OFFICE_MESSAGE }));
    expect(texts(await chat.say('cancel'))).toEqual([en('cancel.done')]);
  });

  it('cannot send to the office of a case that is not his', async () => {
    expect(texts(await chat.say('email my office about case CS24000101'))).toEqual([en('cases.not_yours')]);
  });
});

describe('in Chinese and Spanish', () => {
  it('Wei Li: "联系办公室", the Queens office, "是"', async () => {
    const { chat, replies } = await startVerified(WEI, '联系办公室', 'zh-CN');
    expect(replies).toContain(zh('office.ask_message', { office: 'Queens Child Support Office', limit: MAX_OFFICE_MESSAGE }));
    const message = '请给我打电话，谢谢';
    expect(joined(await chat.say(message))).toBe(zh('office.confirm', { count: 9, office: 'Queens Child Support Office' }));
    const done = joined(await chat.say('是'));
    await outbox.drain();
    const [row] = (await messagesOf(WEI.personId)).slice(-1);
    expect(row).toMatchObject({ status: 'sent', officeId: 'queens', body: message, locale: 'zh-Hans' });
    expect(row?.reference).toMatch(REFERENCE_PATTERN);
    expect(done).toBe(zh('office.sent', { office: 'Queens Child Support Office', reference: row?.reference ?? '', phone: '718-555-0144', hours: '周一至周五 8:30–17:00' }));
    expect(done).toContain(`参考编号是 ${row?.reference ?? ''}`);
    expect(sent.at(-1)?.text).toContain('Chinese (Simplified)');
    const { body } = await readEml(join(mailDir, 'out', `${row?.reference ?? ''}.eml`));
    expect(body).toContain(message);
    expect(body).toContain('Wei Li');
  });

  it('Ana: "contactar oficina", "sí"', async () => {
    const { chat, replies } = await startVerified(ANA, 'contactar oficina', 'es-US');
    expect(replies).toContain(es('office.ask_message', { office: 'Brooklyn Child Support Office', limit: MAX_OFFICE_MESSAGE }));
    await chat.say('Necesito una cita, por favor');
    const done = joined(await chat.say('sí'));
    const reference = (await messagesOf(ANA.personId)).at(-1)?.reference ?? '';
    expect(reference).toMatch(REFERENCE_PATTERN);
    expect(done).toContain('Brooklyn Child Support Office');
    expect(done).toContain(es('office.sent', { office: 'Brooklyn Child Support Office', reference, phone: '718-555-0141', hours: 'de lunes a viernes, de 8:30 a 17:00' }));
    expect(done).toContain(`Su número de referencia es ${reference}.`);
  });
});
