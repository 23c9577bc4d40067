// World of the HighLevel acceptance tests: the shared app world (test/helpers/world.ts) with HighLevel traffic
// checked against HighLevel's OpenAPI files, and helpers that play HighLevel (install, Delivery URL calls) and the
// admin. The customer and the WhatsApp providers are played by test/helpers/provider-side.ts, re-exported here.
import { afterEach, expect } from 'vitest';
import { AppContext } from '../../src/context';
import type { ProviderName } from '../../src/core/template';
import { drainMemoryQueue } from '../../src/services/jobs';
import type { SignedHighLevelEvent } from '../mocks/highlevel';
import { assertHighLevelSpecClean } from '../mocks/highlevel/spec-check';
import { killable } from '../helpers/crash-points';
import { connectNumber, type ConnectedNumber } from '../helpers/provider-side';
import {
  adminSessionToken,
  countRows as countTableRows,
  createAppWorld,
  installCrm,
  useVendorServer,
  type AppWorld,
} from '../helpers/world';

export * from '../helpers/provider-side';
export { APP_BASE } from '../helpers/world';
export const PROVIDER_ID = 'wabridgeProvider0001';
export const TEMPLATE_BODY = 'Hi {{1}}, your order {{2}} has shipped.';

export interface World extends AppWorld {
  /** Runs queued jobs, moving the clock to each retry, until the queue is empty (or `maxMs` of test time passed). */
  settle(maxMs?: number): Promise<void>;
  post(path: string, event: SignedHighLevelEvent): Promise<Response>;
}

let vendors: ReturnType<typeof useVendorServer> | undefined;

/** msw + spec validation for the whole file; every world checks its HighLevel traffic after each test. */
export function useHighLevelServer(): ReturnType<typeof useVendorServer> {
  vendors = useVendorServer({
    vendorBases: [{ baseUrl: 'https://services.leadconnectorhq.com', spec: 'highlevel' }],
  });
  const { validation } = vendors;
  afterEach(async () => {
    await assertHighLevelSpecClean(validation());
  });
  return vendors;
}

export async function createWorld(
  options: { rateLimit?: { max: number; intervalMs: number } } = {},
): Promise<World> {
  if (!vendors) throw new Error('call useHighLevelServer() first');
  const w = await createAppWorld(vendors.server, {
    sims: (t) => ({
      highlevel: { conversationProviderId: PROVIDER_ID, now: t.clock.now, rateLimit: options.rateLimit },
      twilio: { now: t.clock.now },
      cm: { now: t.clock.now },
    }),
    // The simulator signs with its own key: configure it the way an operator overrides HighLevel's published key.
    configure(t, sims) {
      t.platform.config = {
        ...t.platform.config,
        HIGHLEVEL_CONVERSATION_PROVIDER_ID: PROVIDER_ID,
        secrets: {
          ...t.platform.config.secrets,
          HIGHLEVEL_WEBHOOK_PUBLIC_KEY: sims.highlevel.publicKeySpkiBase64,
        },
      };
    },
  });
  const { t, app, ctx } = w;
  return {
    ...w,
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

/** The admin connects a number of `provider` with the approved UTILITY template `order_shipped`. */
export function connectProvider(w: World, admin: string, provider: ProviderName): Promise<ConnectedNumber> {
  return connectNumber(w, admin, provider, { name: 'order_shipped', body: TEMPLATE_BODY });
}

/** Marketplace install: our /start → HighLevel's chooser (simulated) → our callback. Returns the callback answer. */
export function installHighLevel(w: World): Promise<Response> {
  return installCrm(w, 'highlevel');
}

export async function installationOf(w: World, accountId = w.sims.highlevel.state.config.locationId) {
  const { installations } = await w.ctx.secretStores();
  return installations.findByAccount('highlevel', accountId);
}

export function adminToken(w: World, installationId: string): Promise<string> {
  return adminSessionToken(w.t.clock.now(), installationId, 'highlevel');
}

/**
 * The crash tests' start: HighLevel installed, a Meta number connected by the location's admin, then the D1 made
 * killable (test/helpers/crash-points.ts) and a context whose stores see the killable D1.
 */
export async function createKillableWorld() {
  const world = await createConnectedWorld();
  const crash = killable(world.w.t.platform);
  return { ...world, crash, ctx: new AppContext(world.w.t.platform) };
}

/** HighLevel installed (the Marketplace flow) and a number of `provider` connected by the location's admin. */
export async function createConnectedWorld(provider: ProviderName = 'meta') {
  const w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  const installationId = (await installationOf(w))!.id;
  const admin = await adminToken(w, installationId);
  const number = await connectProvider(w, admin, provider);
  return { w, installationId, admin, number };
}

export function countRows(w: World, table: string): Promise<number> {
  return countTableRows(w.t.db, table);
}
