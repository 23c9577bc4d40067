// Everything HighLevel sends us is authenticated before anything is stored (DESIGN.md §6): forged, tampered, stale
// or replayed INSTALL/UNINSTALL events and Delivery URL calls get 401 and change nothing; OAuth state is single-use.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHighLevelSigner } from '../mocks/highlevel';
import {
  adminToken,
  APP_BASE,
  connectProvider,
  countRows,
  createWorld,
  installationOf,
  installHighLevel,
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

const MINUTE = 60_000;
const hl = () => w.sims.highlevel;

/** Rows that any accepted call would write. */
async function footprint() {
  return {
    installations: await countRows(w, 'installations'),
    events: await countRows(w, 'processed_events'),
    deliveries: await countRows(w, 'crm_deliveries'),
    messages: await countRows(w, 'messages'),
    queued: w.t.queue.pending.length,
  };
}

async function installed() {
  expect((await installHighLevel(w)).status).toBe(302);
  const installation = (await installationOf(w))!;
  await connectProvider(w, await adminToken(w, installation.id), 'meta');
  return installation;
}

describe('OAuth install', () => {
  it('redirects to the configured chooser with our client, scopes, redirect URI and a fresh state (no PKCE)', async () => {
    const res = await w.app.request('/oauth/highlevel/start');
    const url = new URL(res.headers.get('location')!);
    expect(url.origin + url.pathname).toBe('https://marketplace.gohighlevel.com/oauth/chooselocation');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'ghl-client-id',
      redirect_uri: `${APP_BASE}/oauth/highlevel/callback`,
      scope: expect.stringContaining('conversations/message.write'),
      state: expect.stringMatching(/^[\w-]{20,}$/),
    });
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['contacts.write', 'conversations.write', 'oauth.write']),
    );
  });

  it('refuses an unknown or reused state before exchanging the code', async () => {
    const start = await w.app.request('/oauth/highlevel/start');
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location')!);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-a-state-we-issued');
    const bad = await w.app.request(forged.pathname + forged.search);
    expect(bad.status).toBe(401);
    expect(hl().state.tokenRequests).toEqual([]);
    expect(await installationOf(w)).toBeNull();

    expect((await w.app.request(callback.pathname + callback.search)).status).toBe(302);
    const replay = await w.app.request(callback.pathname + callback.search);
    expect(replay.status).toBe(401);
    expect(hl().state.tokenRequests).toHaveLength(1);
  });

  it('accepts a marketplace-initiated install that comes back without state', async () => {
    const code = hl().state.issueCode({ redirectUri: `${APP_BASE}/oauth/highlevel/callback` });
    const res = await w.app.request(`/oauth/highlevel/callback?code=${code}`);
    expect(res.status).toBe(302);
    expect(await installationOf(w)).toMatchObject({ status: 'active', accountType: 'location' });
  });

  it('answers a forged or reused code with a 400 a person can act on; a HighLevel outage stays 502', async () => {
    const start = await w.app.request('/oauth/highlevel/start');
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    for (const query of [`code=forged-code-0000&state=${state}`, 'code=forged-code-0001']) {
      const res = await w.app.request(`/oauth/highlevel/callback?${query}`);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/install link .* start the install again/);
    }
    expect(await installationOf(w)).toBeNull();

    const code = hl().state.issueCode({ redirectUri: `${APP_BASE}/oauth/highlevel/callback` });
    hl().faults.add({ match: (r) => r.url.endsWith('/oauth/token'), status: 503 });
    const outage = await w.app.request(`/oauth/highlevel/callback?code=${code}`);
    expect(outage.status).toBe(502);
    expect(await installationOf(w)).toBeNull();
  });

  it('reports a denied consent as a 400 without touching the token endpoint', async () => {
    const res = await w.app.request('/oauth/highlevel/callback?error=access_denied');
    expect(res.status).toBe(400);
    expect(hl().state.tokenRequests).toEqual([]);
  });
});

