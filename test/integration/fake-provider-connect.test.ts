// Issue 13: a WhatsApp provider registered through the provider registry alone connects through the admin API —
// its credentials parsed by its module's schema, its secret fields masked in every answer, its errors on
// `credentials.<field>` — and the admin page's "add a number" form offers it with the fields its module describes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { ProviderModule } from '../../adapters/providers/provider-module';
import { PROVIDER_MODULES } from '../../adapters/providers/registry';
import type { ProviderAdapter } from '../../adapters/providers/types';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { ProviderError } from '../../src/core/errors';
import type { ProviderName } from '../../src/core/template';
import type { Installation } from '../../src/store/installations';
import { ConnectionForm } from '../../src/ui/admin-forms';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { adminSessionToken, callApp } from '../helpers/world';

const FAKE = 'fakeconnect' as ProviderName;
const API_KEY = 'fake-connect-api-key-0123456789';
const NUMBER = '+3726000099';
let tested: { apiKey: string; number: string }[] = [];

const fakeAdapter = (credentials?: { apiKey: string; number: string }): ProviderAdapter => ({
  provider: FAKE,
  capabilities: { listTemplates: false, submitTemplate: false, readReceipts: false, userIdRecipients: false },
  async *listTemplates() {},
  submitTemplate: async () => ({ providerTemplateId: 'x', status: 'PENDING' }),
  send: async () => ({ providerMessageId: 'fake.1', status: 'pending' }),
  testCredentials: async () => {
    tested.push(credentials!);
    if (credentials?.apiKey !== API_KEY)
      throw new ProviderError('auth', 'key refused', { vendorMessage: 'Bad key' });
  },
  verifyWebhook: async () => false,
  parseWebhook: () => [],
  normalizeError: (error) =>
    error instanceof ProviderError ? error : new ProviderError('transient', String(error)),
});

const fakeModule: ProviderModule<{ apiKey: string; number: string }> = {
  name: FAKE,
  label: 'Fake Connect',
  credentialsSchema: z.object({
    apiKey: z.string().check(z.minLength(10)),
    number: z.string().check(z.regex(/^\+\d+$/, 'number in E.164')),
  }),
  secretFields: ['apiKey'],
  credentialsForm: {
    legendKey: 'admin.connection.fakeconnectLegend',
    fields: [
      { name: 'apiKey', labelKey: 'admin.connection.fakeconnectKey' },
      { name: 'number', labelKey: 'admin.connection.fakeconnectNumber', placeholder: '+3726000000' },
    ],
  },
  routing: (credentials) => ({ routingKey: credentials.number, providerAccountId: null }),
  webhook: { scope: 'connection' },
  senderProof: 'credentials',
  configKeys: { secrets: {}, baseUrls: {} },
  create: (_env, credentials) => fakeAdapter(credentials),
};

// The registry alone.
(PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE] = fakeModule as ProviderModule;

let t: TestPlatform;
let app: ReturnType<typeof createApp>;
let installation: Installation;
let token: string;

beforeAll(async () => {
  t = await createTestPlatform();
  app = createApp({ platform: t.platform });
  const stores = await new AppContext(t.platform).secretStores();
  installation = await stores.installations.upsert(
    {
      crm: 'highlevel',
      accountId: 'loc-fake-connect',
      accountType: 'location',
      tokens: { accessToken: 'a1', refreshToken: 'r1' },
      tokenExpiresAt: t.clock.now() + 20 * 3_600_000,
      scopes: [],
    },
    t.clock.now(),
  );
  token = await adminSessionToken(t.clock.now(), installation.id, 'highlevel');
});

afterAll(async () => {
  delete (PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE];
  await t?.dispose();
});

const connect = (credentials: unknown, provider: string = FAKE) =>
  callApp(app, 'POST', '/api/connections', {
    token,
    body: { label: 'Fake line', senderPhone: NUMBER, provider, credentials },
  });

type ErrorBody = { error: { code: string; details?: { path: string; message: string }[] } };

describe('a provider registered through the registry alone, on the admin API', () => {
  it('refuses malformed credentials on the field its schema names, before any provider call', async () => {
    tested = [];
    const before = await t.dump();
    const res = await connect({ apiKey: 'short', number: '3726000099' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details?.map((d) => d.path).sort()).toEqual([
      'credentials.apiKey',
      'credentials.number',
    ]);
    expect(body.error.details?.find((d) => d.path === 'credentials.number')?.message).toBe('number in E.164');
    expect(tested).toEqual([]);
    expect(await t.dump()).toBe(before);
  });

  it('says the provider refused the key on its first secret field, and stores nothing', async () => {
    const before = await t.dump();
    const res = await connect({ apiKey: 'wrong-key-0123456789', number: NUMBER });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details).toEqual([
      { path: 'credentials.apiKey', message: 'Bad key' },
    ]);
    expect(await t.dump()).toBe(before);
  });

  it('connects with good credentials, tested once, and masks its secret field in every answer', async () => {
    tested = [];
    const res = await connect({ apiKey: API_KEY, number: NUMBER });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(API_KEY);
    const { connection } = JSON.parse(text) as {
      connection: {
        id: string;
        provider: string;
        providerLabel: string;
        credentials: Record<string, string>;
        webhookUrl: string;
      };
    };
    expect(connection.provider).toBe(FAKE);
    expect(connection.providerLabel).toBe('Fake Connect'); // the admin page's card names it by this
    expect(connection.credentials.number).toBe(NUMBER);
    expect(connection.credentials.apiKey).not.toBe(API_KEY);
    expect(connection.webhookUrl).toContain(`/webhooks/${FAKE}/${connection.id}`);
    expect(tested).toEqual([{ apiKey: API_KEY, number: NUMBER }]);

    const list = await callApp(app, 'GET', '/api/connections', { token });
    const listed = await list.text();
    expect(listed).toContain(connection.id);
    expect(listed).not.toContain(API_KEY);
    const row = await t.db
      .prepare('SELECT provider, routing_key FROM connections WHERE id = ?')
      .bind(connection.id)
      .first<Record<string, unknown>>();
    expect(row).toEqual({ provider: FAKE, routing_key: NUMBER });
  });

  it('still refuses a provider no module names, on `provider`', async () => {
    const res = await connect({ apiKey: API_KEY, number: NUMBER }, 'nosuchprovider');
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details?.map((d) => d.path)).toEqual(['provider']);
  });
});

describe('the admin page offers it', () => {
  it('with an option and a hidden fieldset of the fields its module describes, the secret one a password', async () => {
    const html = String(await ConnectionForm({ tx: (key) => `«${key}»` }).toString());
    expect(html).toContain(`<option value="${FAKE}">Fake Connect</option>`);
    const fieldset = /<fieldset id="fields-fakeconnect"[^>]*>[\s\S]*?<\/fieldset>/.exec(html)?.[0] ?? '';
    expect(fieldset).toMatch(/^<fieldset id="fields-fakeconnect" hidden/);
    expect(fieldset).toContain('<legend>«admin.connection.fakeconnectLegend»</legend>');
    expect(fieldset).toMatch(/<input id="fakeconnect-apiKey" name="cred.apiKey" type="password"/);
    expect(fieldset).toMatch(
      /<input id="fakeconnect-number" name="cred.number" type="text" placeholder="\+3726000000"/,
    );
    expect(fieldset).toContain(
      '<label for="fakeconnect-number">«admin.connection.fakeconnectNumber»</label>',
    );
  });
});
