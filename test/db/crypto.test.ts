import { describe, expect, it } from '@jest/globals';
import { hashPin, hmacSsn, normalizePin, normalizeSsn, verifyPin } from '../../db/crypto.js';

describe('normalizeSsn', () => {
  it.each([
    ['900-11-1001', '900111001'],
    ['900 11 1001', '900111001'],
    ['900111001', '900111001'],
    ['  900-11-1001 ', '900111001'],
    ['999-99-9999', '999999999'],
    ['000-00-0000', '000000000'],
  ])('accepts %j', (input, expected) => {
    expect(normalizeSsn(input)).toBe(expected);
  });

  it.each(['90011100', '9001110011', '900-11-100a', '900.11.1001', '', '９００１１１００１', 'ssn 900111001'])('rejects %j', (input) => {
    expect(normalizeSsn(input)).toBeNull();
  });
});

describe('hmacSsn', () => {
  it('is HMAC-SHA-256 hex of the digits (openssl vector)', () => {
    // printf 900111001 | openssl dgst -sha256 -hmac test-key
    expect(hmacSsn('test-key', '900111001')).toBe('370fd8db480c597dd2609d4c34f3fe885cc50acc7739e4c35c86546e7c0a8326');
  });

  it('depends on the key', () => {
    expect(hmacSsn('other-key', '900111001')).not.toBe(hmacSsn('test-key', '900111001'));
  });

  it('refuses a form that is not the 9 normalized digits', () => {
    expect(() => hmacSsn('test-key', '900-11-1001')).toThrow();
  });
});

describe('normalizePin', () => {
  it.each([
    ['24680', '24680'],
    [' 24680\n', '24680'],
    ['00000', '00000'],
  ])('accepts %j', (input, expected) => {
    expect(normalizePin(input)).toBe(expected);
  });

  it.each(['2468', '246801', '24 680', 'abcde', '', '2468a'])('rejects %j', (input) => {
    expect(normalizePin(input)).toBeNull();
  });
});

describe('hashPin / verifyPin', () => {
  it('produces scrypt$16384$8$1$salt$hash with a fresh salt each time', async () => {
    const a = await hashPin('24680');
    const b = await hashPin('24680');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.split('$')[4] ?? '', 'base64')).toHaveLength(16);
    expect(a).not.toBe(b);
    expect(a).not.toContain('24680');
  });

  it('verifies the right PIN only', async () => {
    const stored = await hashPin('24680');
    await expect(verifyPin('24680', stored)).resolves.toBe(true);
    await expect(verifyPin('24681', stored)).resolves.toBe(false);
    await expect(verifyPin('', stored)).resolves.toBe(false);
  });

  it('is false, not an exception, for malformed or tampered stored values', async () => {
    const stored = await hashPin('24680');
    const [, n, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
    const flipped = Buffer.from(hash, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const variants = [
      '',
      'garbage',
      '24680',
      `bcrypt$${n}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}`,
      `scrypt$${n}$${r}$${p}$${salt}$${flipped.toString('base64')}`,
      `scrypt$abc$${r}$${p}$${salt}$${hash}`,
      `scrypt$1000$${r}$${p}$${salt}$${hash}`,
      `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${n}$${r}$${p}$$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}$!!!`,
      `${stored}$extra`,
    ];
    for (const variant of variants) await expect(verifyPin('24680', variant)).resolves.toBe(false);
  });
});
