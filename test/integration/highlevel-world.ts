// Shared world of the HighLevel acceptance tests: the app over real local D1, every vendor simulator behind msw
// (unhandled requests fail), HighLevel traffic checked against HighLevel's OpenAPI files, and helpers that play
// HighLevel (install, Delivery URL calls) and the admin; highlevel-provider-side.ts plays customer and provider.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { drainMemoryQueue } from '../../src/services/jobs';
import { createSessionToken } from '../../src/security/session';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { createVendorSimulators, type VendorSimulators } from '../mocks/index';
import type { SignedHighLevelEvent } from '../mocks/highlevel';
import { assertHighLevelSpecClean } from '../mocks/highlevel/spec-check';
import { attachSpecValidation, type SpecValidation } from '../spec/msw-validation';

import { APP_BASE } from './highlevel-provider-side';

export * from './highlevel-provider-side';
export const PROVIDER_ID = 'wabridgeProvider0001';

export interface World {
  t: TestPlatform;
  sims: VendorSimulators;
  app: ReturnType<typeof createApp>;
  ctx: AppContext;
  /** Runs queued jobs, moving the clock to each retry, until the queue is empty (or `maxMs` of test time passed). */
  settle(maxMs?: number): Promise<void>;
  call(method: string, path: string, init?: { token?: string; body?: unknown }): Promise<Response>;
  post(path: string, event: SignedHighLevelEvent): Promise<Response>;
}

const server = setupServer();
let validation: SpecValidation;

/** msw + spec validation for the whole file; every world checks its HighLevel traffic after each test. */
export function useHighLevelServer(): { validation(): SpecValidation } {
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    validation = attachSpecValidation(server, {
      vendorBases: [{ baseUrl: 'https://services.leadconnectorhq.com', spec: 'highlevel' }],
    });
  });
  afterEach(async () => {
    await assertHighLevelSpecClean(validation);
  });
  afterAll(() => server.close());
  return { validation: () => validation };
}

export async function createWorld(
  options: { rateLimit?: { max: number; intervalMs: number } } = {},
): Promise<World> {
  const t = await createTestPlatform({ env: { APP_BASE_URL: APP_BASE } });
  const sims = createVendorSimulators({
    highlevel: { conversationProviderId: PROVIDER_ID, now: t.clock.now, rateLimit: options.rateLimit },
    twilio: { now: t.clock.now },
    cm: { now: t.clock.now },
  });
  // The simulator signs with its own key: configure it the way an operator overrides HighLevel's published key.
  t.platform.config = {
    ...t.platform.config,
    HIGHLEVEL_CONVERSATION_PROVIDER_ID: PROVIDER_ID,
    secrets: {
      ...t.platform.config.secrets,
      HIGHLEVEL_WEBHOOK_PUBLIC_KEY: sims.highlevel.publicKeySpkiBase64,
    },
  };
  // Inline backoffs of the HTTP clients must not cost wall time; queue delays follow the test clock.
  t.platform.sleep = async () => {};
  server.resetHandlers(...sims.handlers);
  const app = createApp({ platform: t.platform });
  const ctx = new AppContext(t.platform);
  const call: World['call'] = async (method, path, init = {}) =>
    app.request(path, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  return {
    t,
    sims,
    app,
    ctx,
    call,
    post: async (path, event) =>
      app.request(path, { method: 'POST', headers: event.headers, body: event.body }),
    async settle(maxMs = 48 * 3_600_000) {
      const until = t.clock.now() + maxMs;
      for (let round = 0; round < 500; round++) {
        await drainMemoryQueue(ctx, t.queue);
        if (t.queue.pending.length === 0) return;
        const next = Math.min(...t.queue.pending.map((p) => p.notBefore));
        if (next > until) return;
        t.clock.advance(Math.max(0, next - t.clock.now()));
      }
    },
  };
}

/** Marketplace install: our /start → HighLevel's chooser (simulated) → our callback. Returns the callback answer. */
export async function installHighLevel(w: World): Promise<Response> {
  const start = await w.app.request('/oauth/highlevel/start');
  expect(start.status).toBe(302);
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${APP_BASE}/oauth/highlevel/callback`);
  return w.app.request(callback.pathname + callback.search);
}

export async function installationOf(w: World, accountId = w.sims.highlevel.state.config.locationId) {
  const { installations } = await w.ctx.secretStores();
  return installations.findByAccount('highlevel', accountId);
}

export async function adminToken(w: World, installationId: string): Promise<string> {
  const claims = { installationId, crm: 'highlevel' as const, role: 'admin' as const };
  return (await createSessionToken(TEST_SECRETS.SESSION_SECRET, claims, w.t.clock.now())).token;
}

export async function countRows(w: World, table: string): Promise<number> {
  const row = await w.t.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}
