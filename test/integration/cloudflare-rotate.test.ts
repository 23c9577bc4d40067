// npm run rotate-key end to end (issue 16): the script against the fake wrangler, its /admin calls answered by the
// app over the test D1 configured with the fake account's secrets. Rows sealed under A open under B alone afterwards,
// ENCRYPTION_KEY_PREVIOUS is gone, and no D1 dump ever holds a plaintext.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../scripts/cloudflare/config-file';
import { RotationStopped, runRotation } from '../../scripts/cloudflare/rotate-key';
import { readSecretsFile, writeSecretsFile } from '../../scripts/cloudflare/secrets-file';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { AppContext } from '../../src/context';
import { SecretBox } from '../../src/security/secret-box';
import { FakeWrangler } from '../helpers/fake-wrangler';
import { createTestPlatform, REPO_ROOT, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { SEED_CREDENTIALS, seedInstallation, type Seeded } from '../helpers/seed';

const ORIGIN = 'https://wa.example.org';
const OPERATOR_TOKEN = 'operator-token-rotate-script-0123456789';
let t: TestPlatform;
let dir: string;
let configPath: string;
let secretsFile: string;
let seeded: Seeded;

beforeAll(async () => {
  t = await createTestPlatform();
  seeded = await seedInstallation(t.platform, { accountId: 'loc-rotate-script' });
  dir = mkdtempSync(path.join(tmpdir(), 'wabridge-rotate-'));
  configPath = path.join(dir, 'wrangler.toml');
  copyFileSync(path.join(REPO_ROOT, 'wrangler.toml'), configPath);
  secretsFile = path.join(dir, '.secrets', 'production.env');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.dispose();
});

/** The key the rows are sealed under now (the first test rotates it). */
let accountKey: string = TEST_SECRETS.ENCRYPTION_KEY;

function account(): FakeWrangler {
  const wrangler = new FakeWrangler();
  void wrangler.run(['secret', 'bulk', '--env', 'production'], {
    input: JSON.stringify({ ...TEST_SECRETS, ENCRYPTION_KEY: accountKey, OPERATOR_TOKEN }),
  });
  wrangler.calls.length = 0;
  return wrangler;
}

/** The key roles each /admin call of the first test saw (sealing key, and the open-only ones). */
const phases: { sealing?: string; previous?: string; next?: string }[] = [];

/** The deployed Worker: the app over the test D1 with whatever secrets the fake account holds right now. */
const workerFetch =
  (wrangler: FakeWrangler, onReseal?: () => Promise<void>): typeof fetch =>
  async (input, init) => {
    const url = new URL(String(input));
    expect(url.origin).toBe(ORIGIN);
    const held = wrangler.secrets('production');
    phases.push({
      sealing: held.ENCRYPTION_KEY,
      ...(held.ENCRYPTION_KEY_PREVIOUS ? { previous: held.ENCRYPTION_KEY_PREVIOUS } : {}),
      ...(held.ENCRYPTION_KEY_NEXT ? { next: held.ENCRYPTION_KEY_NEXT } : {}),
    });
    const platform = {
      ...t.platform,
      config: parseConfig({ APP_BASE_URL: ORIGIN, ...wrangler.secrets('production') }),
    };
    const res = await createApp({ platform }).request(url.pathname, init);
    if (url.pathname === '/admin/reseal') await onReseal?.();
    return res;
  };

async function readSecrets(keys: Record<string, string>): Promise<unknown[]> {
  const ctx = new AppContext({ ...t.platform, config: parseConfig({ ...TEST_SECRETS, ...keys }) });
  const { installations, connections } = await ctx.secretStores();
  return [
    await installations.tokens(seeded.installation),
    ...(await Promise.all(Object.values(seeded.connections).map((c) => connections.credentials(c)))),
    await connections.webhookToken(seeded.connections.cm),
  ];
}

describe('rotate-key', () => {
  it('rotates ENCRYPTION_KEY from A to B through the deployed Worker', async () => {
    const wrangler = account();
    const expected = await readSecrets({});
    expect(JSON.stringify(expected)).toContain(SEED_CREDENTIALS.twilio.authToken);
    writeSecretsFile(
      secretsFile,
      { ENCRYPTION_KEY: TEST_SECRETS.ENCRYPTION_KEY, OPERATOR_TOKEN },
      'production',
    );
    const dumps: string[] = [];
    const result = await runRotation({
      wrangler,
      env: 'production',
      configPath,
      secretsFile,
      url: ORIGIN,
      pageSize: 2,
      fetch: workerFetch(wrangler, async () => void dumps.push(await t.dump())),
      sleep: async () => {},
      log: () => {},
    });
    // A pass re-seals the 5 values, a clean pass, the versions settle, a last clean pass.
    expect(result).toEqual({ resealed: 5, passes: 3 });
    expect(wrangler.commands()).toEqual([
      'secret list --env production --format json',
      'secret bulk --env production',
      'secret bulk --env production',
      'secret delete ENCRYPTION_KEY_PREVIOUS --env production',
      'secret delete ENCRYPTION_KEY_NEXT --env production',
    ]);
    expect(wrangler.calls[1]!.inputKeys).toEqual(['ENCRYPTION_KEY_NEXT']);
    expect(wrangler.calls[2]!.inputKeys).toEqual(['ENCRYPTION_KEY', 'ENCRYPTION_KEY_PREVIOUS']);
    // Phase 1 announced B before any version sealed with it: every /admin call then saw A sealing, B opening.
    expect(phases[0]).toEqual({ sealing: TEST_SECRETS.ENCRYPTION_KEY, next: expect.any(String) });
    expect(phases.at(-1)).toEqual({
      sealing: phases[0]!.next,
      previous: TEST_SECRETS.ENCRYPTION_KEY,
      next: phases[0]!.next,
    });
    const keyB = wrangler.secrets('production').ENCRYPTION_KEY!;
    expect(keyB).not.toBe(TEST_SECRETS.ENCRYPTION_KEY);
    expect(wrangler.secrets('production').ENCRYPTION_KEY_PREVIOUS).toBeUndefined();
    expect(wrangler.secrets('production').ENCRYPTION_KEY_NEXT).toBeUndefined();
    expect(readSecretsFile(secretsFile)).toEqual({ ENCRYPTION_KEY: keyB, OPERATOR_TOKEN });
    accountKey = keyB;

    // B alone opens every secret; A opens none of the rows any more.
    expect(await readSecrets({ ENCRYPTION_KEY: keyB })).toEqual(expected);
    const boxA = await SecretBox.fromBase64Key(TEST_SECRETS.ENCRYPTION_KEY);
    const row = await t.db
      .prepare('SELECT tokens_enc FROM installations WHERE id = ?1')
      .bind(seeded.installation.id)
      .first<{ tokens_enc: string }>();
    await expect(boxA.decrypt(row!.tokens_enc, `installation:highlevel:loc-rotate-script`)).rejects.toThrow();

    // No step's D1 dump held a plaintext.
    expect(dumps.length).toBeGreaterThan(3);
    const plaintexts = [
      SEED_CREDENTIALS.meta.accessToken,
      SEED_CREDENTIALS.twilio.authToken,
      SEED_CREDENTIALS.cm.productToken,
      'seeded-cm-webhook-token-0001',
      'crm-refresh-loc-rotate-script',
    ];
    for (const dump of [...dumps, await t.dump()])
      for (const value of plaintexts) expect(dump).not.toContain(value);
    expect(readConfig(configPath, 'production').name).toBe('wabridge-production');
  });

  it('refuses to start without the current key, and keeps the old key when a row opens with neither', async () => {
    const wrangler = account();
    rmSync(secretsFile, { force: true });
    await expect(
      runRotation({
        wrangler,
        env: 'production',
        configPath,
        secretsFile,
        url: ORIGIN,
        operatorToken: OPERATOR_TOKEN,
        fetch: workerFetch(wrangler),
        log: () => {},
      }),
    ).rejects.toThrow(/current ENCRYPTION_KEY is needed/);
    expect(wrangler.commands()).toEqual(['secret list --env production --format json']);

    // A row sealed under a key the Worker does not have: named, and ENCRYPTION_KEY_PREVIOUS stays.
    const keyB = accountKey;
    const foreign = await (
      await SecretBox.fromBase64Key(Buffer.alloc(32, 99).toString('base64'))
    ).encrypt('x', `connection:${seeded.connections.cm.id}`);
    await t.db
      .prepare('UPDATE connections SET webhook_token_enc = ?1 WHERE id = ?2')
      .bind(foreign, seeded.connections.cm.id)
      .run();
    const error = await runRotation({
      wrangler,
      env: 'production',
      configPath,
      secretsFile,
      url: ORIGIN,
      currentKey: keyB,
      operatorToken: OPERATOR_TOKEN,
      fetch: workerFetch(wrangler),
      sleep: async () => {},
      log: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RotationStopped);
    expect(wrangler.secrets('production').ENCRYPTION_KEY_NEXT).toBe(
      wrangler.secrets('production').ENCRYPTION_KEY,
    );
    expect((error as Error).message).toMatch(
      new RegExp(
        `\\(kept ENCRYPTION_KEY_PREVIOUS\\): connections\\.webhook_token_enc ${seeded.connections.cm.id}$`,
      ),
    );
    expect(wrangler.secrets('production').ENCRYPTION_KEY_PREVIOUS).toBe(keyB);
    expect(wrangler.commands().some((c) => c.startsWith('secret delete'))).toBe(false);
    // The pair is recorded, so a second run resumes with the same keys.
    expect(readSecretsFile(secretsFile).ENCRYPTION_KEY_PREVIOUS).toBe(keyB);
  });
});
