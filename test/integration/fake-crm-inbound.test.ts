// Issue 13, what a CRM asks of us: a CRM the app has never heard of, registered through the CRM registry alone (its
// module's `deliveryUrl` and `workflows` hooks), passes the inbound CRM contract (crm-inbound-contract-suite.ts) and
// gets the same generic use cases as HighLevel over real local D1 —
// a Delivery URL "send this" stored once and sent inside the window or failed back outside it, a workflow action
// through /automations/<crm>/actions (401 and nothing stored when unauthenticated), its options, and a trigger
// subscribed through /automations/<crm>/triggers and fired once per event with the module's request.
// The Delivery URL is the module's `inbound.outbound` endpoint (use `delivery`): POST /crm/<crm>/outbound verifies it
// as the route's middleware; the refusals are also called on the service (acceptCrmDelivery) directly.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { CrmWorkflows } from '../../adapters/crm/crm-inbound-hooks';
import type { CrmModule } from '../../adapters/crm/crm-module';
import { CRM_MODULES } from '../../adapters/crm/registry';
import type { CrmAdapter, CrmMessageRecord, CrmName } from '../../adapters/crm/types';
import type { ProviderModule } from '../../adapters/providers/provider-module';
import { PROVIDER_MODULES } from '../../adapters/providers/registry';
import type { ProviderAdapter, ProviderEvent } from '../../adapters/providers/types';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { AppError, ProviderError } from '../../src/core/errors';
import type { ProviderName } from '../../src/core/template';
import type { Job } from '../../src/platform/queue';
import { acceptCrmDelivery } from '../../src/services/crm/crm-deliveries';
import { deadLetter, runJob } from '../../src/services/jobs';
import type { Installation } from '../../src/store/installations';
import { describeCrmInboundContract } from '../contract/crm-inbound-contract-suite';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';

const FAKE_PROVIDER = 'fakewa2' as ProviderName;
const FAKE_CRM = 'fakecrm2' as CrmName;
const SIGNATURE = 'fake-signature-9876543210';
const WORKFLOW_KEY = 'fake-workflow-key-0123456789';
const ACCOUNT = 'fake-account-7';
const OUR_NUMBER = '+3726000007';
const CUSTOMER = '+37255550007';

// ---- the fake provider: signs with a header, sends into an array ----
const sent: Parameters<ProviderAdapter['send']>[0][] = [];
const fakeAdapter: ProviderAdapter = {
  provider: FAKE_PROVIDER,
  capabilities: { listTemplates: false, submitTemplate: false, readReceipts: false, userIdRecipients: false },
  async *listTemplates() {},
  submitTemplate: async () => ({ providerTemplateId: 'x', status: 'PENDING' }),
  send: async (message) => {
    sent.push(message);
    return { providerMessageId: `fake2.out.${sent.length}`, status: 'pending' };
  },
  testCredentials: async () => {},
  verifyWebhook: async (request) => request.headers.get('x-fake-signature') === SIGNATURE,
  parseWebhook: (request): ProviderEvent[] => {
    const body = JSON.parse(request.rawBody) as { from: string; id: string; text: string; at: number };
    return [
      {
        kind: 'inbound_message',
        routingKey: OUR_NUMBER,
        from: body.from,
        providerMessageId: body.id,
        timestamp: body.at,
        content: { type: 'text', text: body.text },
      },
    ];
  },
  normalizeError: (error) => new ProviderError('transient', String(error)),
};
const fakeProviderModule: ProviderModule<{ apiKey: string; number: string }> = {
  name: FAKE_PROVIDER,
  label: 'Fake WhatsApp 2',
  credentialsSchema: z.object({ apiKey: z.string(), number: z.string() }),
  secretFields: ['apiKey'],
  routing: (credentials) => ({ routingKey: credentials.number, providerAccountId: null }),
  webhook: { scope: 'platform', verifySubscription: () => null },
  senderProof: 'credentials',
  configKeys: { secrets: {}, baseUrls: {} },
  create: () => fakeAdapter,
};

// ---- the fake CRM: keeps what it is told about the messages it asked us to send ----
const statuses: CrmMessageRecord[] = [];
const fakeCrmAdapter: CrmAdapter = {
  crm: FAKE_CRM,
  recordMessage: async (record) => ({ crmMessageId: `note_${record.messageId}` }),
  async recordStatus(record) {
    statuses.push(record);
  },
  recordChange: async () => ({}),
};

const deliverySchema = z.object({
  account: z.string(),
  id: z.string(),
  contact: z.string(),
  to: z.optional(z.string()),
  text: z.string(),
  files: z.optional(z.array(z.string())),
  channel: z.optional(z.string()),
});

