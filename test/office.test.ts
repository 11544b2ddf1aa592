/**
 * "Email my office" end to end over SMS, as Twilio drives it: signed webhooks into the whole
 * application, SSN and PIN in the chat, and the `.eml` file the app writes into MAIL_DIR.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sendSms, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './channels/smsHelpers.js';

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

    const files = await readdir(join(mailDir, 'mail'));
    expect(files).toHaveLength(1);
    const eml = await readFile(join(mailDir, 'mail', files[0] ?? ''), 'utf8');
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
    expect(await tty('YES GA')).toMatch(/2 BUSINESS DAYS/);
    const files = (await readdir(join(mailDir, 'mail'))).sort();
    const eml = await readFile(join(mailDir, 'mail', files.at(-1) ?? ''), 'utf8');
    expect(eml).toContain('Maria Lopez');
    expect(eml).toContain('PLEASE CALL ME ABOUT MY NEXT PAYMENT');
    expect(eml).not.toMatch(/PAYMENT GA/);
    expect(eml).toMatch(/TTY \(text telephone\); call through a relay service/);
  }, 30_000);
});
