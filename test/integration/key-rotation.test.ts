// ENCRYPTION_KEY rotation (issue 16): rows sealed under key A, the Worker switched to B with A as
// ENCRYPTION_KEY_PREVIOUS, POST /admin/reseal walked page by page; every secret opens at every step, and no plaintext
// is ever in a D1 dump.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { AppContext, type Platform } from '../../src/context';
import { SecretBox } from '../../src/security/secret-box';
import { SEALED_COLUMNS, type ResealPage } from '../../src/services/operations/key-rotation';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { SEED_CREDENTIALS, seedInstallation, type Seeded } from '../helpers/seed';

const KEY_A = TEST_SECRETS.ENCRYPTION_KEY;
const KEY_B = Buffer.alloc(32, 11).toString('base64');
const KEY_C = Buffer.alloc(32, 13).toString('base64');
const OPERATOR_TOKEN = 'operator-token-rotation-0123456789abcdef';

let t: TestPlatform;
let seeded: Seeded[];
const plaintexts = [
  SEED_CREDENTIALS.meta.accessToken,
  SEED_CREDENTIALS.twilio.authToken,
  SEED_CREDENTIALS.cm.productToken,
  'seeded-cm-webhook-token-0001',
  'crm-access-loc-rot-1',
  'crm-refresh-loc-rot-1',
  'crm-access-pd-rot-2',
  'crm-refresh-pd-rot-2',
];

beforeAll(async () => {
  t = await createTestPlatform();
  plaintexts.forEach((value) => t.trackSecret(value));
  seeded = [
    await seedInstallation(t.platform, { accountId: 'loc-rot-1' }),
    await seedInstallation(t.platform, { crm: 'pipedrive', accountId: 'pd-rot-2' }),
  ];
});
afterAll(async () => t.dispose());

const platformWith = (keys: Record<string, string>): Platform => ({
  ...t.platform,
  config: parseConfig({ ...TEST_SECRETS, OPERATOR_TOKEN, ...keys }),
});

/** Every secret, read back through the stores under the given keys. */
async function readAll(platform: Platform): Promise<string> {
  const { installations, connections } = await new AppContext(platform).secretStores();
  const values: unknown[] = [];
  for (const s of seeded) {
    values.push(await installations.tokens(s.installation));
    for (const connection of Object.values(s.connections)) {
      values.push(await connections.credentials(connection));
      values.push(await connections.webhookToken(connection));
    }
  }
  return JSON.stringify(values);
}

async function sealedValues(): Promise<string[]> {
  const values: string[] = [];
  for (const { table, column } of SEALED_COLUMNS) {
    const { results } = await t.db
      .prepare(`SELECT ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL ORDER BY id`)
      .all<{ v: string }>();
    values.push(...results.map((r) => r.v));
  }
  return values;
}

async function expectNoPlaintextInDump(): Promise<void> {
  const dump = await t.dump();
  expect(dump).toContain(seeded[0]!.installation.id);
  for (const value of plaintexts) expect(dump).not.toContain(value);
}

/** Walks every page; after each one the D1 dump holds no plaintext and (when given) every secret still opens. */
async function reseal(platform: Platform, limit: number, expected?: string): Promise<ResealPage[]> {
  const app = createApp({ platform });
  const pages: ResealPage[] = [];
  let cursor: string | null = null;
  do {
    const res = await app.request('/admin/reseal', {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cursor, limit }),
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as ResealPage;
    pages.push(page);
    await expectNoPlaintextInDump();
    if (expected !== undefined) expect(await readAll(platform)).toBe(expected);
    cursor = page.cursor;
  } while (cursor !== null);
  return pages;
}

const sum = (pages: ResealPage[], key: 'checked' | 'resealed') => pages.reduce((n, p) => n + p[key], 0);

