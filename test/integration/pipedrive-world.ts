// Shared world of the Pipedrive acceptance tests: the app over real local D1, every vendor simulator behind msw
// (unhandled requests fail), Pipedrive traffic checked against Pipedrive's own OpenAPI files, and helpers that
// play Pipedrive (install, panel JWT), the admin, the agent and the WhatsApp customer on each provider.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import type { ProviderName } from '../../src/core/template';
import { drainMemoryQueue } from '../../src/services/jobs';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { isKnownSpecDefect } from '../mocks/pipedrive/harness';
import {
  CM_SIM_PRODUCT_TOKEN,
  createVendorSimulators,
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  type VendorSimulators,
} from '../mocks/index';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../mocks/meta';
import { buildTwilioInbound, buildTwilioStatusFor, twilioWebhookRequest } from '../mocks/twilio';
import { buildCmInbound, buildCmStatusReport } from '../mocks/cm';
import { attachSpecValidation, type SpecValidation, type SpecViolation } from '../spec/msw-validation';
import { validateRequest } from '../spec/openapi';

export const COMPANY_ID = 54235233;
export const APP_BASE = 'http://127.0.0.1:8787';
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

export interface ConnectedNumber {
  provider: ProviderName;
  connectionId: string;
  senderPhone: string;
  templateId: string;
  /** CM.com: path of our webhook (the secret token is in it). */
  webhookPath: string;
}

const TEMPLATE_BODY = 'Hi {{1}}, your order {{2}} is ready for pickup.';

/** The admin connects a number of `provider` and makes one approved UTILITY template available. */
export async function connectProvider(
  w: World,
  admin: string,
  provider: ProviderName,
): Promise<ConnectedNumber> {
  const credentials = {
    meta: {
      accessToken: w.sims.meta.config.accessToken,
      wabaId: w.sims.meta.config.wabaId,
      phoneNumberId: w.sims.meta.config.phoneNumberId,
    },
    twilio: { accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, from: SENDER.twilio },
    cm: { productToken: CM_SIM_PRODUCT_TOKEN, from: SENDER.cm },
  }[provider];
  const created = await w.call('POST', '/api/connections', {
    token: admin,
    body: { label: `${provider} number`, senderPhone: SENDER[provider], provider, credentials },
  });
  expect(created.status).toBe(201);
  const connection = ((await created.json()) as { connection: Json }).connection;
  const connectionId = String(connection.id);

  if (provider === 'cm') {
    const res = await w.call('POST', '/api/templates/manual', {
      token: admin,
      body: {
        connectionId,
        namespace: 'c0ffee00_demo_4109_a8b6_577bf0ec778a',
        elementName: 'order_ready',
        language: 'en',
        category: 'UTILITY',
        body: TEMPLATE_BODY,
      },
    });
    expect(res.status).toBe(201);
    const template = ((await res.json()) as { template: Json }).template;
    w.sims.cm.state.templates.set(String(template.providerTemplateId), {
      namespace: 'c0ffee00_demo_4109_a8b6_577bf0ec778a',
      elementName: 'order_ready',
      language: 'en',
      bodyParams: 2,
    });
  } else {
    if (provider === 'meta') {
      w.sims.meta.state.addTemplate({
        name: 'order_ready',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: TEMPLATE_BODY, example: { body_text: [['Mari', 'A-1001']] } }],
      } as never);
    } else {
      w.sims.twilio.state.addContent({
        friendly_name: 'order_ready',
        language: 'en',
        variables: { '1': 'Mari', '2': 'A-1001' },
        types: { 'twilio/text': { body: TEMPLATE_BODY } },
        approval_requests: {
          name: 'order_ready',
          category: 'UTILITY',
          content_type: 'twilio/text',
          status: 'approved',
          rejection_reason: '',
          allow_category_change: false,
        },
      });
    }
    const sync = await w.call('POST', '/api/templates/sync', { token: admin, body: { connectionId } });
    expect(sync.status).toBe(200);
  }
  const list = await w.call('GET', `/api/templates?connectionId=${connectionId}&status=APPROVED`, {
    token: admin,
  });
  const templates = ((await list.json()) as { templates: Json[] }).templates;
  const template = templates.find((x) => x.name === 'order_ready');
  expect(template, `approved template on ${provider}`).toBeDefined();
  const webhookUrl = typeof connection.webhookUrl === 'string' ? new URL(connection.webhookUrl) : null;
  return {
    provider,
    connectionId,
    senderPhone: SENDER[provider],
    templateId: String(template!.id),
    webhookPath: webhookUrl ? webhookUrl.pathname : '',
  };
}