describe('INSTALL / UNINSTALL events', () => {
  it('refuses forged, tampered, unsigned and stale events with 401, storing nothing', async () => {
    const installation = await installed();
    const before = await footprint();
    const stranger = createHighLevelSigner().signEvent(hl().buildUninstallEvent().payload);
    const genuine = hl().buildUninstallEvent();
    const tampered = { ...genuine, body: genuine.body.replace('UNINSTALL', 'UNINSTALL ') };
    const unsigned = { ...genuine, headers: { 'content-type': 'application/json' } };
    const stale = hl().buildUninstallEvent({
      timestamp: new Date(w.t.clock.now() - 10 * MINUTE).toISOString(),
    });
    for (const event of [stranger, tampered, unsigned, stale]) {
      const res = await w.post('/crm/highlevel/events', event);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(await footprint()).toEqual(before);
    expect((await installationOf(w))!.status).toBe('active');
    expect(installation.hasTokens).toBe(true);
  });

  it('uninstalls on a genuine UNINSTALL (tokens and credentials deleted) and refuses its replay', async () => {
    const installation = await installed();
    const event = hl().buildUninstallEvent();
    const res = await w.post('/crm/highlevel/events', event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, outcome: 'uninstalled' });
    const row = await w.t.db
      .prepare('SELECT status, tokens_enc FROM installations WHERE id = ?')
      .bind(installation.id)
      .first<{ status: string; tokens_enc: string | null }>();
    expect(row).toEqual({ status: 'uninstalled', tokens_enc: null });
    const creds = await w.t.db
      .prepare(
        'SELECT COUNT(*) AS n FROM connections WHERE installation_id = ? AND credentials_enc IS NOT NULL',
      )
      .bind(installation.id)
      .first<{ n: number }>();
    expect(creds!.n).toBe(0);

    const before = await footprint();
    expect((await w.post('/crm/highlevel/events', event)).status).toBe(401);
    expect(await footprint()).toEqual(before);

    // After uninstall a delivery for the location is acknowledged and dropped: nothing stored, nothing sent.
    const delivery = hl().buildOutboundDelivery({ phone: '+3725550101', message: 'hello?' });
    const ack = await w.post('/crm/highlevel/outbound', delivery);
    expect(await ack.json()).toEqual({ ok: true, status: 'ignored', reason: 'not_installed' });
    expect(await countRows(w, 'crm_deliveries')).toBe(0);
  });

  it('gives the single-use claim back when a verified event cannot be acted on, so the retry is not a replay', async () => {
    await installed();
    const before = await footprint();
    // Genuinely signed, fresh, with a webhookId, but not an event we can read: the verify middleware claims it, the
    // handler fails, and the claim is released.
    const { payload } = hl().buildUninstallEvent();
    const unreadable = hl().signEvent({ ...(payload as object), type: 'INSTALL', appId: 42 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await w.post('/crm/highlevel/events', unreadable);
      expect(res.status).toBe(400);
      expect(await footprint()).toEqual(before);
    }
    expect((await installationOf(w))!.status).toBe('active');
  });

  it("ignores a genuinely signed INSTALL/UNINSTALL naming another app's appId: our installation keeps its tokens", async () => {
    const installation = await installed();
    for (const event of [
      hl().buildUninstallEvent({ appId: 'anotherAppsId0000001' }),
      hl().buildUninstallEvent({ appId: 'anotherAppsId0000001', companyId: hl().state.config.companyId }),
      hl().buildInstallEvent({ appId: 'anotherAppsId0000001' }),
    ]) {
      const res = await w.post('/crm/highlevel/events', event);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, outcome: 'ignored' });
    }
    const row = await installationOf(w);
    expect(row).toMatchObject({ id: installation.id, status: 'active', hasTokens: true });
    const creds = await w.t.db
      .prepare('SELECT COUNT(*) AS n FROM connections WHERE installation_id = ? AND credentials_enc IS NULL')
      .bind(installation.id)
      .first<{ n: number }>();
    expect(creds!.n).toBe(0);
  });

  it('changes nothing while HIGHLEVEL_APP_ID is not configured (fail closed)', async () => {
    await installed();
    w.t.platform.config = { ...w.t.platform.config, HIGHLEVEL_APP_ID: undefined };
    const res = await w.post('/crm/highlevel/events', hl().buildUninstallEvent());
    expect(await res.json()).toEqual({ ok: true, outcome: 'ignored' });
    expect((await installationOf(w))!.status).toBe('active');
  });

  it('acknowledges a location INSTALL that arrives before its OAuth callback without storing an install', async () => {
    const res = await w.post('/crm/highlevel/events', hl().buildInstallEvent());
    expect(await res.json()).toEqual({ ok: true, outcome: 'awaiting_oauth' });
    expect(await countRows(w, 'installations')).toBe(0);
  });
});

