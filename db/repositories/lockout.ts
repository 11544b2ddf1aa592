/**
 * The lockout rule shared by PINs (per person) and NY.gov identities (per identity), so both count
 * and lock the same way.
 */

/** Wrong answers before a lock; the fifth one locks. */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MS = 24 * 60 * 60 * 1000;

export interface FailureCount {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}