/** The customer writes in on `number`'s provider, with a webhook signed the way that provider signs it. */
export async function customerWrites(
  w: World,
  number: ConnectedNumber,
  from: string,
  text: string,
  name = 'Mari Tamm',
): Promise<Response> {
  const at = w.t.clock.now();
  switch (number.provider) {
    case 'meta': {
      w.sims.meta.state.customerWrote(from);
      const raw = JSON.stringify(
        metaMessagesWebhook(w.sims.meta.config, [metaInbound.text({ from, timestampMs: at }, text)], name),
      );
      return w.app.request('/webhooks/meta', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET),
        },
        body: raw,
      });
    }
    case 'twilio': {
      w.sims.twilio.state.openSession(from);
      const params = buildTwilioInbound({ to: number.senderPhone, from, profileName: name, body: text });
      return twilioPost(w, `${APP_BASE}/webhooks/twilio/${number.connectionId}`, params);
    }
    case 'cm':
      return w.app.request(number.webhookPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          buildCmInbound({ from, to: number.senderPhone, name, content: { type: 'text', text }, at }),
        ),
      });
  }
}

async function twilioPost(w: World, url: string, params: Record<string, string>): Promise<Response> {
  const signed = await twilioWebhookRequest({ url, params, authToken: DEFAULT_AUTH_TOKEN });
  return w.app.request(new URL(url).pathname, {
    method: 'POST',
    headers: signed.headers,
    body: signed.rawBody,
  });
}

export type WireStatus = 'sent' | 'delivered' | 'read';

/** The provider reports `status` for the message it accepted with id `providerMessageId`. */
export async function providerReports(
  w: World,
  number: ConnectedNumber,
  providerMessageId: string,
  status: WireStatus,
): Promise<Response> {
  const at = w.t.clock.now();
  switch (number.provider) {
    case 'meta': {
      const raw = JSON.stringify(w.sims.meta.statusWebhook(providerMessageId, status, { timestampMs: at }));
      return w.app.request('/webhooks/meta', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': await signMetaWebhook(raw, TEST_SECRETS.META_APP_SECRET),
        },
        body: raw,
      });
    }
    case 'twilio': {
      const message = w.sims.twilio.state.message(providerMessageId)!;
      const url = message.statusCallback ?? `${APP_BASE}/webhooks/twilio/${number.connectionId}`;
      return twilioPost(w, url, buildTwilioStatusFor(message, status));
    }
    case 'cm': {
      const sent = w.sims.cm.state.sent.find((m) => m.reference === providerMessageId)!;
      const code = { sent: 'Sent', delivered: 'Delivered', read: 'Read' }[status];
      return w.app.request(number.webhookPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          buildCmStatusReport({ reference: sent.reference!, to: sent.to, status: code, at }),
        ),
      });
    }
  }
}

/** What the provider simulator actually sent to `phone`: 'template' or 'text' per message, in order. */
export function sentKinds(w: World, provider: ProviderName, phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  switch (provider) {
    case 'meta':
      return w.sims.meta.state.sent.filter((m) => m.to === digits).map((m) => m.type);
    case 'twilio':
      return w.sims.twilio.state.messages
        .filter((m) => m.to === `whatsapp:${phone}`)
        .map((m) => (m.contentSid ? 'template' : 'text'));
    case 'cm':
      return w.sims.cm.state.sent
        .filter((m) => m.to.replace(/\D/g, '').endsWith(digits))
        .map((m) => (m.part && 'template' in m.part ? 'template' : 'text'));
  }
}

export async function row<T>(w: World, sql: string, ...binds: unknown[]): Promise<T | null> {
  return w.t.db
    .prepare(sql)
    .bind(...binds)
    .first<T>();
}
