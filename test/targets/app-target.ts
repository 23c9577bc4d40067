// Where a shared suite sends its requests (issue 17: "the runtime that ships is the runtime tested"). The same
// demo world (local mode's seed: a HighLevel install with a Meta, a Twilio and a CM.com number, a Pipedrive install)
// is served either by the app in this process (`node`: createApp over the test D1, vendor calls answered by the
// simulators through msw) or by the Worker in workerd (`workerd`: local mode, the engine of `wrangler dev`, reached
// over HTTP on loopback). Suites use only what both have: HTTP requests, the vars, the seed and the simulators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { DEMO_META_OPTIONS, seedSimulators } from '../../scripts/local-mode/demo';
import { startLocalMode } from '../../scripts/local-mode/index';
import { seedDemoInto, type DemoSeed } from '../../scripts/local-mode/seed';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { createSessionToken, type SessionClaims } from '../../src/security/session';
import { createTestPlatform, TEST_SECRETS, TestClock } from '../helpers/platform';
import {
  createVendorSimulators,
  localVendorBases,
  SIM_CRM_CLIENTS,
  vendorEnvVars,
  type VendorSimulators,
} from '../mocks/index';

export type TargetKind = 'node' | 'workerd';

export interface AppTarget {
  kind: TargetKind;
  /** `path` is the path and query; the answer is the app's, exactly as a caller would see it. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Every var and secret the app runs with (APP_BASE_URL is what Twilio signatures cover). */
  vars: Record<string, string>;
  sims: VendorSimulators;
  seed: DemoSeed;
  /** The app's clock (epoch ms): a HighLevel timestamp must be near it to be fresh. */
  now(): number;
  session(claims: SessionClaims): Promise<string>;
  dispose(): Promise<void>;
}

/** Not a socket anywhere: in the node target msw answers every vendor base before a connection is tried. */
const NODE_SIM_ORIGIN = 'http://127.0.0.1:9';

export async function startNodeTarget(): Promise<AppTarget> {
  // HighLevel's events carry the simulator's time: the app's test clock, so they are fresh to the app.
  const clock = new TestClock();
  const sims = createVendorSimulators({
    bases: localVendorBases(NODE_SIM_ORIGIN),
    meta: DEMO_META_OPTIONS,
    highlevel: { now: clock.now },
  });
  const crmIds = seedSimulators(sims);
  const server = setupServer(...sims.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const vars: Record<string, string> = {
    ...TEST_SECRETS,
    ...vendorEnvVars(sims.bases),
    APP_BASE_URL: 'https://wabridge.test',
    // /admin answers 503 not_configured without it; local mode generates one too (scripts/local-mode/dev-vars.ts).
    OPERATOR_TOKEN: 'test-operator-token-0123456789-abcdefghij',
    HIGHLEVEL_WEBHOOK_PUBLIC_KEY: sims.highlevel.publicKeySpkiBase64,
  };
  const t = await createTestPlatform({ env: vars, clock });
  try {
    const seed = await seedDemoInto(
      new AppContext(t.platform),
      { sims, crmIds, pipedriveCompanyId: SIM_CRM_CLIENTS.pipedrive.companyId },
      t.clock.now(),
    );
    const app = createApp({ platform: t.platform });
    return {
      kind: 'node',
      request: async (p, init) => app.request(p, init),
      vars,
      sims,
      seed,
      now: t.clock.now,
      session: async (claims) =>
        (await createSessionToken(vars.SESSION_SECRET!, claims, t.clock.now())).token,
      dispose: async () => {
        server.close();
        await t.dispose();
      },
    };
  } catch (error) {
    server.close();
    await t.dispose();
    throw error;
  }
}

/** Local mode on free ports in a temporary state directory; one per test file (starting workerd takes seconds). */
export async function startWorkerdTarget(): Promise<AppTarget> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'wabridge-target-'));
  try {
    const mode = await startLocalMode({
      appPort: 0,
      simPort: 0,
      persistTo: stateDir,
      isolated: true,
      stdio: 'pipe',
    });
    return {
      kind: 'workerd',
      request: (p, init) => fetch(`${mode.urls.app}${p}`, { redirect: 'manual', ...init }),
      vars: mode.vars,
      sims: mode.sims,
      seed: mode.seed,
      now: () => Date.now(),
      session: (claims) => mode.session(claims),
      dispose: async () => {
        await mode.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}

export const START_TARGET: Record<TargetKind, () => Promise<AppTarget>> = {
  node: startNodeTarget,
  workerd: startWorkerdTarget,
};