function authenticated(call: { headers: Headers }): void {
  if (call.headers.get('x-fake-crm-key') !== WORKFLOW_KEY)
    throw new AppError('unauthorized', 'Wrong or missing workflow key');
}
function jsonOf<S extends z.ZodMiniType>(schema: S, rawBody: string): z.output<S> {
  const parsed = z.safeParse(schema, JSON.parse(rawBody || '{}'));
  if (!parsed.success) throw new AppError('invalid_request', 'Malformed call');
  return parsed.data;
}

const fired: { targetUrl: string; payload: unknown; token: string }[] = [];
const fakeWorkflows: CrmWorkflows = {
  async readAction(_env, call, action) {
    authenticated(call);
    const body = jsonOf(
      z.object({ account: z.string(), run: z.string(), to: z.string(), text: z.string() }),
      call.rawBody,
    );
    return {
      accountId: body.account,
      request: { action, executionKey: body.run, to: body.to, text: body.text, variables: [] },
    };
  },
  answerAction: (outcome) => ({ result: outcome.status, id: outcome.messageId, why: outcome.reasonCode }),
  async readOptionsCall(_env, call) {
    authenticated(call);
    return { accountId: call.query?.account ?? '' };
  },
  async readTriggerSubscription(_env, call) {
    authenticated(call);
    const body = jsonOf(
      z.object({ account: z.string(), key: z.string(), id: z.string(), target: z.nullable(z.string()) }),
      call.rawBody,
    );
    return {
      accountId: body.account,
      triggerKey: body.key,
      externalId: body.id,
      targetUrl: body.target,
      settings: {},
    };
  },
  async fireTrigger(_env, { tokenSource }, targetUrl, payload) {
    fired.push({ targetUrl, payload, token: await tokenSource.get() });
  },
};

const fakeCrmModule: CrmModule = {
  name: FAKE_CRM,
  label: 'Fake CRM 2',
  rates: { account: { ratePerSecond: 5, burst: 5 } },
  paceKey: (installation) => `crm:${FAKE_CRM}:${installation.accountId}`,
  configKeys: { secrets: {}, baseUrls: {} },
  refreshTokens: async () => ({ accessToken: 'a2', refreshToken: 'r2', expiresAt: Date.UTC(2030, 0, 1) }),
  createAdapter: () => fakeCrmAdapter,
  deliveryUrl: {
    read(body) {
      const parsed = z.safeParse(deliverySchema, body);
      if (!parsed.success) throw new AppError('invalid_request', 'Malformed delivery');
      const d = parsed.data;
      return {
        accountId: d.account,
        crmMessageId: d.id,
        crmContactId: d.contact,
        phone: d.to,
        text: d.text,
        attachments: d.files ?? [],
        channelId: d.channel,
      };
    },
    isOurs: (_env, _installation, channelId) => channelId === 'our-channel',
  },
  workflows: fakeWorkflows,
  inbound: {
    outbound: {
      use: 'delivery',
      async verify(_env, call) {
        authenticated(call);
        return { body: JSON.parse(call.rawBody) as unknown, release: async () => {} };
      },
    },
  },
  // Not installed nor signed into in this test (test/integration/fake-vendors-flow.test.ts does both).
  install: {
    authorizeUrl: () => 'https://fake-crm-2.test/authorize',
    complete: async () => {
      throw new AppError('invalid_request', 'Fake CRM 2: no install here');
    },
  },
  session: {
    body: z.object({ crm: z.literal(FAKE_CRM) }),
    identify: async () => {
      throw new AppError('unauthorized', 'Fake CRM 2: no session here');
    },
    admit: async () => ({ role: 'agent' }),
  },
};

// The registries alone.
(PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE_PROVIDER] = fakeProviderModule as ProviderModule;
(CRM_MODULES as Record<string, CrmModule>)[FAKE_CRM] = fakeCrmModule;

const server = setupServer(); // any vendor HTTP call fails the test: the fakes make none
let t: TestPlatform;
let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let installation: Installation;

async function runJobs(): Promise<Job[]> {
  const ran: Job[] = [];
  for (let round = 0; round < 100; round++) {
    const due = t.queue.takeDue();
    if (!due.length) break;
    for (const { job, attempts } of due) {
      ran.push(job);
      const outcome = await runJob(ctx, job, attempts);
      if (outcome.kind === 'retry')
        t.queue.retry(job, attempts + (outcome.countsAsAttempt ? 1 : 0), outcome.delaySeconds);
      else if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, attempts + 1);
    }
  }
  return ran;
}

const customerWrites = (id: string, text: string) =>
  app.request(`/webhooks/${FAKE_PROVIDER}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-signature': SIGNATURE },
    body: JSON.stringify({ from: CUSTOMER, id, text, at: t.clock.now() }),
  });

const workflowCall = (path: string, body: unknown, key: string | null = WORKFLOW_KEY) =>
  app.request(`/automations/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-fake-crm-key': key } : {}) },
    body: JSON.stringify(body),
  });

