// The world of the fake-vendor flows (issue 13): the fake provider and the fake CRM (test/contract/fake-*.fixture.ts)
// registered through the registries alone, a fresh test platform with the app over real local D1, and msw refusing
// any vendor HTTP call (the fakes make none). Call at the top of a test file: it registers beforeAll / afterAll.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import type { Job } from '../../src/platform/queue';
import type { Connection } from '../../src/store/connections';
import { registerFakeCrm } from '../contract/fake-crm.fixture';
import {
  FAKE_NUMBER,
  FAKE_PROVIDER,
  fakeFixture,
  fakeSignature,
  registerFakeProvider,
  type FakeWebhookBody,
} from '../contract/fake-provider.fixture';
import { drainJobs } from './drain-jobs';
import { createTestPlatform, type TestPlatform } from './platform';

export interface FakeVendorsWorld {
  t: TestPlatform;
  ctx: AppContext;
  app: ReturnType<typeof createApp>;
  /** Runs the queued jobs until none is left. */
  runJobs(): Promise<Job[]>;
  /** The fake provider's webhook, signed (or with `signature` instead). */
  postWebhook(body: FakeWebhookBody, signature?: string): Promise<Response>;
  /** Stores a connection of the fake provider's number for the installation. */
  connect(installationId: string, label: string): Promise<Connection>;
}

export function useFakeVendorsWorld(): FakeVendorsWorld {
  const unregister = [registerFakeProvider(), registerFakeCrm()];
  const server = setupServer();
  const w = {
    runJobs: () => drainJobs(w.t, w.ctx),
    postWebhook: (body, signature) => {
      const raw = JSON.stringify(body);
      return w.app.request(`/webhooks/${FAKE_PROVIDER}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-signature': signature ?? fakeSignature(raw) },
        body: raw,
      });
    },
    async connect(installationId, label) {
      const { connections } = await w.ctx.secretStores();
      return connections.create(
        {
          installationId,
          provider: FAKE_PROVIDER,
          label,
          senderPhone: FAKE_NUMBER,
          routingKey: FAKE_NUMBER,
          credentials: fakeFixture.credentials(),
        },
        w.t.clock.now(),
      );
    },
  } as FakeVendorsWorld;
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    w.t = await createTestPlatform();
    w.ctx = new AppContext(w.t.platform);
    w.app = createApp({ platform: w.t.platform });
  });
  afterAll(async () => {
    for (const undo of unregister) undo();
    server.close();
    await w.t?.dispose();
  });
  return w;
}
