// Shared world of the Pipedrive acceptance tests: the app over real local D1, every vendor simulator behind msw
// (unhandled requests fail), Pipedrive traffic checked against Pipedrive's own OpenAPI files, and helpers that
// play Pipedrive (install, panel JWT) and open sessions. The provider side lives in pipedrive-provider-side.ts.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { drainMemoryQueue } from '../../src/services/jobs';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { isKnownSpecDefect } from '../mocks/pipedrive/harness';
import { createVendorSimulators, type VendorSimulators } from '../mocks/index';
import { attachSpecValidation, type SpecValidation, type SpecViolation } from '../spec/msw-validation';
import { validateRequest } from '../spec/openapi';

export const COMPANY_ID = 54235233;
export const APP_BASE = 'http://127.0.0.1:8787';
/** Our WhatsApp numbers, one per provider. */
export const SENDER = { meta: '+14155550100', twilio: '+14155550101', cm: '+14155550102' } as const;
type Json = Record<string, unknown>;

export interface World {
  t: TestPlatform;
  sims: VendorSimulators;
  app: ReturnType<typeof createApp>;
  ctx: AppContext;
  validation: SpecValidation;
  server: ReturnType<typeof setupServer>;
  drain(): Promise<number>;
  /** JSON request to the app; `token` becomes a bearer session. */
  call(method: string, path: string, init?: { token?: string; body?: unknown }): Promise<Response>;
}

/** Registers beforeAll/beforeEach/afterEach hooks; the world is rebuilt (fresh D1, fresh simulators) per test. */
export function usePipedriveWorld(): { get(): World } {
  const server = setupServer();
  let world: World | undefined;
  let validation: SpecValidation;
  const oauthViolations: SpecViolation[] = [];
  const oauthChecks = new Set<Promise<void>>();
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    // The OAuth operations declare their own server (oauth.pipedrive.com), which the validator does not map:
    // our token requests are checked by re-basing them onto the v1 document's server.
    server.events.on('request:start', ({ request }) => {
      if (!request.url.startsWith('https://oauth.pipedrive.com/oauth/token')) return;
      const check = request
        .clone()
        .text()
        .then((body) => {
          const url = `https://api.pipedrive.com/v1${new URL(request.url).pathname}`;
          const result = validateRequest('pipedrive-v1', {
            method: 'POST',
            url,
            contentType: request.headers.get('content-type') ?? undefined,
            body,
          });
          if (!result.ok) {
            oauthViolations.push({
              spec: 'pipedrive-v1',
              phase: 'request',
              method: 'POST',
              url,
              errors: result.errors,
            });
          }
        })
        .finally(() => oauthChecks.delete(check));
      oauthChecks.add(check);
    });
    validation = attachSpecValidation(server, {
      vendorBases: [
        // Pipedrive serves v1 at {api_domain}/api/v1 while the v1 spec's server is /v1.
        { baseUrl: 'https://acme.pipedrive.com/api/v1', spec: 'pipedrive-v1' },
        { baseUrl: 'https://acme.pipedrive.com/api/v2', spec: 'pipedrive-v2' },
      ],
      skip: (_req, res) => res.headers.has('x-mock-fault'),
      // Pipedrive's error envelope (400/401/403/404) is documented once in its docs, not per operation.
      allowUndocumentedStatus: (status) =>
        status === 429 || status >= 500 || [400, 401, 403, 404].includes(status),
    });
  });
  beforeEach(async () => {
    const t = await createTestPlatform({ env: { APP_BASE_URL: APP_BASE } });
    // Inline backoffs of the HTTP clients must not cost wall time; queue delays follow the test clock.
    t.platform.sleep = async () => {};
    const sims = createVendorSimulators({
      meta: { enforceWindow: true, displayPhoneNumber: SENDER.meta.slice(1) },
      twilio: { enforceWindow: true },
      pipedrive: { now: t.clock.now, companyId: COMPANY_ID },
    });
    server.resetHandlers(...sims.handlers);
    validation.reset();
    oauthViolations.length = 0;
    const app = createApp({ platform: t.platform });
    const ctx = new AppContext(t.platform);
    world = {
      t,
      sims,
      app,
      ctx,
      validation,
      server,
      drain: () => drainMemoryQueue(ctx, t.queue),
      call: async (method, path, init = {}) =>
        app.request(path, {
          method,
          headers: {
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        }),
    };
  });
  afterEach(async () => {
    await validation.settled();
    while (oauthChecks.size > 0) await Promise.all([...oauthChecks]);
    const real = [...validation.violations(), ...oauthViolations].filter((v) => !isKnownSpecDefect(v));
    expect(real, 'requests to Pipedrive must match its OpenAPI spec').toEqual([]);
    await world?.t.dispose();
    world = undefined;
  });
  afterAll(() => server.close());
  return {
    get() {
      if (!world) throw new Error('world used outside a test');
      return world;
    },
  };
}

/** Marketplace install: our /start → Pipedrive's consent (simulated) → our callback. Returns the callback answer. */
export async function installPipedrive(w: World): Promise<Response> {
  const start = await w.app.request('/oauth/pipedrive/start');
  expect(start.status).toBe(302);
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${APP_BASE}/oauth/pipedrive/callback`);
  return w.app.request(callback.pathname + callback.search);
}

/** A panel JWT as Pipedrive signs it under the app's JWT secret. */
export function panelJwt(w: World, claims: Json = {}, secret: string = TEST_SECRETS.PIPEDRIVE_JWT_SECRET) {
  return w.sims.pipedrive.signPanelJwt(claims, secret);
}

export async function pipedriveSession(
  w: World,
  body: Json,
): Promise<{ status: number; token: string; json: Json }> {
  const res = await w.call('POST', '/api/session', { body: { crm: 'pipedrive', ...body } });
  const json = (await res.json()) as Json;
  return { status: res.status, token: String(json.token ?? ''), json };
}

export async function adminSession(w: World): Promise<string> {
  const s = await pipedriveSession(w, { token: await panelJwt(w), surface: 'settings' });
  expect(s.status).toBe(200);
  return s.token;
}

export async function row<T>(w: World, sql: string, ...binds: unknown[]): Promise<T | null> {
  return w.t.db
    .prepare(sql)
    .bind(...binds)
    .first<T>();
}
