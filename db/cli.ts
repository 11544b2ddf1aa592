/**
 * Operator commands: `npm run db:migrate` and `npm run db:seed -- FILE`. Output is for the operator
 * in a terminal, not for parents, so it is plain English and never contains an SSN or PIN.
 */
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase, type OpenDatabase } from './connect.js';
import { isAppError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { importSeed, readSeedFile, seedDemoIfEmpty, type SeedData } from './seed.js';

const USAGE = 'usage: tsx db/cli.ts migrate | seed FILE | prepare';

async function migrate(open: OpenDatabase): Promise<void> {
  const result = await migrateToLatest(open.db);
  const ran = result.results ?? [];
  if (ran.length === 0) console.log(`${open.kind}: already at the latest migration`);
  for (const migration of ran) console.log(`${open.kind}: ${migration.migrationName} ${migration.status}`);
}

async function seed(open: OpenDatabase, file: string, data: SeedData, ssnHmacKey: string): Promise<void> {
  await migrate(open);
  const summary = await importSeed(open.db, data, { ssnHmacKey });
  console.log(`${open.kind}: imported ${file} (${summary.format}, as of ${summary.asOf})`);
  for (const [table, count] of Object.entries(summary.counts)) console.log(`  ${table.padEnd(14)} ${count}`);
  console.log(`  PIN hashes written: ${summary.pinsWritten}; stale case rows removed: ${summary.rowsRemoved}`);
}

/**
 * Run by `npm ci` (the package's `prepare` script): creates the embedded database with the demo data
 * ahead of time, so the first `npm start` does not spend seconds in initdb. Nothing to do when a
 * server database, production, or an in-memory database is configured.
 */
async function prepareEmbedded(): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl !== null || config.production || !config.seedDemo || config.pgliteDir.startsWith('memory://')) {
    return;
  }
  const open = await openDatabase({ databaseUrl: null, pgliteDir: config.pgliteDir, pgliteSharedBuffersMb: config.pgliteSharedBuffersMb });
  try {
    await migrateToLatest(open.db);
    const seeded = await seedDemoIfEmpty(open.db, { ssnHmacKey: config.ssnHmacKey });
    console.log(`embedded database ready in ${config.pgliteDir}${seeded ? ' with the demo data' : ''}`);
  } finally {
    await open.close();
  }
}

async function main(args: readonly string[]): Promise<void> {
  const [command, file, ...rest] = args;
  if (command === 'prepare' && file === undefined) {
    await prepareEmbedded();
    return;
  }
  if (!((command === 'migrate' && file === undefined) || (command === 'seed' && file !== undefined && rest.length === 0))) {
    throw new UsageError(USAGE);
  }
  const config = loadConfig();
  // Validate before touching the database, so a bad file leaves the schema and data as they were.
  const data = command === 'seed' && file !== undefined ? await readSeedFile(file) : null;
  const open = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, pgliteSharedBuffersMb: config.pgliteSharedBuffersMb });
  try {
    if (command === 'migrate') await migrate(open);
    else if (file !== undefined && data !== null) await seed(open, file, data, config.ssnHmacKey);
  } finally {
    await open.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isAppError(error) || error instanceof ConfigError || error instanceof UsageError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
