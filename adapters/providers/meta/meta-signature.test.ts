import { describe, expect, it } from 'vitest';
import { signMetaBody, verifyMetaSignature, verifyMetaSubscription } from './meta-signature';

describe('verifyMetaSignature', () => {
  it('accepts the providers.md test vector (key "secret", body "test")', async () => {
    const header = 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914';
    expect(await signMetaBody('test', 'secret')).toBe(header);
    expect(await verifyMetaSignature('test', header, 'secret')).toBe(true);
    expect(
      await verifyMetaSignature('test', header.toUpperCase().replace('SHA256=', 'sha256='), 'secret'),
    ).toBe(true);
  });

  it('rejects a changed body, a wrong secret, a wrong or malformed header, and a missing secret', async () => {
    const header = await signMetaBody('{"a":1}', 'app-secret-1');
    expect(await verifyMetaSignature('{"a":2}', header, 'app-secret-1')).toBe(false);
    expect(await verifyMetaSignature('{"a":1}', header, 'app-secret-2')).toBe(false);
    expect(await verifyMetaSignature('{"a":1}', header.replace('sha256=', 'sha1='), 'app-secret-1')).toBe(
      false,
    );
    expect(await verifyMetaSignature('{"a":1}', header.slice(0, -2), 'app-secret-1')).toBe(false);
    expect(await verifyMetaSignature('{"a":1}', `sha256=${'zz'.repeat(32)}`, 'app-secret-1')).toBe(false);
    expect(await verifyMetaSignature('{"a":1}', null, 'app-secret-1')).toBe(false);
    expect(await verifyMetaSignature('{"a":1}', header, undefined)).toBe(false);
  });
});

describe('verifyMetaSubscription', () => {
  const query = {
    'hub.mode': 'subscribe',
    'hub.challenge': '1158201444',
    'hub.verify_token': 'my-verify-token',
  };

  it('returns the challenge for a matching token (URLSearchParams or record)', () => {
    expect(verifyMetaSubscription(new URLSearchParams(query), 'my-verify-token')).toBe('1158201444');
    expect(verifyMetaSubscription(query, 'my-verify-token')).toBe('1158201444');
  });

  it('returns null for a wrong token, a wrong mode, or missing parameters', () => {
    expect(verifyMetaSubscription(query, 'other-token')).toBeNull();
    expect(verifyMetaSubscription(query, 'my-verify-toke')).toBeNull();
    expect(verifyMetaSubscription({ ...query, 'hub.mode': 'unsubscribe' }, 'my-verify-token')).toBeNull();
    expect(
      verifyMetaSubscription(
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-token' },
        'my-verify-token',
      ),
    ).toBeNull();
    expect(verifyMetaSubscription({ ...query, 'hub.verify_token': '' }, '')).toBeNull();
  });
});
