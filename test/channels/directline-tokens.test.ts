import { describe, expect, it } from '@jest/globals';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { DirectLineTokens } from '../../channels/directline/tokens.js';
import { normalizeLocaleTag } from '../../channels/directline/routes.js';

const SECRET = 'test-session-secret-that-is-long-enough-0000';
const subject = { conversationId: 'conv-1', userId: 'dl_user' };

describe('DirectLineTokens', () => {
  it('round-trips the conversation and user, HS256, 30 minutes', async () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const tokens = new DirectLineTokens(SECRET, { now: () => now });
    const issued = await tokens.issue(subject);
    expect(issued.expiresIn).toBe(1800);
    expect(decodeProtectedHeader(issued.token).alg).toBe('HS256');
    expect(decodeJwt(issued.token).exp).toBe(Math.floor(now.getTime() / 1000) + 1800);
    const claims = await tokens.verify(issued.token);
    expect(claims).toMatchObject(subject);
    expect(tokens.remainingSeconds(claims)).toBe(1800);
  });

  it('says token_expired once the lifetime is over, and not a second before', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const tokens = new DirectLineTokens(SECRET, { now: () => now });
    const { token } = await tokens.issue(subject);
    now = new Date(now.getTime() + 1799_000);
    await expect(tokens.verify(token)).resolves.toMatchObject(subject);
    now = new Date(now.getTime() + 2_000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'token_expired' });
  });

  it('says token_invalid for another key, a tampered payload, alg none, and garbage', async () => {
    const tokens = new DirectLineTokens(SECRET);
    const other = await new DirectLineTokens(`${SECRET}-other`).issue(subject);
    const { token } = await tokens.issue(subject);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), conv: 'conv-2' })).toString('base64url');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${token.split('.')[1]}.`;
    for (const bad of [other.token, `${header}.${payload}.${signature}`, unsigned, 'garbage', '']) {
      await expect(tokens.verify(bad)).rejects.toMatchObject({ code: 'token_invalid' });
    }
  });

  it('does not accept a token signed with the raw session secret (the key is derived for Direct Line)', async () => {
    const raw = await new SignJWT({ conv: 'conv-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('child-support-assistant/directline')
      .setAudience('directline')
      .setSubject('dl_user')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET));
    await expect(new DirectLineTokens(SECRET).verify(raw)).rejects.toMatchObject({ code: 'token_invalid' });
  });

  it('refuses a short secret', () => {
    expect(() => new DirectLineTokens('short')).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});

describe('normalizeLocaleTag', () => {
  it('keeps well-formed tags as given and turns anything else into en-US', () => {
    expect(['zh-CN', 'es', 'zh-Hans-CN', 'en-US'].map(normalizeLocaleTag)).toEqual(['zh-CN', 'es', 'zh-Hans-CN', 'en-US']);
    expect(['', 'x', 'en_US', 'en-', '12-US', 'a'.repeat(40), null, 7, { locale: 'es' }].map(normalizeLocaleTag)).toEqual(
      Array(9).fill('en-US'),
    );
  });
});
