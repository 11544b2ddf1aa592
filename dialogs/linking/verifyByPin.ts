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
 * was wrong. `personId` is for the audit trail only. `lockedNow`: this attempt reached the lock
 * (`scope` names it; `locks` lists every lock it reached, for the one lockout audit row). A person
 * locked before this attempt is `locked` with `lockedNow` false: the caller decides whether this
 * conversation may be told (only the one that reached the lock may).
 */
export type PinVerification =
  | { readonly outcome: 'verified'; readonly personId: string }
  | { readonly outcome: 'rejected'; readonly personId: string | null }
  | {
      readonly outcome: 'locked';
      readonly personId: string | null;
      readonly scope: 'person' | 'identity';
      readonly lockedNow: boolean;
      readonly locks: ReadonlyArray<'person' | 'identity'>;
    };

let decoyHash: Promise<string> | undefined;

/** An unknown SSN still costs one scrypt, so timing does not tell it apart from a wrong PIN. */
function decoy(): Promise<string> {
  decoyHash ??= hashPin('00000');
  return decoyHash;
}

function locked(personId: string | null, scope: 'person' | 'identity', locks: ReadonlyArray<'person' | 'identity'> = []): PinVerification {
  return { outcome: 'locked', personId, scope, lockedNow: locks.length > 0, locks };
}

export async function verifyByPin(db: Kysely<Database>, check: PinCheck): Promise<PinVerification> {
  const { identity, now } = check;
  if (identity !== undefined) {
    const link = await findIdentityLink(db, identity);
    if (link !== null && isLocked(link.lockedUntil, now)) return locked(link.personId, 'identity');
  }
  const person = await findPersonBySsnHmac(db, check.ssnHmac);
  const stored = person === null ? null : await findPin(db, person.id);

  /**
   * A person locked before this attempt: the PIN is never compared (a locked account gives nothing
   * away, not even "right"), yet the attempt costs the same scrypt and counts against the identity
   * like any miss, so from outside it looks like a wrong PIN or an unknown SSN.
   */
  const lockedBefore = async (personId: string): Promise<PinVerification> => {
    const identityCount = identity === undefined ? null : await recordIdentityFailure(db, identity, now);
    if (identityCount?.lockedNow === true) return locked(personId, 'identity', ['identity']);
    return locked(personId, 'person');
  };

  if (stored !== null && isLocked(stored.lockedUntil, now)) {
    await verifyPin(check.pin, await decoy());
    return lockedBefore(stored.personId);
  }
  const matches = await verifyPin(check.pin, stored?.pinHash ?? (await decoy()));
  if (stored !== null && matches) {
    if (await resetPinFailures(db, stored.personId, now)) return { outcome: 'verified', personId: stored.personId };
    // Locked by a parallel attempt between the check and now.
    return lockedBefore(stored.personId);
  }
  const personCount = stored === null ? null : await recordPinFailure(db, stored.personId, now);
  const identityCount = identity === undefined ? null : await recordIdentityFailure(db, identity, now);
  const personId = person?.id ?? null;
  const locks = [...(personCount?.lockedNow === true ? ['person' as const] : []), ...(identityCount?.lockedNow === true ? ['identity' as const] : [])];
  const [first] = locks;
  if (first !== undefined) return locked(personId, first, locks);
  // Locked by a parallel attempt: this failure was not counted.
  if (personCount !== null && !personCount.counted) return locked(personId, 'person');
  if (identityCount !== null && !identityCount.counted) return locked(personId, 'identity');
  return { outcome: 'rejected', personId };
}
