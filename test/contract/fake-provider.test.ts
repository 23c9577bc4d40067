// A WhatsApp provider the app has never heard of (fake-provider.fixture.ts), registered at run time through the
// provider registry alone (no other file changed): the generic webhook routes serve it (handshake, signature check,
// answer), and it passes the same provider contract as the registry's own (provider-contract-suite.ts). Connecting
// one through the admin API: test/integration/fake-provider-connect.test.ts; a stored connection of one,
// inbound → CRM → reply: test/integration/fake-vendors-flow.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderName, providerModule } from '../../adapters/providers/registry';
import { createApp } from '../../src/app';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import {
  FAKE_NUMBER,
  FAKE_PROVIDER as FAKE,
  fakeFixture,
  fakeModule,
  fakeSignature,
  registerFakeProvider,
} from './fake-provider.fixture';
import { describeProviderContract } from './provider-contract-suite';

// The registry alone.
const unregister = registerFakeProvider();

let tp: TestPlatform;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  tp = await createTestPlatform();
  app = createApp({ platform: tp.platform });
});
afterAll(async () => {
  unregister();
  await tp.dispose();
});

const body = JSON.stringify({
  kind: 'message',
  from: '+37255550001',
  id: 'fake.in.1',
  text: 'Tere',
  to: FAKE_NUMBER,
  at: Date.UTC(2026, 0, 1),
});
const post = (signature: string) =>
  app.request(`/webhooks/${FAKE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-signature': signature },
    body,
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
    const response = await post(fakeSignature(body, 'forged-secret'));
    expect(response.status).toBe(401);
    expect(await tp.dump()).not.toContain('fake.in.1');
  });

  it('routes a signed event by its routing key (no number of it is connected: acknowledged, ignored)', async () => {
    const response = await post(fakeSignature(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, stored: 0, ignored: 1 });
  });

  it('is not served on URL shapes its module does not declare', async () => {
    expect((await app.request(`/webhooks/${FAKE}/conn_1`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describeProviderContract(providerModule(FAKE), fakeFixture);
