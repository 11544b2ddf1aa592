/**
 * What the account flows need from outside, handed in by the composition root: the database, the
 * NY.gov sign-in edge, the SSN HMAC key and a clock (so tests can move time instead of waiting).
 */
import type { Kysely } from 'kysely';
import type { Log } from './log.js';
import type { Database } from '../db/schema.js';
import type { SignInPort } from './auth/ports.js';

export interface AccountDeps {
  readonly db: Kysely<Database>;
  readonly signIn: SignInPort;
  readonly ssnHmacKey: string;
  readonly now: () => Date;
  readonly logger?: Log;
}
