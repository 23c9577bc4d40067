// Issue 13 acceptance, flow part: a WhatsApp provider and a CRM the app has never heard of, registered through the
// two registries alone (PROVIDER_MODULES, CRM_MODULES; no app file changed), carry a whole conversation over real
// local D1: the CRM is installed through /oauth/<crm>/start and /callback, a signed inbound webhook is stored and
// recorded in the CRM, an agent signed in through POST /api/session replies through the fake provider, its delivery
// status reaches both our row and the CRM, and a signed app event uninstalls the CRM (all through CrmModule hooks).
// Storing them needs migration 0023 (no CHECK over vendor names any more) and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import {
  FAKE_CRM,
  FAKE_CRM_ACCOUNT,
  FAKE_CRM_CODE,
  fakeCrm,
  fakeEventSignature,
  fakeTicket,
} from '../contract/fake-crm.fixture';
import {
  FAKE_NUMBER as OUR_NUMBER,
  fakeSent as sent,
  type FakeWebhookBody,
} from '../contract/fake-provider.fixture';
import { useFakeVendorsWorld } from '../helpers/fake-vendors-world';
import type { TestPlatform } from '../helpers/platform';
import { callApp } from '../helpers/world';

const CUSTOMER = '+37255550001';
const notes = fakeCrm.notes;

// The registries alone (the fakes: test/contract/fake-provider.fixture.ts, fake-crm.fixture.ts).
const world = useFakeVendorsWorld();
const { runJobs, postWebhook } = world;
let t: TestPlatform;
let ctx: AppContext;
let app: typeof world.app;
let installation: Installation;
let connection: Connection;

beforeAll(async () => {
  ({ t, ctx, app } = world);
  // Installed the way a CRM installs: /oauth/<crm>/start, the CRM's consent screen, /oauth/<crm>/callback.
  const start = await app.request(`/oauth/${FAKE_CRM}/start`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('redirect_uri')).toMatch(new RegExp(`/oauth/${FAKE_CRM}/callback$`));
  const state = authorize.searchParams.get('state')!;
  const callback = await app.request(`/oauth/${FAKE_CRM}/callback?code=${FAKE_CRM_CODE}&state=${state}`);
  expect(callback.status).toBe(302);
  expect(callback.headers.get('location')).toBe(`/ui/admin?crm=${FAKE_CRM}`);
  const stores = await ctx.secretStores();
  installation = (await stores.installations.findByAccount(FAKE_CRM, FAKE_CRM_ACCOUNT))!;
  expect(installation).toMatchObject({ status: 'active', hasTokens: true, name: 'Fake Account' });
  connection = await world.connect(installation.id, 'Fake');
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
    } satisfies FakeWebhookBody;
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
    const ticket = fakeTicket(FAKE_CRM_ACCOUNT, 'agent-1', 'admin');
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
    } satisfies FakeWebhookBody;
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
    const event = JSON.stringify({ id: 'evt-1', type: 'uninstalled', account: FAKE_CRM_ACCOUNT });
    const post = (signature: string) =>
      app.request(`/crm/${FAKE_CRM}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-crm-signature': signature },
        body: event,
      });
    const before = await t.dump();
    expect((await post('forged')).status).toBe(401);
    expect(await t.dump()).toBe(before);

    const genuine = await post(fakeEventSignature(event));
    expect(genuine.status).toBe(200);
    expect(await genuine.json()).toEqual({ ok: true, outcome: 'uninstalled' });
    const { installations } = await ctx.secretStores();
    expect(await installations.get(installation.id)).toMatchObject({
      status: 'uninstalled',
      hasTokens: false,
    });
    expect((await post(fakeEventSignature(event))).status).toBe(401); // replay
    expect((await app.request(`/crm/${FAKE_CRM}/unknown`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
