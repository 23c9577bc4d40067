// Issue 2 foundation: config errors name the secret, secrets are sealed at rest, the D1 dump holds no plaintext.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { parseConfig, requireSecret } from '../../src/config';
import { AppError } from '../../src/core/errors';
import { SecretBox } from '../../src/security/secret-box';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { SEED_CREDENTIALS, seedInstallation } from '../helpers/seed';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

describe('config', () => {
  it('reports a missing secret by name at the first request that needs it, not at startup', async () => {
    const withoutKey = await createTestPlatform({ env: { ENCRYPTION_KEY: '' } });
    try {
      const app = createApp({
        platform: { ...withoutKey.platform, config: parseConfig({ ...TEST_SECRETS, ENCRYPTION_KEY: '' }) },
      });
      expect((await app.request('/healthz')).status).toBe(200);
      const res = await app.request('/webhooks/twilio/con_x', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('not_configured');
      expect(body.error.message).toContain('ENCRYPTION_KEY');
    } finally {
      await withoutKey.dispose();
    }
  });

  it('names a malformed secret and why, without echoing its value', () => {
    const config = parseConfig({ ...TEST_SECRETS, ENCRYPTION_KEY: 'too-short-value' });
    try {
      requireSecret(config, 'ENCRYPTION_KEY');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/ENCRYPTION_KEY is malformed: must be 32 random bytes/);
      expect((error as AppError).message).not.toContain('too-short-value');
    }
  });

  it('rejects a malformed vendor base URL with the var name', () => {
    expect(() => parseConfig({ META_GRAPH_BASE_URL: 'not a url' })).toThrow(/META_GRAPH_BASE_URL/);
  });
});

describe('secret box', () => {
  it('round-trips, uses a fresh IV per value and binds the row (associated data)', async () => {
    const box = await SecretBox.fromBase64Key(TEST_SECRETS.ENCRYPTION_KEY);
    const a = await box.encrypt('s3cret', 'row-1');
    const b = await box.encrypt('s3cret', 'row-1');
    expect(a).not.toBe(b);
    expect(await box.decrypt(a, 'row-1')).toBe('s3cret');
    await expect(box.decrypt(a, 'row-2')).rejects.toThrow();
    const other = await SecretBox.fromBase64Key(Buffer.alloc(32, 9).toString('base64'));
    await expect(other.decrypt(a, 'row-1')).rejects.toThrow();
  });
});

describe('D1 at rest', () => {
  it('a dump of every table contains no plaintext token, credential or webhook secret', async () => {
    const seeded = await seedInstallation(t.platform, { accountId: 'loc-dump-1' });
    const dump = await t.dump();
    expect(dump).toContain(seeded.installation.id); // the dump is real
    const secrets = [
      'crm-access-loc-dump-1',
      'crm-refresh-loc-dump-1',
      SEED_CREDENTIALS.meta.accessToken,
      SEED_CREDENTIALS.twilio.authToken,
      SEED_CREDENTIALS.cm.productToken,
      'seeded-cm-webhook-token-0001',
    ];
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      t.trackSecret(secret); // and checked again when the platform is disposed
    }
  });
});
