import { describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { AppError } from '../../../src/core/errors';
import { createPipedriveSimulator } from '../../../test/mocks/pipedrive/simulator';
import { timingSafeEqual } from '../../../src/security/encoding';
import { parseUninstallBody, verifyPanelJwt, verifyUninstallBasicAuth } from './verify-pipedrive';

const SECRET = 'client-secret-doubles-as-jwt-secret';
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const sim = createPipedriveSimulator({
  clientId: 'cid',
  clientSecret: SECRET,
  companyId: 777,
  userId: 42,
  now: () => NOW,
});

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('verifyPanelJwt', () => {
  it('accepts a token signed with the JWT secret (= client secret) and returns company and user', async () => {
    const token = await sim.signPanelJwt();
    await expect(verifyPanelJwt(token, SECRET, NOW + 60_000)).resolves.toEqual({
      companyId: '777',
      userId: '42',
      expiresAt: NOW + 300_000,
    });
  });

  it('rejects an expired token (GET_SIGNED_TOKEN tokens live 5 minutes)', async () => {
    const token = await sim.signPanelJwt();
    const err = await rejection(verifyPanelJwt(token, SECRET, NOW + 6 * 60_000));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toMatch(/expired/);
  });

  it('rejects a token signed with another secret', async () => {
    const token = await sim.signPanelJwt({}, 'someone-else');
    expect((await rejection(verifyPanelJwt(token, SECRET, NOW))).message).toMatch(/bad signature/);
  });

  it('rejects a tampered payload (company swapped)', async () => {
    const [h, , s] = (await sim.signPanelJwt()).split('.');
    const forged = btoa(
      JSON.stringify({ userId: 42, companyId: 1, iat: NOW / 1000, exp: NOW / 1000 + 300 }),
    ).replace(/=+$/, '');
    expect((await rejection(verifyPanelJwt(`${h}.${forged}.${s}`, SECRET, NOW))).code).toBe('unauthorized');
  });

  it('rejects alg=none and non-HS256 tokens', async () => {
    const unsigned = new UnsecuredJWT({ userId: 42, companyId: 777 })
      .setExpirationTime(NOW / 1000 + 300)
      .encode();
    expect((await rejection(verifyPanelJwt(unsigned, SECRET, NOW))).code).toBe('unauthorized');
    const hs512 = await new SignJWT({ userId: 42, companyId: 777 })
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime(NOW / 1000 + 300)
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verifyPanelJwt(hs512, SECRET, NOW))).message).toMatch(/algorithm/);
  });

  it('rejects tokens without exp or without companyId, and empty tokens', async () => {
    const noExp = await new SignJWT({ userId: 42, companyId: 777 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verifyPanelJwt(noExp, SECRET, NOW))).code).toBe('unauthorized');
    const noCompany = await sim.signPanelJwt({ companyId: undefined });
    expect((await rejection(verifyPanelJwt(noCompany, SECRET, NOW))).message).toMatch(/companyId/);
    expect((await rejection(verifyPanelJwt('', SECRET, NOW))).code).toBe('unauthorized');
  });
});

describe('uninstall', () => {
  it('accepts the Basic client_id:client_secret header Pipedrive sends and parses the body', async () => {
    const req = sim.buildUninstallRequest({
      callbackUrl: 'https://wabridge.example/oauth/pipedrive/callback',
    });
    expect(req.method).toBe('DELETE');
    expect(verifyUninstallBasicAuth(req.headers.get('authorization'), 'cid', SECRET)).toBe(true);
    expect(parseUninstallBody(await req.text(), 'cid')).toEqual({
      client_id: 'cid',
      company_id: '777',
      user_id: '42',
      timestamp: new Date(NOW).toISOString(),
    });
  });

  it('refuses wrong, missing or malformed credentials', () => {
    const wrong = sim.buildUninstallRequest({ callbackUrl: 'https://x.example/cb', clientSecret: 'guess' });
    expect(verifyUninstallBasicAuth(wrong.headers.get('authorization'), 'cid', SECRET)).toBe(false);
    expect(verifyUninstallBasicAuth(null, 'cid', SECRET)).toBe(false);
    expect(verifyUninstallBasicAuth('Bearer abc', 'cid', SECRET)).toBe(false);
    expect(verifyUninstallBasicAuth('Basic !!!notbase64', 'cid', SECRET)).toBe(false);
    expect(verifyUninstallBasicAuth(`Basic ${btoa(`cid:${SECRET}x`)}`, 'cid', SECRET)).toBe(false);
  });

  it('rejects an invalid body as invalid_request and another app as unauthorized', () => {
    expect(() => parseUninstallBody('{not json')).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(() => parseUninstallBody({ client_id: 'cid', user_id: 1 })).toThrow(/company_id/);
    expect(() => parseUninstallBody({ client_id: 'other', company_id: 1, user_id: 1 }, 'cid')).toThrow(
      expect.objectContaining({ code: 'unauthorized' }),
    );
  });

  it('compares the secret with the shared constant-time comparison (length differences included)', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abc\u0000')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });
});
