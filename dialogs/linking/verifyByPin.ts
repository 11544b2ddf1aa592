/**
 * Proving who someone is with an SSN and the mailed PIN: the core of linking a NY.gov sign-in, and
 * of the text channels' verification later (called without an identity). It only decides and
 * counts; the caller speaks, audits and opens a session.
 */
import type { Kysely } from 'kysely';
import { hashPin, verifyPin } from '../../db/crypto.js';
import { findIdentityLink, recordIdentityFailure, type IdentityKey } from '../../db/repositories/identities.js';
import { isLocked } from '../../db/repositories/lockout.js';
import { findPersonBySsnHmac } from '../../db/repositories/people.js';
import { findPin, recordPinFailure, resetPinFailures } from '../../db/repositories/pins.js';
import type { Database } from '../../db/schema.js';

export interface PinCheck {
  /** `hmacSsn(key, normalizeSsn(typed))`: the SSN itself never comes this far. */
  readonly ssnHmac: string;
  /** The five digits from `normalizePin`. */
  readonly pin: string;
  /** The NY.gov identity being linked, if any: its guesses are counted too. */
  readonly identity?: IdentityKey;
  readonly now: Date;
}

/**
 * `rejected` covers an unknown SSN and a wrong PIN alike, so no caller can tell the parent which
 * was wrong. `personId` is for the audit trail only. `lockedNow`: this attempt caused the lock.
 */
export type PinVerification =
  | { readonly outcome: 'verified'; readonly personId: string }
  | { readonly outcome: 'rejected'; readonly personId: string | null }
  | { readonly outcome: 'locked'; readonly personId: string | null; readonly scope: 'person' | 'identity'; readonly lockedNow: boolean };

let decoyHash: Promise<string> | undefined;

/** An unknown SSN still costs one scrypt, so timing does not tell it apart from a wrong PIN. */
function decoy(): Promise<string> {
  decoyHash ??= hashPin('00000');
  return decoyHash;
}

export async function verifyByPin(db: Kysely<Database>, check: PinCheck): Promise<PinVerification> {
  const { identity, now } = check;
  if (identity !== undefined) {
    const link = await findIdentityLink(db, identity);
    if (link !== null && isLocked(link.lockedUntil, now)) {
      return { outcome: 'locked', personId: link.personId, scope: 'identity', lockedNow: false };
    }
  }
  const person = await findPersonBySsnHmac(db, check.ssnHmac);
  const stored = person === null ? null : await findPin(db, person.id);
  // The lock is checked before the PIN, so a locked account gives nothing away, not even "right".
  if (stored !== null && isLocked(stored.lockedUntil, now)) {
    return { outcome: 'locked', personId: stored.personId, scope: 'person', lockedNow: false };
  }
  const matches = await verifyPin(check.pin, stored?.pinHash ?? (await decoy()));
  if (stored !== null && matches) {
    if (await resetPinFailures(db, stored.personId, now)) return { outcome: 'verified', personId: stored.personId };
    return { outcome: 'locked', personId: stored.personId, scope: 'person', lockedNow: false };
  }
  const personCount = stored === null ? null : await recordPinFailure(db, stored.personId, now);
  const identityCount = identity === undefined ? null : await recordIdentityFailure(db, identity, now);
  const personId = person?.id ?? null;
  if (personCount !== null && isLocked(personCount.lockedUntil, now)) {
    return { outcome: 'locked', personId, scope: 'person', lockedNow: true };
  }
  if (identityCount !== null && isLocked(identityCount.lockedUntil, now)) {
    return { outcome: 'locked', personId, scope: 'identity', lockedNow: true };
  }
  return { outcome: 'rejected', personId };
}