const deliveryRow = (crmMessageId: string) =>
  t.db
    .prepare('SELECT state, outcome FROM crm_deliveries WHERE crm_message_id = ?')
    .bind(crmMessageId)
    .first<{ state: string; outcome: string | null }>();

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  ctx = new AppContext(t.platform);
  app = createApp({ platform: t.platform });
  const stores = await ctx.secretStores();
  installation = await stores.installations.upsert(
    {
      crm: FAKE_CRM,
      accountId: ACCOUNT,
      accountType: 'company',
      tokens: { accessToken: 'a1', refreshToken: 'r1' },
      tokenExpiresAt: t.clock.now() + 20 * 3_600_000,
      scopes: [],
    },
    t.clock.now(),
  );
  await stores.connections.create(
    {
      installationId: installation.id,
      provider: FAKE_PROVIDER,
      label: 'Fake 2',
      senderPhone: OUR_NUMBER,
      routingKey: OUR_NUMBER,
      credentials: { apiKey: 'fake-api-key-9876543210', number: OUR_NUMBER },
    },
    t.clock.now(),
  );
});

afterAll(async () => {
  delete (PROVIDER_MODULES as Record<string, ProviderModule>)[FAKE_PROVIDER];
  delete (CRM_MODULES as Record<string, CrmModule>)[FAKE_CRM];
  server.close();
  await t?.dispose();
});

