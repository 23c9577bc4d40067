// Issue 17 finding 2 (HighLevel): UNINSTALL disables, a reinstall of the same location re-attaches its installation
// and numbers; until the number is reconnected an agent's reply fails back to HighLevel at once with the reason
// (409 connection_disabled in our API); reconnecting updates the same row and the thread goes on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/index';
import {
  adminToken,
  connectProvider,
  countRows,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  APP_BASE,
  SENDER,
  sentCount,
  useHighLevelServer,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => w.t.dispose());

const CUSTOMER = '+3725550101';
type Json = Record<string, unknown>;

function credentialsOf(provider: ProviderName): Json {
  return {
    meta: {
      accessToken: w.sims.meta.config.accessToken,
      wabaId: w.sims.meta.config.wabaId,
      phoneNumberId: w.sims.meta.config.phoneNumberId,
    },
    twilio: { accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, from: SENDER.twilio },
    cm: { productToken: CM_SIM_PRODUCT_TOKEN, from: SENDER.cm },
  }[provider];
}

async function agentReplies(text: string): Promise<string> {
  const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: CUSTOMER, message: text });
  const res = await w.post('/crm/highlevel/outbound', delivery);
  expect(await res.json()).toEqual({ ok: true, status: 'queued' });
  return delivery.payload.messageId;
}

describe.each<ProviderName>(['meta', 'twilio', 'cm'])('HighLevel reinstall on %s', (provider) => {
  it('fails replies back with connection_disabled until the number is reconnected in place', async () => {
    expect((await installHighLevel(w)).status).toBe(302);
    const installation = (await installationOf(w))!;
    const number = await connectProvider(w, await adminToken(w, installation.id), provider);
    await customerWrites(w, number, CUSTOMER, 'Where is my parcel?');
    await w.settle();

    const uninstalled = await w.post('/crm/highlevel/events', w.sims.highlevel.buildUninstallEvent());
    expect(await uninstalled.json()).toEqual({ ok: true, outcome: 'uninstalled' });
    w.t.clock.advance(60_000);
    expect((await installHighLevel(w)).status).toBe(302);
    expect(await installationOf(w)).toMatchObject({ id: installation.id, status: 'active' });
    const admin = await adminToken(w, installation.id);

    // The agent replies in HighLevel before the number is reconnected: failed there with the reason, nothing sent.
    const before = sentCount(w, provider);
    const refused = await agentReplies('It left today.');
    await w.settle();
    expect(sentCount(w, provider)).toBe(before);
    const failed = w.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === refused);
    expect(failed).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({
          code: 'connection_disabled',
          message: expect.stringContaining('disabled'),
        }),
      }),
    ]);
    // Our own API says the same at once.
    const api = await w.call('POST', '/api/messages', {
      token: admin,
      body: { connectionId: number.connectionId, to: CUSTOMER, content: { type: 'text', text: 'Hi' } },
    });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('connection_disabled');

    // Reconnect: the same row, active again; the thread (inbound + the refused reply) is still there.
    const again = await w.call('POST', '/api/connections', {
      token: admin,
      body: { label: 'again', senderPhone: SENDER[provider], provider, credentials: credentialsOf(provider) },
    });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { connection: Json }).connection).toMatchObject({
      id: number.connectionId,
      status: 'active',
    });
    expect(await countRows(w, 'connections')).toBe(1);
    const sent = await agentReplies('It left today.');
    await w.settle();
    expect(sentCount(w, provider)).toBe(before + 1);
    expect(w.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === sent)[0]).toMatchObject({
      status: 'pending',
    });
    const thread = await w.t.db
      .prepare('SELECT direction, send_state FROM messages WHERE connection_id = ?')
      .bind(number.connectionId)
      .all<{ direction: string; send_state: string | null }>();
    expect(thread.results.map((m) => `${m.direction}:${m.send_state}`).sort()).toEqual([
      'inbound:null',
      'outbound:failed',
      'outbound:sent',
    ]);
  });
});

describe('HighLevel agency reinstall', () => {
  it('an agency uninstall and reinstall brings its location back with the same number row, reconnected in place', async () => {
    const hls = () => w.sims.highlevel.state;
    const agencyInstall = async () => {
      const code = hls().issueCode({
        userType: 'Company',
        redirectUri: `${APP_BASE}/oauth/highlevel/callback`,
      });
      expect((await w.app.request(`/oauth/highlevel/callback?code=${code}`)).status).toBe(302);
    };
    await agencyInstall();
    const location = (await installationOf(w))!;
    const number = await connectProvider(w, await adminToken(w, location.id), 'meta');
    await customerWrites(w, number, CUSTOMER, 'Hello agency');
    await w.settle();

    const uninstall = w.sims.highlevel.buildUninstallEvent({ companyId: hls().config.companyId });
    expect(await (await w.post('/crm/highlevel/events', uninstall)).json()).toMatchObject({
      outcome: 'uninstalled',
    });
    await agencyInstall();
    expect(await installationOf(w)).toMatchObject({ id: location.id, status: 'active', hasTokens: true });
    const admin = await adminToken(w, location.id);
    const again = await w.call('POST', '/api/connections', {
      token: admin,
      body: {
        label: 'again',
        senderPhone: SENDER.meta,
        provider: 'meta',
        credentials: credentialsOf('meta'),
      },
    });
    expect(((await again.json()) as { connection: Json }).connection).toMatchObject({
      id: number.connectionId,
      status: 'active',
    });
    await customerWrites(w, number, CUSTOMER, 'Back again');
    await w.settle();
    expect([...hls().messages.values()].map((m) => m.message)).toEqual(['Hello agency', 'Back again']);
  });
});
