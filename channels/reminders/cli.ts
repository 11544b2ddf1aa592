/**
 * `npm run reminders -- --now ISO-8601`: one reminders pass, as the app's scheduler runs it, at the
 * given moment (default: now). Idempotent: a second run at the same moment sends nothing. Prints the
 * counts, the last line `sent: N`; never a number or a message text.
 */
import { ConfigError, loadConfig } from '../../config.js';
import { openDatabase } from '../../db/connect.js';
import { isAppError } from '../../db/errors.js';
import { migrateToLatest } from '../../db/migrate.js';
import { runReminders } from './ReminderRunner.js';
import { createTwilioReminderSender } from './twilioSender.js';

class UsageError extends Error {}

function parseNow(args: readonly string[]): Date {
  if (args.length === 0) return new Date();
  const [flag, value, ...rest] = args;
  if (flag !== '--now' || value === undefined || rest.length > 0) throw new UsageError('usage: npm run reminders -- [--now ISO-8601]');
  const now = new Date(value);
  if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw new UsageError(`--now must be an ISO-8601 date and time, not "${value}"`);
  return now;
}

async function main(args: readonly string[]): Promise<void> {
  const now = parseNow(args);
  const config = loadConfig();
  const { accountSid, authToken, from, apiUrl } = config.twilio;
  if (accountSid === null || authToken === null || from === null) {
    throw new ConfigError('reminders need TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM');
  }
  const open = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, pgliteSharedBuffersMb: config.pgliteSharedBuffersMb });
  try {
    await migrateToLatest(open.db);
    const result = await runReminders(
      {
        db: open.db,
        sender: createTwilioReminderSender({ accountSid, authToken, apiUrl }),
        from,
        statusCallback: `${config.publicUrl}/api/sms/status`,
        concurrency: config.reminders.concurrency,
      },
      now,
    );
    for (const [reason, n] of Object.entries(result.skipped)) console.log(`skipped (${reason}): ${n}`);
    console.log(`failed: ${result.failed}`);
    console.log(`sent: ${result.sent}`);
  } finally {
    await open.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isAppError(error) || error instanceof ConfigError || error instanceof UsageError) console.error(error.message);
  else console.error(error instanceof Error ? error.name : 'error');
  process.exitCode = 1;
});
