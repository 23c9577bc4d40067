// The WebCrypto HS256 JWT against jose (kept as a dev dependency for this): each verifies the other's tokens, and
// every rejection jose would make with algorithms ['HS256'] and requiredClaims ['exp'] is made here too.
import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtError, signHs256, verifyHs256 } from './hs256-jwt';

const key = new TextEncoder().encode('a-secret-of-some-length-0123456789');
const now = Date.UTC(2026, 11, 5);
const exp = now / 1000 + 60;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function reason(token: string, options: Partial<Parameters<typeof verifyHs256>[2]> = {}) {
  try {
    await verifyHs256(token, key, { now, ...options });
    return 'accepted';
  } catch (error) {
    return error instanceof JwtError ? error.reason : `other: ${String(error)}`;
  }
}

describe('HS256 JWT', () => {
  it('interoperates with jose both ways', async () => {
    const ours = await signHs256({ sub: 'x', aud: 'wabridge', exp }, key);
    const { payload } = await jwtVerify(ours, key, { audience: 'wabridge', currentDate: new Date(now) });
    expect(payload.sub).toBe('x');
    const theirs = await new SignJWT({ sub: 'y' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('wabridge')
      .setIssuedAt(now / 1000)
      .setExpirationTime(exp)
      .sign(key);
    expect((await verifyHs256(theirs, key, { now, audience: 'wabridge' })).sub).toBe('y');
  });

  it('rejects expiry, signature, algorithm, crit, missing exp, future nbf, wrong audience and garbage', async () => {
    const good = await signHs256({ exp }, key);
    expect(await reason(good)).toBe('accepted');
    expect(await reason(good, { now: (exp + 1) * 1000 })).toBe('expired');
    expect(await reason(good, { now: (exp + 1) * 1000, clockToleranceSeconds: 30 })).toBe('accepted');
    expect(await reason(good.slice(0, -2) + (good.endsWith('A') ? 'BB' : 'AA'))).toBe('bad signature');
    const [, payload, signature] = good.split('.');
    expect(await reason(`${b64({ alg: 'none' })}.${payload}.`)).toBe('algorithm not allowed');
    expect(await reason(`${b64({ alg: 'HS512' })}.${payload}.${signature}`)).toBe('algorithm not allowed');
    expect(await reason(`${b64({ alg: 'HS256', crit: ['b64'] })}.${payload}.${signature}`)).toBe('invalid');
    expect(await reason(await signHs256({ sub: 'no exp' }, key))).toBe('invalid');
    expect(await reason(await signHs256({ exp, nbf: exp }, key))).toBe('invalid');
    expect(await reason(await signHs256({ exp, aud: 'other' }, key), { audience: 'wabridge' })).toBe(
      'invalid',
    );
    expect(
      await reason(await signHs256({ exp, aud: ['x', 'wabridge'] }, key), { audience: 'wabridge' }),
    ).toBe('accepted');
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.e30.x', `${b64({ alg: 'HS256' })}.bm90IGpzb24.x`])
      expect(await reason(bad), bad).toBe('invalid');
  });
});