describe('a fake CRM registered through the registry alone: what it asks of us', () => {
  it('subscribes to a trigger, and a customer message fires it once, with the installation token', async () => {
    const trigger = {
      account: ACCOUNT,
      key: 'wabridge_message_received',
      id: 'use-1',
      target: 'https://crm.example/fire/1',
    };
    const before = await t.dump();
    expect((await workflowCall(`${FAKE_CRM}/triggers`, trigger, 'wrong-key')).status).toBe(401);
    expect((await workflowCall(`${FAKE_CRM}/triggers`, { ...trigger, key: 'not_ours' })).status).toBe(400);
    expect(await t.dump()).toBe(before);

    const subscribed = await workflowCall(`${FAKE_CRM}/triggers`, trigger);
    expect(subscribed.status).toBe(200);
    expect(await subscribed.json()).toEqual({ success: true, subscribed: true });

    expect((await customerWrites('fake2.in.1', 'Hello, open today?')).status).toBe(200);
    // The provider redelivers it: the trigger does not fire twice.
    expect((await customerWrites('fake2.in.1', 'Hello, open today?')).status).toBe(200);
    await runJobs();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      targetUrl: trigger.target,
      token: 'a1',
      payload: { phone: CUSTOMER, text: 'Hello, open today?', businessNumber: OUR_NUMBER },
    });
  });

  it('a Delivery URL "send this" is stored once and sent inside the window; its statuses reach the CRM', async () => {
    const body = {
      account: ACCOUNT,
      id: 'crm-msg-1',
      contact: 'person-7',
      to: CUSTOMER,
      text: 'Yes, until 6 pm.',
    };
    await expect(acceptCrmDelivery(ctx, FAKE_CRM, { ...body, id: undefined })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(await acceptCrmDelivery(ctx, FAKE_CRM, { ...body, account: 'other-account' })).toEqual({
      status: 'ignored',
      reason: 'not_installed',
    });
    expect(await acceptCrmDelivery(ctx, FAKE_CRM, { ...body, channel: 'another-apps-channel' })).toEqual({
      status: 'ignored',
      reason: 'other_provider',
    });
    expect((await t.db.prepare('SELECT COUNT(*) AS n FROM crm_deliveries').first<{ n: number }>())?.n).toBe(
      0,
    );

    const postDelivery = (delivery: unknown, key = WORKFLOW_KEY) =>
      app.request(`/crm/${FAKE_CRM}/outbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-crm-key': key },
        body: JSON.stringify(delivery),
      });
    expect((await postDelivery({ ...body, channel: 'our-channel' }, 'forged')).status).toBe(401);
    const queued = await postDelivery({ ...body, channel: 'our-channel' });
    expect(queued.status).toBe(200);
    expect(await queued.json()).toEqual({ ok: true, status: 'queued' });
    expect(await acceptCrmDelivery(ctx, FAKE_CRM, body)).toEqual({ status: 'duplicate' });
    await runJobs();

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: CUSTOMER, content: { type: 'text', text: 'Yes, until 6 pm.' } });
    expect(await deliveryRow('crm-msg-1')).toEqual({ state: 'done', outcome: 'sent' });
    const row = await t.db
      .prepare("SELECT origin, send_state FROM messages WHERE crm_message_id = 'crm-msg-1'")
      .first<Record<string, unknown>>();
    expect(row).toEqual({ origin: 'crm', send_state: 'sent' });
    // The CRM wrote this message itself: it is told its status (accepted by the provider), never asked to record it.
    expect(statuses.map((s) => [s.crmMessageId, s.status])).toEqual([['crm-msg-1', 'pending']]);
  });

  it('outside the window a free text that is no template is failed back to the CRM with the reason', async () => {
    t.clock.advance(25 * 3_600_000);
    const body = {
      account: ACCOUNT,
      id: 'crm-msg-2',
      contact: 'person-7',
      to: CUSTOMER,
      text: 'Still there?',
    };
    expect(await acceptCrmDelivery(ctx, FAKE_CRM, body)).toEqual({ status: 'queued' });
    await runJobs();
    expect(sent).toHaveLength(1);
    expect(await deliveryRow('crm-msg-2')).toEqual({ state: 'done', outcome: 'failed:template_required' });
    const failed = statuses.find((s) => s.crmMessageId === 'crm-msg-2');
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'template_required' } });
  });

  it("a workflow action sends once per execution and answers in the CRM's own shape; options list the numbers", async () => {
    // The customer writes again: the window is open for the action's free text.
    expect((await customerWrites('fake2.in.2', 'Back again')).status).toBe(200);
    await runJobs();
    const action = { account: ACCOUNT, run: 'exec-1', to: CUSTOMER, text: 'Your order is ready.' };
    const before = await t.dump();
    expect((await workflowCall(`${FAKE_CRM}/actions/send-message`, action, null)).status).toBe(401);
    expect(await t.dump()).toBe(before);

    const answer = await workflowCall(`${FAKE_CRM}/actions/send-message`, action);
    expect(answer.status).toBe(200);
    const first = (await answer.json()) as { result: string; id: string };
    expect(first).toMatchObject({ result: 'queued', why: null });
    const again = await workflowCall(`${FAKE_CRM}/actions/send-message`, action);
    expect(await again.json()).toEqual(first);
    await runJobs();
    expect(sent.filter((m) => m.content.type === 'text' && m.content.text === action.text)).toHaveLength(1);
    const execution = await t.db
      .prepare('SELECT source, message_id FROM automation_executions WHERE execution_key = ?')
      .bind('exec-1')
      .first<Record<string, unknown>>();
    expect(execution).toEqual({ source: `${FAKE_CRM}_action`, message_id: first.id });

    const options = await app.request(`/automations/${FAKE_CRM}/options/numbers?account=${ACCOUNT}`, {
      headers: { 'x-fake-crm-key': WORKFLOW_KEY },
    });
    expect(await options.json()).toEqual({
      options: [{ label: `Fake 2 (${OUR_NUMBER})`, value: OUR_NUMBER }],
    });
  });

  it("a CRM without workflows, or no CRM at all, is the app's 404 before anything is read", async () => {
    for (const path of ['pipedrive/triggers', 'nocrm/triggers', 'pipedrive/actions/send-message']) {
      const response = await workflowCall(path, {});
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});

const workflowCallOf = (body: unknown, key: string | null = WORKFLOW_KEY) => ({
  rawBody: JSON.stringify(body),
  headers: new Headers(key ? { 'x-fake-crm-key': key } : {}),
});

describeCrmInboundContract(
  fakeCrmModule,
  {
    reset() {
      fired.length = 0;
      return [];
    },
    vars: () => ({}),
    accountId: () => ACCOUNT,
    deliveryUrl: {
      call: () => ({
        body: {
          account: ACCOUNT,
          id: 'crm-c-1',
          contact: 'p-1',
          to: CUSTOMER,
          text: 'Hi',
          channel: 'our-channel',
        },
        command: {
          accountId: ACCOUNT,
          crmMessageId: 'crm-c-1',
          crmContactId: 'p-1',
          phone: CUSTOMER,
          text: 'Hi',
          attachments: [],
          channelId: 'our-channel',
        },
      }),
      ourChannel: 'our-channel',
    },
    workflows: {
      actionCall: () => ({
        call: workflowCallOf({ account: ACCOUNT, run: 'exec-c', to: CUSTOMER, text: 'Ready.' }),
        executionKey: 'exec-c',
        to: CUSTOMER,
      }),
      forged: (call) => [
        { ...call, headers: new Headers() },
        { ...call, headers: new Headers({ 'x-fake-crm-key': 'not-the-key' }) },
      ],
      subscriptionCall: (key) =>
        workflowCallOf({ account: ACCOUNT, key, id: 'use-c', target: 'https://crm.example/fire/c' }),
      token: () => 'contract-token',
      firings: () => fired.filter((f) => f.token === 'contract-token').length,
    },
  },
  server,
);
