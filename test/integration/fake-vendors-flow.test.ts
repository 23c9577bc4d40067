// Issue 13 acceptance, flow part: a WhatsApp provider and a CRM the app has never heard of, registered through the
// two registries alone (PROVIDER_MODULES, CRM_MODULES; no app file changed), carry a whole conversation over real
// local D1: a signed inbound webhook is stored and recorded in the CRM, an agent reply goes out through the fake
// provider, and its delivery status reaches both our row and the CRM.
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
import { ProviderError } from '../../src/core/errors';
import type { ProviderName } from '../../src/core/template';
import type { Job } from '../../src/platform/queue';
import { deadLetter, runJob } from '../../src/services/jobs';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { adminSessionToken, callApp } from '../helpers/world';

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
const fakeCrmModule: CrmModule = {
  name: FAKE_CRM,
  label: 'Fake CRM',
  rates: { account: { ratePerSecond: 5, burst: 5 } },
  paceKey: (installation) => `crm:${FAKE_CRM}:${installation.accountId}`,
  configKeys: { secrets: {}, baseUrls: {} },
  refreshTokens: async () => ({ accessToken: 'a2', refreshToken: 'r2', expiresAt: Date.UTC(2030, 0, 1) }),
  createAdapter: () => fakeCrmAdapter,
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
  const stores = await ctx.secretStores();
  installation = await stores.installations.upsert(
    {
      crm: FAKE_CRM,
      accountId: 'fake-account-1',
      accountType: 'company',
      tokens: { accessToken: 'a1', refreshToken: 'r1' },
      tokenExpiresAt: t.clock.now() + 20 * 3_600_000,
      scopes: [],
    },
    t.clock.now(),
  );
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
    const token = await adminSessionToken(t.clock.now(), installation.id, FAKE_CRM);
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
});
