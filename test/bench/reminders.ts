/**
 * Reminders at scale: `count` paying parents (one consent each, each its own number) whose payment
 * falls due in three days, one pass through the queue to a local fake of Twilio's REST API through
 * Twilio's own client. The baseline, measured in the same run, is the client alone sending the same
 * number of texts to the same fake without the database, so the ratio is what the queue costs.
 *
 * The count is a parameter (`npm run bench -- --reminders 100000`, or alone
 * `tsx test/bench/reminders.ts --count 100000`): the default, 5,000, finishes in well under a
 * minute; the rate it reports tells how long any other count takes.
 */
import { sql } from 'kysely';
import { runReminders } from '../../channels/reminders/ReminderRunner.js';
import { createTwilioReminderSender } from '../../channels/reminders/twilioSender.js';
import { openDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { seedDemoIfEmpty } from '../../db/seed.js';
import { startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../channels/smsHelpers.js';

const CONCURRENCY = 32;
export const DEFAULT_REMINDERS = 5_000;

export interface ReminderFigures {
  readonly count: number;
  readonly baselineS: number;
  readonly baselineCpuS: number;
  readonly passS: number;
  /** This process's CPU seconds for the pass (queue, client, embedded database and fake alike). */
  readonly passCpuS: number;
  readonly sent: number;
  readonly failed: number;
  readonly sentAgain: number;
}

export async function benchReminders(count: number = DEFAULT_REMINDERS): Promise<ReminderFigures> {
  const fake = await startFakeTwilio();
  const { db, close } = await openDatabase({ databaseUrl: null, pgliteDir: 'memory://' });
  try {
    await migrateToLatest(db);
    await seedDemoIfEmpty(db, { ssnHmacKey: 'bench' });
    // James pays on CS24000101, due 2026-11-27: every consent is his case at another number.
    await sql`
      insert into reminder_consents (id, person_id, phone, phone_hash, kind, locale, tty, channel, words_shown, agreed_with, consented_at)
      select 'bench-' || g, 'P-1002', '+1212' || lpad(g::text, 7, '0'), 'bench-hash-' || g, 'due', 'en', false, 'sms', 'terms', 'AGREE', '2026-11-20T15:00:00Z'
      from generate_series(1, ${count}) as g`.execute(db);
    const sender = createTwilioReminderSender({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, apiUrl: fake.url });

    // Baseline: the Twilio client alone, same concurrency, same count.
    let next = 0;
    const started = performance.now();
    const baselineCpuStart = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next += 1;
          await sender.send({ to: '+12125550102', from: '+12125550100', body: 'baseline', statusCallback: null });
        }
      }),
    );
    const baselineS = (performance.now() - started) / 1000;
    const baselineCpu = process.cpuUsage(baselineCpuStart);
    fake.sent.length = 0;

    const passStarted = performance.now();
    const cpuStart = process.cpuUsage();
    const result = await runReminders({ db, sender, from: '+12125550100', statusCallback: 'http://localhost/api/sms/status', concurrency: CONCURRENCY }, new Date('2026-11-24T15:00:00Z'));
    const passS = (performance.now() - passStarted) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const again = await runReminders({ db, sender, from: '+12125550100', statusCallback: null, concurrency: CONCURRENCY }, new Date('2026-11-24T15:00:00Z'));
    if (result.sent !== count || fake.sent.length !== count || again.sent !== 0) throw new Error('the reminders pass did not send each text exactly once');
    return { count, baselineS, baselineCpuS: (baselineCpu.user + baselineCpu.system) / 1e6, passS, passCpuS: (cpu.user + cpu.system) / 1e6, sent: result.sent, failed: result.failed, sentAgain: again.sent };
  } finally {
    await close();
    await fake.close();
  }
}

export function reminderLines(f: ReminderFigures): string[] {
  return [
    `baseline: Twilio client alone, ${f.count} texts to a local fake: ${(f.count / f.baselineS).toFixed(0)} texts/s (${f.baselineS.toFixed(1)} s, cpu ${f.baselineCpuS.toFixed(1)} s)`,
    `reminders pass, ${f.count} due texts (PGlite, ${CONCURRENCY} in flight): ${(f.sent / f.passS).toFixed(0)} texts/s (${f.passS.toFixed(1)} s, cpu ${f.passCpuS.toFixed(1)} s; sent ${f.sent}, failed ${f.failed}; a second pass sent ${f.sentAgain})  ×${(f.passS / f.baselineS).toFixed(2)} of baseline`,
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const i = args.indexOf('--count');
  const count = i >= 0 ? Number((args[i + 1] ?? '').replace(/[_,]/g, '')) : DEFAULT_REMINDERS;
  if (!Number.isInteger(count) || count < 1) throw new Error('--count takes a whole number of reminders');
  for (const line of reminderLines(await benchReminders(count))) console.log(line);
}

if (process.argv[1]?.endsWith('reminders.ts') === true) {
  main().catch((error: unknown) => {
    console.error('reminders bench failed:', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
