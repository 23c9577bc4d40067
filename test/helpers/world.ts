// The app over real local D1 with every vendor simulator behind one msw server (unhandled requests fail): the
// world of the CRM acceptance tests. test/integration/highlevel-world.ts and pipedrive-world.ts add their CRM's
// spec checks and helpers; provider-side.ts plays the customer and the WhatsApp providers against it.
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, beforeAll, expect } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { createSessionToken } from '../../src/security/session';
import type { CrmName } from '../../src/store/installations';
import { createVendorSimulators, type VendorSimulators, type VendorSimulatorsOptions } from '../mocks/index';
import {
  attachSpecValidation,
  type SpecValidation,
  type SpecValidationOptions,
} from '../spec/msw-validation';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from './platform';

export const APP_BASE = 'http://127.0.0.1:8787';

export interface AppWorld {
  t: TestPlatform;
  sims: VendorSimulators;
  app: ReturnType<typeof createApp>;
  ctx: AppContext;
  /** JSON request to the app; `token` becomes a bearer session. */
  call(method: string, path: string, init?: { token?: string; body?: unknown }): Promise<Response>;
}

/** What the helpers need of an app (a Hono app of any route schema). */
export interface AppRequester {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

/** JSON request to `app`; `token` becomes a bearer session. */
export function callApp(
  app: AppRequester,
  method: string,
  path: string,
  init: { token?: string; body?: unknown } = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
}

/**
 * One msw server for the test file: it listens before the file (unhandled requests fail; `onListen` runs next,
 * before the spec validation attaches) and closes after it. Vendor traffic is checked against `spec`.
 */
export function useVendorServer(
  spec: SpecValidationOptions,
  onListen?: (server: SetupServer) => void,
): { server: SetupServer; validation(): SpecValidation } {
  const server = setupServer();
  let validation: SpecValidation | undefined;
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    onListen?.(server);
    validation = attachSpecValidation(server, spec);
  });
  afterAll(() => server.close());
  return {
    server,
    validation() {
      if (!validation) throw new Error('vendor server used before it listens');
      return validation;
    },
  };
}

/**
 * A fresh world on `server`: new D1, new simulators (their handlers replace the server's), the app over both.
 * `configure` adjusts the platform before the app is built.
 */
export async function createAppWorld(
  server: SetupServer,
  options: {
    sims(t: TestPlatform): VendorSimulatorsOptions;
    configure?(t: TestPlatform, sims: VendorSimulators): void;
  },
): Promise<AppWorld> {
  const t = await createTestPlatform({ env: { APP_BASE_URL: APP_BASE } });
  // Inline backoffs of the HTTP clients must not cost wall time; queue delays follow the test clock.
  t.platform.sleep = async () => {};
  const sims = createVendorSimulators(options.sims(t));
  options.configure?.(t, sims);
  server.resetHandlers(...sims.handlers);
  const app = createApp({ platform: t.platform });
  const ctx = new AppContext(t.platform);
  return { t, sims, app, ctx, call: (method, path, init) => callApp(app, method, path, init) };
}

/** Marketplace install: our /start → the CRM's consent (simulated) → our callback. Returns the callback answer. */
export async function installCrm(w: AppWorld, crm: CrmName): Promise<Response> {
  const start = await w.app.request(`/oauth/${crm}/start`);
  expect(start.status).toBe(302);
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${APP_BASE}/oauth/${crm}/callback`);
  return w.app.request(callback.pathname + callback.search);
}

/** A signed admin session for `installationId`, as the app issues it at `now`. */
export async function adminSessionToken(now: number, installationId: string, crm: CrmName): Promise<string> {
  return (await createSessionToken(TEST_SECRETS.SESSION_SECRET, { installationId, crm, role: 'admin' }, now))
    .token;
}

export async function countRows(db: D1Database, table: string): Promise<number> {
  const row = await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}