describe('Delivery URL', () => {
  it('refuses forged, tampered, unsigned, stale and replayed deliveries with 401, storing and sending nothing', async () => {
    await installed();
    const before = await footprint();
    const genuine = hl().buildOutboundDelivery({ phone: '+3725550101', message: 'Hello from HighLevel' });
    const stranger = createHighLevelSigner().signEvent(genuine.payload);
    const tampered = { ...genuine, body: genuine.body.replace('Hello', 'Hullo') };
    const unsigned = { ...genuine, headers: { 'content-type': 'application/json' } };
    const stale = hl().signEvent({
      ...genuine.payload,
      timestamp: new Date(w.t.clock.now() - 10 * MINUTE).toISOString(),
    });
    for (const delivery of [stranger, tampered, unsigned, stale]) {
      expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(401);
    }
    // A body that carries a webhookId is single-use: the replay is refused even though the signature is valid.
    const withId = hl().signEvent({ ...genuine.payload, messageId: 'msgWithWebhookId01', webhookId: 'wh-1' });
    const beforeReplay = await footprint();
    expect((await w.post('/crm/highlevel/outbound', withId)).status).toBe(200);
    expect((await w.post('/crm/highlevel/outbound', withId)).status).toBe(401);
    const after = await footprint();
    expect(after.deliveries).toBe(beforeReplay.deliveries + 1);
    expect(before.deliveries).toBe(beforeReplay.deliveries);
    expect(sentCount(w, 'meta')).toBe(0);
  });

  it('acknowledges a duplicate messageId without storing or sending it twice', async () => {
    await installed();
    const delivery = hl().buildOutboundDelivery({ phone: '+3725550101', message: 'Hello' });
    expect(await (await w.post('/crm/highlevel/outbound', delivery)).json()).toEqual({
      ok: true,
      status: 'queued',
    });
    expect(await (await w.post('/crm/highlevel/outbound', delivery)).json()).toEqual({
      ok: true,
      status: 'duplicate',
    });
    expect(await countRows(w, 'crm_deliveries')).toBe(1);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_outbound')).toHaveLength(1);
  });

  it("acknowledges and drops a signed delivery written for another app's conversation provider", async () => {
    await installed();
    const before = await footprint();
    const genuine = hl().buildOutboundDelivery({ phone: '+3725550101', message: 'Meant for another app' });
    const foreign = hl().signEvent({ ...genuine.payload, conversationProviderId: 'someoneElsesProvider' });
    const res = await w.post('/crm/highlevel/outbound', foreign);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, status: 'ignored', reason: 'other_provider' });
    await w.settle();
    expect(await footprint()).toMatchObject({ deliveries: before.deliveries, messages: before.messages });
    expect(sentCount(w, 'meta')).toBe(0);

    // Naming our provider is accepted as before.
    const ours = hl().signEvent({
      ...genuine.payload,
      messageId: 'msgOurs0001',
      conversationProviderId: 'wabridgeProvider0001',
    });
    expect(await (await w.post('/crm/highlevel/outbound', ours)).json()).toEqual({
      ok: true,
      status: 'queued',
    });
  });

  it('answers 400 to a signed body that is not a delivery, storing nothing', async () => {
    await installed();
    const before = await footprint();
    const res = await w.post('/crm/highlevel/outbound', hl().signEvent({ locationId: 'x' }));
    expect(res.status).toBe(400);
    expect(await footprint()).toEqual(before);
  });
});
