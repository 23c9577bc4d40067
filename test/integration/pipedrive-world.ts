// World of the Pipedrive acceptance tests: the shared app world (test/helpers/world.ts) with the simulators
// enforcing the 24 h window, Pipedrive traffic checked against Pipedrive's own OpenAPI files, and helpers that play
// Pipedrive (install, panel JWT) and open sessions. The customer and the WhatsApp providers are played by
// test/helpers/provider-side.ts, re-exported here.
import { beforeEach, afterEach, expect } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import { drainMemoryQueue } from '../../src/services/jobs';
import { TEST_SECRETS } from '../helpers/platform';
import { connectNumber, SENDER, type ConnectedNumber } from '../helpers/provider-side';
import { createAppWorld, installCrm, useVendorServer, type AppWorld } from '../helpers/world';
import { isKnownSpecDefect } from '../mocks/pipedrive/harness';
import type { SetupServer } from 'msw/node';
import type { SpecValidation, SpecViolation } from '../spec/msw-validation';
import { validateRequest } from '../spec/openapi';

export * from '../helpers/provider-side';
export { APP_BASE } from '../helpers/world';
export const COMPANY_ID = 54235233;
type Json = Record<string, unknown>;

export interface World extends AppWorld {
  validation: SpecValidation;
  server: SetupServer;
  drain(): Promise<number>;
}

/** Registers beforeAll/beforeEach/afterEach hooks; the world is rebuilt (fresh D1, fresh simulators) per test. */
/** `burstLimit`: the simulator enforces Pipedrive's per-token burst (requests per rolling 2 s). */
export function usePipedriveWorld(options: { burstLimit?: number } = {}): { get(): World } {
  let world: World | undefined;
  const oauthViolations: SpecViolation[] = [];
  const oauthChecks = new Set<Promise<void>>();
  const vendors = useVendorServer(
    {
      vendorBases: [
        // Pipedrive serves v1 at {api_domain}/api/v1 while the v1 spec's server is /v1.
        { baseUrl: 'https://acme.pipedrive.com/api/v1', spec: 'pipedrive-v1' },
        { baseUrl: 'https://acme.pipedrive.com/api/v2', spec: 'pipedrive-v2' },
      ],
      skip: (_req, res) => res.headers.has('x-mock-fault'),
      // Pipedrive's error envelope (400/401/403/404) is documented once in its docs, not per operation.
      allowUndocumentedStatus: (status) =>
        status === 429 || status >= 500 || [400, 401, 403, 404].includes(status),
    },
    // The OAuth operations declare their own server (oauth.pipedrive.com), which the validator does not map:
    // our token requests are checked by re-basing them onto the v1 document's server.
    (server) =>
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
      }),
  );
  const { server } = vendors;
  beforeEach(async () => {
    const validation = vendors.validation();
    validation.reset();
    oauthViolations.length = 0;
    const w = await createAppWorld(server, {
      sims: (t) => ({
        meta: { enforceWindow: true, displayPhoneNumber: SENDER.meta.slice(1) },
        twilio: { enforceWindow: true },
        pipedrive: { now: t.clock.now, companyId: COMPANY_ID, burstLimit: options.burstLimit },
      }),
    });
    world = { ...w, validation, server, drain: () => drainMemoryQueue(w.ctx, w.t.queue) };
  });
  afterEach(async () => {
    const validation = vendors.validation();
    await validation.settled();
    while (oauthChecks.size > 0) await Promise.all([...oauthChecks]);
    const real = [...validation.violations(), ...oauthViolations].filter((v) => !isKnownSpecDefect(v));
    expect(real, 'requests to Pipedrive must match its OpenAPI spec').toEqual([]);
    await world?.t.dispose();
    world = undefined;
  });
  return {
    get() {
      if (!world) throw new Error('world used outside a test');
      return world;
    },
  };
}

/** Marketplace install: our /start → Pipedrive's consent (simulated) → our callback. Returns the callback answer. */
export function installPipedrive(w: World): Promise<Response> {
  return installCrm(w, 'pipedrive');
}

/** The admin connects a number of `provider` with the approved UTILITY template `order_ready`. */
export async function connectProvider(
  w: World,
  admin: string,
  provider: ProviderName,
): Promise<ConnectedNumber & { templateId: string }> {
  const number = await connectNumber(w, admin, provider, {
    name: 'order_ready',
    body: 'Hi {{1}}, your order {{2}} is ready for pickup.',
  });
  const list = await w.call('GET', `/api/templates?connectionId=${number.connectionId}&status=APPROVED`, {
    token: admin,
  });
  const templates = ((await list.json()) as { templates: Json[] }).templates;
  const template = templates.find((x) => x.name === 'order_ready');
  expect(template, `approved template on ${provider}`).toBeDefined();
  return { ...number, templateId: String(template!.id) };
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
