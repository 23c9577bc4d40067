import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { encryptSsoPayload } from '../../../test/mocks/highlevel';
import ssoLocation from './__fixtures__/sso-location.json';
import { decryptHighLevelSso } from './decrypt-sso';

const SECRET = 'f3b1c0de-5a1e-4c2b-9d7e-2a9c4e8b7f10';

async function thrown(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a throw');
}

describe('decryptHighLevelSso (docs/shared_secret_customJS_customPages.md)', () => {
  it('decrypts a CryptoJS.AES passphrase payload into the user context', async () => {
    const payload = encryptSsoPayload(ssoLocation, SECRET);
    expect(payload.startsWith('U2FsdGVkX1')).toBe(true);
    expect(await decryptHighLevelSso(payload, SECRET)).toEqual({
      userId: 'MKQJ7wOVVmNOMvrnKKKK',
      companyId: 'GNb7aIv4rQFVb9iwNl5K',
      role: 'admin',
      type: 'agency',
      activeLocation: 'yLKVZpNppIdYpah4RjNE',
      userName: 'John Doe',
      email: 'johndoe@gmail.com',
    });
  });

  it('reads a payload made by OpenSSL (EVP_BytesToKey MD5, AES-256-CBC): the format is not CryptoJS-only', async () => {
    let payload: string;
    try {
      payload = execFileSync(
        'openssl',
        ['enc', '-aes-256-cbc', '-md', 'md5', '-salt', '-base64', '-A', '-pass', `pass:${SECRET}`],
        {
          input: JSON.stringify({ userId: 'u1', companyId: 'c1', role: 'user', type: 'agency' }),
          stdio: ['pipe', 'pipe', 'ignore'],
        },
      )
        .toString()
        .trim();
    } catch {
      return; // no openssl binary on this machine: the CryptoJS round trip above still covers the format
    }
    expect(await decryptHighLevelSso(payload, SECRET)).toMatchObject({
      userId: 'u1',
      companyId: 'c1',
      activeLocation: undefined,
    });
  });

  it('rejects the wrong secret, a non-CryptoJS string and a truncated payload with 401', async () => {
    const payload = encryptSsoPayload(ssoLocation, SECRET);
    expect((await thrown(() => decryptHighLevelSso(payload, 'another-secret'))).code).toBe('unauthorized');
    expect((await thrown(() => decryptHighLevelSso('{"userId":"forged"}', SECRET))).code).toBe(
      'unauthorized',
    );
    expect((await thrown(() => decryptHighLevelSso(payload.slice(0, 30), SECRET))).code).toBe('unauthorized');
  });

  it('round-trips any CryptoJS payload, including non-ASCII secrets and fields; any other secret is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, unit: 'grapheme' }),
        fc.string({ minLength: 1, unit: 'grapheme' }),
        fc.string({ minLength: 1, unit: 'grapheme' }),
        async (secret, other, userName) => {
          const user = { userId: 'u1', companyId: 'c1', role: 'admin', type: 'location', userName };
          const payload = encryptSsoPayload(user, secret);
          expect(await decryptHighLevelSso(payload, secret)).toMatchObject(user);
          if (other !== secret) {
            expect((await thrown(() => decryptHighLevelSso(payload, other))).code).toBe('unauthorized');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects corrupted framing: bad base64, a flipped ciphertext byte, a partial block, an oversized payload', async () => {
    const payload = encryptSsoPayload(ssoLocation, SECRET);
    const raw = Buffer.from(payload, 'base64');
    const flipped = Buffer.from(raw);
    flipped[raw.length - 1] = flipped[raw.length - 1]! ^ 0xff;
    for (const bad of [
      `${payload.slice(0, 20)}!${payload.slice(21)}`,
      flipped.toString('base64'),
      raw.subarray(0, raw.length - 5).toString('base64'),
      raw.subarray(0, 16).toString('base64'),
      `${payload}${'A'.repeat(16_384)}`,
    ]) {
      expect((await thrown(() => decryptHighLevelSso(bad, SECRET))).code).toBe('unauthorized');
    }
  });

  it('rejects a decryptable payload that is not a user context', async () => {
    const err = await thrown(() => decryptHighLevelSso(encryptSsoPayload({ userId: 'u1' }, SECRET), SECRET));
    expect(err.code).toBe('unauthorized');
    expect(JSON.stringify(err.details)).toMatch(/companyId/);
  });

  it('refuses to run without a configured secret', async () => {
    expect((await thrown(() => decryptHighLevelSso(encryptSsoPayload(ssoLocation, SECRET), ''))).code).toBe(
      'not_configured',
    );
  });
});
