// Issue 13, what a CRM asks of us: a CRM the app has never heard of, registered through the CRM registry alone (its
// module's `deliveryUrl` and `workflows` hooks; it passes the inbound CRM contract in test/contract/fake-crm.test.ts),
// gets the same generic use cases as HighLevel over real local D1 —
// a Delivery URL "send this" stored once and sent inside the window or failed back outside it, a workflow action
// through /automations/<crm>/actions (401 and nothing stored when unauthenticated), its options, and a trigger
// subscribed through /automations/<crm>/triggers and fired once per event with the module's request.
// The Delivery URL is the module's `inbound.outbound` endpoint (use `delivery`): POST /crm/<crm>/outbound verifies it
// as the route's middleware; the refusals are also called on the service (acceptCrmDelivery) directly.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { acceptCrmDelivery } from '../../src/services/crm/crm-deliveries';
import type { Installation } from '../../src/store/installations';
import { FAKE_CRM, FAKE_WORKFLOW_KEY as WORKFLOW_KEY, fakeCrm } from '../contract/fake-crm.fixture';
import { FAKE_NUMBER as OUR_NUMBER, fakeSent as sent } from '../contract/fake-provider.fixture';
import { useFakeVendorsWorld } from '../helpers/fake-vendors-world';
import type { TestPlatform } from '../helpers/platform';

const ACCOUNT = 'fake-account-7';
const CUSTOMER = '+37255550007';
const { statuses, fired } = fakeCrm;

// The registries alone (the fakes: test/contract/fake-provider.fixture.ts, fake-crm.fixture.ts).
const world = useFakeVendorsWorld();
const { runJobs } = world;
let t: TestPlatform;
let ctx: AppContext;
let app: typeof world.app;
let installation: Installation;

const customerWrites = (id: string, text: string) =>
  world.postWebhook({ kind: 'message', from: CUSTOMER, id, text, to: OUR_NUMBER, at: t.clock.now() });

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
  ({ t, ctx, app } = world);
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
  await world.connect(installation.id, 'Fake 2');
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
