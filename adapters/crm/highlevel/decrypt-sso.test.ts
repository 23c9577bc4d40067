import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { encryptSsoPayload } from '../../../test/mocks/highlevel';
import ssoLocation from './__fixtures__/sso-location.json';
import { decryptHighLevelSso } from './decrypt-sso';

const SECRET = 'f3b1c0de-5a1e-4c2b-9d7e-2a9c4e8b7f10';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a throw');
}

describe('decryptHighLevelSso (docs/shared_secret_customJS_customPages.md)', () => {
  it('decrypts a CryptoJS.AES passphrase payload into the user context', () => {
    const payload = encryptSsoPayload(ssoLocation, SECRET);
    expect(payload.startsWith('U2FsdGVkX1')).toBe(true);
    expect(decryptHighLevelSso(payload, SECRET)).toEqual({
      userId: 'MKQJ7wOVVmNOMvrnKKKK',
      companyId: 'GNb7aIv4rQFVb9iwNl5K',
      role: 'admin',
      type: 'agency',
      activeLocation: 'yLKVZpNppIdYpah4RjNE',
      userName: 'John Doe',
      email: 'johndoe@gmail.com',
    });
  });

  it('reads a payload made by OpenSSL (EVP_BytesToKey MD5, AES-256-CBC): the format is not CryptoJS-only', () => {
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
    expect(decryptHighLevelSso(payload, SECRET)).toMatchObject({
      userId: 'u1',
      companyId: 'c1',
      activeLocation: undefined,
    });
  });

  it('rejects the wrong secret, a non-CryptoJS string and a truncated payload with 401', () => {
    const payload = encryptSsoPayload(ssoLocation, SECRET);
    expect(thrown(() => decryptHighLevelSso(payload, 'another-secret')).code).toBe('unauthorized');
    expect(thrown(() => decryptHighLevelSso('{"userId":"forged"}', SECRET)).code).toBe('unauthorized');
    expect(thrown(() => decryptHighLevelSso(payload.slice(0, 30), SECRET)).code).toBe('unauthorized');
  });

  it('rejects a decryptable payload that is not a user context', () => {
    const err = thrown(() => decryptHighLevelSso(encryptSsoPayload({ userId: 'u1' }, SECRET), SECRET));
    expect(err.code).toBe('unauthorized');
    expect(JSON.stringify(err.details)).toMatch(/companyId/);
  });

  it('refuses to run without a configured secret', () => {
    expect(thrown(() => decryptHighLevelSso(encryptSsoPayload(ssoLocation, SECRET), '')).code).toBe(
      'not_configured',
    );
  });
});
