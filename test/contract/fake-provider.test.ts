// A WhatsApp provider the app has never heard of, registered at run time through the provider registry alone (no
// other file changed): the generic webhook routes serve it (handshake, signature check, answer), the webhook URL
// and secret masking come from its module. A stored connection of one, inbound → CRM → reply:
// test/integration/fake-vendors-flow.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { ProviderModule } from '../../adapters/providers/provider-module';
import { PROVIDER_MODULES, isProviderName, providerModule } from '../../adapters/providers/registry';
import type { ProviderAdapter, ProviderEvent } from '../../adapters/providers/types';
import { createApp } from '../../src/app';
import { ProviderError } from '../../src/core/errors';
import type { ProviderName } from '../../src/core/template';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';

const FAKE = 'fakewa' as ProviderName;
const SIGNATURE = 'fake-signature-0123456789';

const fakeAdapter: ProviderAdapter = {
  provider: FAKE,
  capabilities: { listTemplates: false, submitTemplate: false, readReceipts: false, userIdRecipients: false },
  async *listTemplates() {},
  submitTemplate: async () => ({ providerTemplateId: 'x', status: 'PENDING' }),
  send: async () => ({ providerMessageId: 'fake.1', status: 'pending' }),
  testCredentials: async () => {},
  verifyWebhook: async (request) => request.headers.get('x-fake-signature') === SIGNATURE,
  parseWebhook: (request): ProviderEvent[] => {
    const body = JSON.parse(request.rawBody) as { from: string; id: string; text: string; to: string };
    return [
      {
        kind: 'inbound_message',
        routingKey: body.to,
        from: body.from,
        providerMessageId: body.id,
        timestamp: Date.UTC(2026, 0, 1),
        content: { type: 'text', text: body.text },
      },
    ];
  },
  normalizeError: (error) => new ProviderError('transient', String(error)),
};

const fakeModule: ProviderModule<{ apiKey: string; number: string }> = {
  name: FAKE,
  label: 'Fake WhatsApp',
  credentialsSchema: z.object({ apiKey: z.string(), number: z.string() }),
  secretFields: ['apiKey'],
  routing: (credentials) => ({ routingKey: credentials.number, providerAccountId: null }),
  webhook: {
    scope: 'platform',
    verifySubscription: (query) => (query['challenge'] === 'ok' ? 'echo' : null),
  },
  senderProof: 'credentials',
  configKeys: { secrets: {}, baseUrls: {} },
  create: () => fakeAdapter,
};

(PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE] = fakeModule as ProviderModule;

let tp: TestPlatform;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  tp = await createTestPlatform();
  app = createApp({ platform: tp.platform });
});
afterAll(async () => {
  delete (PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE];
  await tp.dispose();
});

const post = (signature: string) =>
  app.request(`/webhooks/${FAKE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-signature': signature },
    body: JSON.stringify({ from: '+37255550001', id: 'fake.in.1', text: 'Tere', to: '+3726000000' }),
  });

describe('a provider registered through the registry alone', () => {
  it('is found by name', () => {
    expect(isProviderName(FAKE)).toBe(true);
    expect(providerModule(FAKE)).toBe(fakeModule);
  });

  it('answers its webhook handshake on the generic route', async () => {
    expect(await (await app.request(`/webhooks/${FAKE}?challenge=ok`)).text()).toBe('echo');
    expect((await app.request(`/webhooks/${FAKE}?challenge=no`)).status).toBe(403);
  });

  it('verifies before reading: a bad signature is 401 and stores nothing', async () => {
    const response = await post('forged');
    expect(response.status).toBe(401);
    expect(await tp.dump()).not.toContain('fake.in.1');
  });

  it('routes a signed event by its routing key (no number of it is connected: acknowledged, ignored)', async () => {
    const response = await post(SIGNATURE);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, stored: 0, ignored: 1 });
  });

  it('is not served on URL shapes its module does not declare', async () => {
    expect((await app.request(`/webhooks/${FAKE}/conn_1`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