describe('ENCRYPTION_KEY rotation', () => {
  it('re-seals every sealed column from A to B without a moment where a secret does not open', async () => {
    const underA = platformWith({ ENCRYPTION_KEY: KEY_A });
    const expected = await readAll(underA);
    for (const value of plaintexts) expect(expected).toContain(value);
    await expectNoPlaintextInDump();
    const before = await sealedValues();
    expect(before).toHaveLength(2 + 6 + 2); // tokens, 3 connections' credentials each, 2 CM webhook tokens

    // Step 1: B is the key, A still opens (what a Worker sees right after `wrangler secret bulk`).
    const rotating = platformWith({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: KEY_A });
    expect(await readAll(rotating)).toBe(expected);

    // Step 2: re-seal in small pages (3 rows a call), as the rotate-key script does.
    const pages = await reseal(rotating, 3, expected);
    expect(pages.length).toBeGreaterThan(3);
    expect(sum(pages, 'checked')).toBe(10);
    expect(sum(pages, 'resealed')).toBe(10);
    expect(pages.flatMap((p) => p.unreadable)).toEqual([]);
    const after = await sealedValues();
    expect(after.filter((v) => before.includes(v))).toEqual([]);
    expect(await readAll(rotating)).toBe(expected);

    // Step 3: a second pass finds nothing left under A — ENCRYPTION_KEY_PREVIOUS can go.
    const again = await reseal(rotating, 100);
    expect(sum(again, 'checked')).toBe(10);
    expect(sum(again, 'resealed')).toBe(0);

    // Step 4: B alone opens everything; A opens nothing any more.
    expect(await readAll(platformWith({ ENCRYPTION_KEY: KEY_B }))).toBe(expected);
    const boxA = await SecretBox.fromBase64Key(KEY_A);
    const [firstSealed] = await t.db
      .prepare('SELECT tokens_enc AS v, crm, account_id FROM installations ORDER BY id LIMIT 1')
      .all<{ v: string; crm: string; account_id: string }>()
      .then((r) => r.results);
    await expect(
      boxA.decrypt(firstSealed!.v, `installation:${firstSealed!.crm}:${firstSealed!.account_id}`),
    ).rejects.toThrow();
    await expectNoPlaintextInDump();
  });

  it('phase 1 (ENCRYPTION_KEY_NEXT announced): the old key still seals, both open', async () => {
    const announced = platformWith({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_NEXT: KEY_C });
    const fresh = await seedInstallation(announced, { accountId: 'loc-rot-4411' });
    t.trackSecret('crm-access-loc-rot-4411');
    const { installations } = await new AppContext(platformWith({ ENCRYPTION_KEY: KEY_B })).secretStores();
    expect((await installations.tokens(fresh.installation))?.accessToken).toBe('crm-access-loc-rot-4411');
    // What a phase-2 version (C sealing) wrote opens on a phase-1 version too.
    const underC = await seedInstallation(
      platformWith({ ENCRYPTION_KEY: KEY_C, ENCRYPTION_KEY_PREVIOUS: KEY_B }),
      {
        accountId: 'loc-rot-5522',
      },
    );
    t.trackSecret('crm-access-loc-rot-5522');
    const phase1 = await new AppContext(announced).secretStores();
    expect((await phase1.installations.tokens(underC.installation))?.accessToken).toBe(
      'crm-access-loc-rot-5522',
    );
    await expectNoPlaintextInDump();
    // C is not this file's rotation: its rows go (the next tests walk every row under B / A).
    await t.db.prepare('DELETE FROM installations WHERE id = ?1').bind(underC.installation.id).run();
  });

  it('new writes during the rotation are sealed under the new key', async () => {
    const rotating = platformWith({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: KEY_A });
    const fresh = await seedInstallation(rotating, { accountId: 'loc-rot-3' });
    const onlyB = platformWith({ ENCRYPTION_KEY: KEY_B });
    const { installations } = await new AppContext(onlyB).secretStores();
    expect(await installations.tokens(fresh.installation)).toEqual({
      accessToken: 'crm-access-loc-rot-3',
      refreshToken: 'crm-refresh-loc-rot-3',
    });
    t.trackSecret('crm-access-loc-rot-3');
    await expectNoPlaintextInDump();
  });

  it('names a row no key opens, leaves it untouched, and refuses an unknown cursor', async () => {
    const boxC = await SecretBox.fromBase64Key(KEY_C);
    const target = seeded[0]!.connections.twilio.id;
    const foreign = await boxC.encryptJson({ authToken: 'x' }, `connection:${target}`);
    await t.db
      .prepare('UPDATE connections SET credentials_enc = ?1 WHERE id = ?2')
      .bind(foreign, target)
      .run();
    const pages = await reseal(platformWith({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEY_PREVIOUS: KEY_A }), 100);
    expect(pages.flatMap((p) => p.unreadable)).toEqual([
      { table: 'connections', column: 'credentials_enc', id: target },
    ]);
    const stored = await t.db
      .prepare('SELECT credentials_enc AS v FROM connections WHERE id = ?1')
      .bind(target)
      .first<{ v: string }>();
    expect(stored!.v).toBe(foreign);

    const res = await createApp({ platform: platformWith({ ENCRYPTION_KEY: KEY_B }) }).request(
      '/admin/reseal',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ cursor: '9:zzz' }),
      },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});
