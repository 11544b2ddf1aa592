/**
 * Reminders at scale: `count` paying parents (one consent each, each its own number) whose payment
 * falls due in three days, one pass through the queue to a local fake of Twilio's REST API through
 * Twilio's own client. The baseline, measured in the same run, is the client alone sending the same
 * number of texts to the same fake without the database, so the ratio is what the queue costs.
 */
import { sql } from 'kysely';
import { runReminders } from '../../channels/reminders/ReminderRunner.js';
import { createTwilioReminderSender } from '../../channels/reminders/twilioSender.js';
import { openDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { seedDemoIfEmpty } from '../../db/seed.js';
import { startFakeTwilio, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../channels/smsHelpers.js';

const CONCURRENCY = 32;

export async function benchReminders(count: number): Promise<void> {
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
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next += 1;
          await sender.send({ to: '+12125550102', from: '+12125550100', body: 'baseline', statusCallback: null });
        }
      }),
    );
    const baselineS = (performance.now() - started) / 1000;
    fake.sent.length = 0;

    const passStarted = performance.now();
    const result = await runReminders({ db, sender, from: '+12125550100', statusCallback: 'http://localhost/api/sms/status', concurrency: CONCURRENCY }, new Date('2026-11-24T15:00:00Z'));
    const passS = (performance.now() - passStarted) / 1000;
    const again = await runReminders({ db, sender, from: '+12125550100', statusCallback: null, concurrency: CONCURRENCY }, new Date('2026-11-24T15:00:00Z'));
    console.log(`baseline: Twilio client alone, ${count} texts to a local fake: ${(count / baselineS).toFixed(0)} texts/s (${baselineS.toFixed(1)} s)`);
    console.log(
      `reminders pass, ${count} due texts (PGlite, ${CONCURRENCY} in flight): ${(result.sent / passS).toFixed(0)} texts/s (${passS.toFixed(1)} s; sent ${result.sent}, failed ${result.failed}; a second pass sent ${again.sent})  ×${(passS / baselineS).toFixed(2)} of baseline`,
    );
    if (result.sent !== count || fake.sent.length !== count || again.sent !== 0) throw new Error('the reminders pass did not send each text exactly once');
  } finally {
    await close();
    await fake.close();
  }
}
