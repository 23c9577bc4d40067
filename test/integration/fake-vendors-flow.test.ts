// Issue 13 acceptance, flow part: a WhatsApp provider and a CRM the app has never heard of, registered through the
// two registries alone (PROVIDER_MODULES, CRM_MODULES; no app file changed), carry a whole conversation over real
// local D1: the CRM is installed through /oauth/<crm>/start and /callback, a signed inbound webhook is stored and
// recorded in the CRM, an agent signed in through POST /api/session replies through the fake provider, its delivery
// status reaches both our row and the CRM, and a signed app event uninstalls the CRM (all through CrmModule hooks).
// Storing them needs migration 0023 (no CHECK over vendor names any more) and nothing else.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
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
import { deadLetter, runJob } from '../../src/services/jobs';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { callApp } from '../helpers/world';

const FAKE_PROVIDER = 'fakewa' as ProviderName;
const FAKE_CRM = 'fakecrm' as CrmName;
const SIGNATURE = 'fake-signature-0123456789';
const OUR_NUMBER = '+3726000000';
const CUSTOMER = '+37255550001';

// ---- the fake provider: signs with a header, sends into an array, reports inbound messages and statuses ----
const sent: Parameters<ProviderAdapter['send']>[0][] = [];
const fakeAdapter: ProviderAdapter = {
  provider: FAKE_PROVIDER,
  capabilities: { listTemplates: false, submitTemplate: false, readReceipts: false, userIdRecipients: false },
  async *listTemplates() {},
  submitTemplate: async () => ({ providerTemplateId: 'x', status: 'PENDING' }),
  send: async (message) => {
    sent.push(message);
    return { providerMessageId: `fake.out.${sent.length}`, status: 'pending' };
  },
  testCredentials: async () => {},
  verifyWebhook: async (request) => request.headers.get('x-fake-signature') === SIGNATURE,
  parseWebhook: (request): ProviderEvent[] => {
    const body = JSON.parse(request.rawBody) as
      | { kind: 'message'; from: string; id: string; text: string; to: string; at: number }
      | { kind: 'status'; id: string; status: 'sent' | 'delivered' | 'read'; to: string; at: number };
    if (body.kind === 'status')
      return [
        {
          kind: 'status',
          routingKey: body.to,
          providerMessageId: body.id,
          status: body.status,
          timestamp: body.at,
        },
      ];
    return [
      {
        kind: 'inbound_message',
        routingKey: body.to,
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
  label: 'Fake WhatsApp',
  credentialsSchema: z.object({ apiKey: z.string(), number: z.string() }),
  secretFields: ['apiKey'],
  routing: (credentials) => ({ routingKey: credentials.number, providerAccountId: null }),
  webhook: { scope: 'platform', verifySubscription: () => null },
  senderProof: 'credentials',
  configKeys: { secrets: {}, baseUrls: {} },
  create: () => fakeAdapter,
};

// ---- the fake CRM: one note per message, keyed by our message id (a retry finds it) ----
const notes = new Map<string, { id: string; direction: string; text: string; status: string }>();
const fakeCrmAdapter: CrmAdapter = {
  crm: FAKE_CRM,
  async recordMessage(record: CrmMessageRecord) {
    const existing = notes.get(record.messageId);
    if (existing) return { crmMessageId: existing.id, crmContactId: `person_${record.customerPhone}` };
    const note = {
      id: `note_${notes.size + 1}`,
      direction: record.direction,
      text: record.text,
      status: record.status,
    };
    notes.set(record.messageId, note);
    return { crmMessageId: note.id, crmContactId: `person_${record.customerPhone}` };
  },
  async recordStatus(record) {
    const note = notes.get(record.messageId);
    if (!note) throw new Error('status before message');
    note.status = record.status;
  },
  async recordChange(record) {
    return { crmMessageId: notes.get(record.messageId)!.id };
  },
};
// Install, app events and sessions through the CrmModule hooks alone: an OAuth code exchanged for a grant, a signed
// event that uninstalls, and a signed page ticket that opens a session (the fake's "SSO": `account.user.role.sig`).
const FAKE_CODE = 'fake-code-1';
const FAKE_ACCOUNT = 'fake-account-1';
const ticketSignature = (account: string, user: string, role: string) => `sig(${account}/${user}/${role})`;
const fakeCrmModule: CrmModule = {
  name: FAKE_CRM,
  label: 'Fake CRM',
  rates: { account: { ratePerSecond: 5, burst: 5 } },
  paceKey: (installation) => `crm:${FAKE_CRM}:${installation.accountId}`,
  configKeys: { secrets: {}, baseUrls: {} },
  refreshTokens: async () => ({ accessToken: 'a2', refreshToken: 'r2', expiresAt: Date.UTC(2030, 0, 1) }),
  createAdapter: () => fakeCrmAdapter,
  install: {
    authorizeUrl: (_env, { redirectUri, state }) =>
      `https://fake-crm.test/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state })}`,
    async complete(env, input, ports) {
      if (!input.state || !(await ports.consumeState(input.state))) {
        throw new AppError('unauthorized', 'Fake CRM: unknown state');
      }
      if (input.code !== FAKE_CODE) throw new AppError('invalid_request', 'Fake CRM: refused code');
      return {
        grant: {
          accountId: FAKE_ACCOUNT,
          accountType: 'company',
          name: 'Fake Account',
          tokens: { accessToken: 'a1', refreshToken: 'r1' },
          tokenExpiresAt: env.now() + 20 * 3_600_000,
          scopes: ['notes'],
        },
      };
    },
    appEvent: (_env, body) => {
      const event = body as { type: string; account: string };
      return event.type === 'uninstalled'
        ? { kind: 'uninstall', accountId: event.account }
        : { kind: 'ignore' };
    },
  },
  inbound: {
    events: {
      use: 'app_event',
      async verify(_env, call, once) {
        if (call.headers.get('x-fake-crm-signature') !== `sig(${call.rawBody})`) {
          throw new AppError('unauthorized', 'Fake CRM: bad signature');
        }
        const body = JSON.parse(call.rawBody) as { id: string };
        if (!(await once.claim(`${FAKE_CRM}:event:${body.id}`))) {
          throw new AppError('unauthorized', 'Fake CRM: replay');
        }
        return { body, release: () => once.release(`${FAKE_CRM}:event:${body.id}`) };
      },
    },
  },
  session: {
    body: z.object({ crm: z.literal(FAKE_CRM), ticket: z.string().check(z.minLength(1)) }),
    async identify(_env, body) {
      const [account = '', user = '', role = '', sig = ''] = (
        body as unknown as { ticket: string }
      ).ticket.split('.');
      if (sig !== ticketSignature(account, user, role)) {
        throw new AppError('unauthorized', 'Fake CRM: bad ticket');
      }
      return { accountId: account, userId: user, role: role === 'admin' ? 'admin' : 'agent' };
    },
    admit: async (_env, { identity }) => ({ role: identity.role ?? 'agent', locale: 'et_EE' }),
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
let connection: Connection;

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

const postWebhook = (body: unknown, signature = SIGNATURE) =>
  app.request(`/webhooks/${FAKE_PROVIDER}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-signature': signature },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  ctx = new AppContext(t.platform);
  app = createApp({ platform: t.platform });
  // Installed the way a CRM installs: /oauth/<crm>/start, the CRM's consent screen, /oauth/<crm>/callback.
  const start = await app.request(`/oauth/${FAKE_CRM}/start`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('redirect_uri')).toMatch(new RegExp(`/oauth/${FAKE_CRM}/callback$`));
  const state = authorize.searchParams.get('state')!;
  const callback = await app.request(`/oauth/${FAKE_CRM}/callback?code=${FAKE_CODE}&state=${state}`);
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe(`/ui/admin?crm=${FAKE_CRM}`);
  const stores = await ctx.secretStores();
  installation = (await stores.installations.findByAccount(FAKE_CRM, FAKE_ACCOUNT))!;
  expect(installation).toMatchObject({ status: 'active', hasTokens: true, name: 'Fake Account' });
  connection = await stores.connections.create(
    {
      installationId: installation.id,
      provider: FAKE_PROVIDER,
      label: 'Fake',
      senderPhone: OUR_NUMBER,
      routingKey: OUR_NUMBER,
      credentials: { apiKey: 'fake-api-key-0123456789', number: OUR_NUMBER },
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

describe('a fake provider and a fake CRM, registered through the registries alone', () => {
  it('inbound → stored → recorded in the CRM; a forged twin changes nothing', async () => {
    const inbound = {
      kind: 'message',
      from: CUSTOMER,
      id: 'fake.in.1',
      text: 'Tere, kas pood on lahti?',
      to: OUR_NUMBER,
      at: t.clock.now(),
    };
    const before = await t.dump();
    expect((await postWebhook(inbound, 'forged')).status).toBe(401);
    expect(await t.dump()).toBe(before);

    const response = await postWebhook(inbound);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, stored: 1 });
    await runJobs();

    const row = await t.db
      .prepare(
        `SELECT m.id, m.direction, m.crm_sync, m.crm_message_id, c.phone, c.crm_contact_id
           FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.provider_message_id = 'fake.in.1'`,
      )
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      direction: 'inbound',
      crm_sync: 'done',
      crm_message_id: 'note_1',
      phone: CUSTOMER,
      crm_contact_id: `person_${CUSTOMER}`,
    });
    expect(notes.get(row!.id as string)).toMatchObject({ direction: 'inbound', text: inbound.text });

    // The provider redelivers the same webhook: still one message, one note.
    expect((await postWebhook(inbound)).status).toBe(200);
    await runJobs();
    expect((await t.db.prepare('SELECT COUNT(*) AS n FROM messages').first<{ n: number }>())?.n).toBe(1);
    expect(notes.size).toBe(1);
  });

  it('an agent reply goes out through the fake provider, and its delivery status reaches our row and the CRM', async () => {
    // The page's session comes from the fake CRM's signed ticket (POST /api/session), like an SSO payload.
    const ticket = `${FAKE_ACCOUNT}.agent-1.admin.${ticketSignature(FAKE_ACCOUNT, 'agent-1', 'admin')}`;
    const opened = await callApp(app, 'POST', '/api/session', { body: { crm: FAKE_CRM, ticket } });
    expect(opened.status).toBe(200);
    const { token, ...session } = (await opened.json()) as { token: string; role: string; crm: string };
    expect(session).toMatchObject({ role: 'admin', crm: FAKE_CRM, language: 'et' });
    const reply = await callApp(app, 'POST', '/api/messages', {
      token,
      body: { connectionId: connection.id, to: CUSTOMER, content: { type: 'text', text: 'Jah, kuni 18ni.' } },
    });
    expect(reply.status).toBe(202);
    const { message } = (await reply.json()) as { message: { id: string } };
    await runJobs();

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: CUSTOMER, content: { type: 'text', text: 'Jah, kuni 18ni.' } });
    const outbound = await t.db
      .prepare('SELECT provider_message_id, send_state, status, crm_sync FROM messages WHERE id = ?')
      .bind(message.id)
      .first<Record<string, unknown>>();
    expect(outbound).toMatchObject({ provider_message_id: 'fake.out.1', send_state: 'sent' });
    expect(notes.get(message.id)).toMatchObject({ direction: 'outbound', text: 'Jah, kuni 18ni.' });

    t.clock.advance(2_000);
    const status = {
      kind: 'status',
      id: 'fake.out.1',
      status: 'delivered',
      to: OUR_NUMBER,
      at: t.clock.now(),
    };
    expect((await postWebhook(status)).status).toBe(200);
    await runJobs();
    const delivered = await t.db
      .prepare('SELECT status, crm_sync FROM messages WHERE id = ?')
      .bind(message.id)
      .first<Record<string, unknown>>();
    expect(delivered).toEqual({ status: 'delivered', crm_sync: 'done' });
    expect(notes.get(message.id)?.status).toBe('delivered');
    expect(sent).toHaveLength(1); // nothing was sent twice
  });
  it('an uninstall app event, verified by the fake CRM, uninstalls it; forged and replayed twins change nothing', async () => {
    const event = JSON.stringify({ id: 'evt-1', type: 'uninstalled', account: FAKE_ACCOUNT });
    const post = (signature: string) =>
      app.request(`/crm/${FAKE_CRM}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-crm-signature': signature },
        body: event,
      });
    const before = await t.dump();
    expect((await post('forged')).status).toBe(401);
    expect(await t.dump()).toBe(before);

    const genuine = await post(`sig(${event})`);
    expect(genuine.status).toBe(200);
    expect(await genuine.json()).toEqual({ ok: true, outcome: 'uninstalled' });
    const { installations } = await ctx.secretStores();
    expect(await installations.get(installation.id)).toMatchObject({
      status: 'uninstalled',
      hasTokens: false,
    });
    expect((await post(`sig(${event})`)).status).toBe(401); // replay
    expect((await app.request(`/crm/${FAKE_CRM}/unknown`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
