/**
 * Migrations are listed here, in order, rather than read from a folder, so they run the same from
 * `tsx`, from jest and from a bundle.
 */
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import * as initial from './migrations/2026_11_26_120000_initial.js';
import * as signIn from './migrations/2026_11_26_130000_sign_in.js';
import * as sms from './migrations/2026_11_26_140000_sms.js';
import * as chatBrowser from './migrations/2026_11_29_090000_chat_browser.js';
import * as signInCode from './migrations/2026_11_29_110000_sign_in_code.js';
import * as smsReplySession from './migrations/2026_11_29_120000_sms_reply_session.js';
import * as limitsRetention from './migrations/2026_11_29_130000_limits_retention.js';
import * as documents from './migrations/2026_11_29_140000_documents.js';
import * as officeOutbox from './migrations/2026_11_29_150000_office_outbox.js';
import * as signInLinkReuse from './migrations/2026_11_29_160000_sign_in_link_reuse.js';
import * as localeUnchecked from './migrations/2026_11_29_170000_locale_unchecked.js';
import * as reminders from './migrations/2026_11_29_180000_reminders.js';
import type { Database } from './schema.js';

const MIGRATIONS: Record<string, Migration> = {
  '2026_11_26_120000_initial': initial,
  '2026_11_26_130000_sign_in': signIn,
  '2026_11_26_140000_sms': sms,
  '2026_11_29_090000_chat_browser': chatBrowser,
  '2026_11_29_110000_sign_in_code': signInCode,
  '2026_11_29_120000_sms_reply_session': smsReplySession,
  '2026_11_29_130000_limits_retention': limitsRetention,
  '2026_11_29_140000_documents': documents,
  '2026_11_29_150000_office_outbox': officeOutbox,
  '2026_11_29_160000_sign_in_link_reuse': signInLinkReuse,
  '2026_11_29_170000_locale_unchecked': localeUnchecked,
  '2026_11_29_180000_reminders': reminders,
};

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    throw result.error instanceof Error ? result.error : new Error(String(result.error));
  }
  return result;
}
