/**
 * The only ways an SSN or PIN reaches the database: an SSN as a keyed HMAC (so a stolen table cannot
 * be reversed by hashing the 10^9 possible SSNs without the key) and a PIN as a salted scrypt hash
 * (a 5-digit PIN is guessable offline, so the work factor and per-row salt are what protect it).
 */
import { createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SCRYPT_N = 16384;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Refuse stored parameters that would let a tampered row make verification eat all memory or CPU. */
const MAX_SCRYPT_N = 1 << 20;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

function scryptOptions(n: number, r: number, p: number): ScryptOptions {
  return { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
}

/**
 * Accepts the forms people type (`900-11-1001`, `900 11 1001`, `900111001`); any other character,
 * or a digit count other than nine, is null. 900-999 is accepted because the demo SSNs live there.
 */
export function normalizeSsn(input: string): string | null {
  const digits = input.trim().replace(/[-\s]/g, '');
  return /^\d{9}$/.test(digits) ? digits : null;
}

/** The stored SSN fingerprint; deterministic so that a typed SSN can be looked up by equality. */
export function hmacSsn(key: string, ssnDigits: string): string {
  // Hashing a dashed or spaced form would silently never match a stored row.
  if (!/^\d{9}$/.test(ssnDigits)) throw new Error('hmacSsn expects the 9 digits from normalizeSsn');
  return createHmac('sha256', key).update(ssnDigits, 'utf8').digest('hex');
}

export function normalizePin(input: string): string | null {
  const trimmed = input.trim();
  return /^\d{5}$/.test(trimmed) ? trimmed : null;
}

/** `scrypt$N$r$p$saltB64$hashB64`, so the work factor can be raised later without breaking old rows. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scrypt(pin, salt, KEY_LENGTH, scryptOptions(SCRYPT_N, SCRYPT_R, SCRYPT_P));
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64'), hash.toString('base64')].join('$');
}

function positiveInteger(text: string): number | null {
  if (!/^[1-9]\d{0,7}$/.test(text)) return null;
  return Number(text);
}

/** False, never an exception, for a malformed stored value: a broken row must not unlock anything. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  const n = positiveInteger(nText);
  const r = positiveInteger(rText);
  const p = positiveInteger(pText);
  if (n === null || r === null || p === null) return false;
  if (n < 2 || n > MAX_SCRYPT_N || (n & (n - 1)) !== 0 || r > 32 || p > 16) return false;
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!base64.test(saltText) || !base64.test(hashText)) return false;
  const salt = Buffer.from(saltText, 'base64');
  const expected = Buffer.from(hashText, 'base64');
  if (salt.length === 0 || expected.length < 16) return false;
  try {
    const actual = await scrypt(pin, salt, expected.length, scryptOptions(n, r, p));
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
