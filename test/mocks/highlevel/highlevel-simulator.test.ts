// The simulator behaves like HighLevel where it matters to us: tokens, rotation, versions, signed events.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  parseHighLevelAppEvent,
  parseHighLevelOutboundDelivery,
} from '../../../adapters/crm/highlevel/highlevel-api';
import { verifyHighLevelWebhook } from '../../../adapters/crm/highlevel/verify-highlevel-signature';
import { decryptHighLevelSso } from '../../../adapters/crm/highlevel/decrypt-sso';
import { attachSpecValidation } from '../../spec/msw-validation';
import { createHighLevelSimulator, toHighLevelRequest } from './index';
import { assertHighLevelSpecClean } from './spec-check';

const API = 'https://services.leadconnectorhq.com';
const NOW = Date.UTC(2026, 1, 1);
const sim = createHighLevelSimulator({ clientId: 'cid', clientSecret: 'csecret', now: () => NOW });
const server = setupServer(...sim.handlers);
const spec = attachSpecValidation(server, { vendorBases: [{ baseUrl: API, spec: 'highlevel' }] });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => assertHighLevelSpecClean(spec));
afterAll(() => server.close());

const form = (o: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o).toString(),
});

describe('OAuth', () => {
  it('the consent stand-in redirects back with a code (and state) that exchanges exactly once', async () => {
    const redirect = 'https://app.example/oauth/highlevel/callback';
    const res = await fetch(
      `https://marketplace.gohighlevel.com/oauth/chooselocation?response_type=code&client_id=cid&redirect_uri=${encodeURIComponent(redirect)}&scope=contacts.write%20conversations.write&state=st1`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('st1');
    const code = location.searchParams.get('code')!;
    const body = {
      client_id: 'cid',
      client_secret: 'csecret',
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      user_type: 'Location',
    };
    const first = await fetch(`${API}/oauth/token`, form(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86399,
      userType: 'Location',
      scope: 'contacts.write conversations.write',
    });
    const second = await fetch(`${API}/oauth/token`, form(body));
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a refresh token works once; the second use is 400 invalid_grant', async () => {
    const seed = sim.seedTokens();
    const body = {
      client_id: 'cid',
      client_secret: 'csecret',
      grant_type: 'refresh_token',
      refresh_token: seed.refreshToken,
      user_type: 'Location',
    };
    expect((await fetch(`${API}/oauth/token`, form(body))).status).toBe(200);
    const again = await fetch(`${API}/oauth/token`, form(body));
    expect(again.status).toBe(400);
    expect(sim.state.tokenRequests.at(-1)).toMatchObject({
      grantType: 'refresh_token',
      userType: 'Location',
      ok: false,
      error: 'invalid_grant',
    });
  });

  it('expired or unknown access tokens get 401; a wrong Version header 400', async () => {
    const seed = sim.seedTokens();
    const call = (token: string, version = '2021-07-28') =>
      fetch(`${API}/contacts/upsert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, version, 'content-type': 'application/json' },
        body: JSON.stringify({ locationId: sim.state.config.locationId, phone: '+15550009999' }),
      });
    expect((await call(seed.accessToken)).status).toBe(200);
    expect((await call(seed.accessToken, '2021-04-15')).status).toBe(400);
    sim.state.expireAccessToken(seed.accessToken);
    expect((await call(seed.accessToken)).status).toBe(401);
    expect((await call('nope')).status).toBe(401);
  });

  it('/oauth/locationToken needs a Company token', async () => {
    const location = sim.seedTokens('Location');
    const res = await fetch(`${API}/oauth/locationToken`, {
      ...form({ companyId: sim.state.config.companyId, locationId: 'L' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${location.accessToken}`,
        version: '2021-07-28',
      },
    });
    expect(res.status).toBe(401);
  });
});

describe('events HighLevel sends to us', () => {
  it('INSTALL / UNINSTALL are signed with the simulator key and carry the replay fields', async () => {
    const install = sim.buildInstallEvent();
    const v = await verifyHighLevelWebhook({
      rawBody: install.body,
      headers: install.headers,
      ed25519PublicKey: sim.publicKeyPem,
      now: NOW,
    });
    expect(v.webhookId).toBe(install.payload.webhookId);
    expect(parseHighLevelAppEvent(v.body)).toMatchObject({
      kind: 'install',
      level: 'location',
      locationId: sim.state.config.locationId,
      companyId: sim.state.config.companyId,
    });
    const agency = sim.buildInstallEvent({ locationId: undefined });
    expect(parseHighLevelAppEvent(agency.payload)).toMatchObject({ kind: 'install', level: 'agency' });
    const uninstall = sim.buildUninstallEvent();
    const req = toHighLevelRequest('https://app.example/crm/highlevel/events', uninstall);
    const u = await verifyHighLevelWebhook({
      rawBody: await req.text(),
      headers: req.headers,
      ed25519PublicKey: sim.publicKeySpkiBase64,
      now: NOW,
    });
    expect(parseHighLevelAppEvent(u.body)).toMatchObject({ kind: 'uninstall', level: 'location' });
  });

  it('the Delivery URL payload is signed, parseable, and its message accepts status updates', async () => {
    const d = sim.buildOutboundDelivery({
      phone: '+37255512345',
      message: 'Hi from HighLevel',
      attachments: ['https://x/y.png'],
    });
    const v = await verifyHighLevelWebhook({
      rawBody: d.body,
      headers: d.headers,
      ed25519PublicKey: sim.publicKeyPem,
      now: NOW,
    });
    expect(parseHighLevelOutboundDelivery(v.body)).toMatchObject({
      messageId: d.payload.messageId,
      phone: '+37255512345',
      text: 'Hi from HighLevel',
      providerType: 'SMS',
    });
    const token = sim.seedTokens().accessToken;
    const res = await fetch(`${API}/conversations/messages/${d.payload.messageId}/status`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        version: '2021-04-15',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: 'delivered' }),
    });
    expect(res.status).toBe(200);
    expect(sim.state.messages.get(d.payload.messageId)!.status).toBe('delivered');
  });

  it('SSO payloads decrypt with the shared secret', async () => {
    const data = { userId: 'u', companyId: 'c', role: 'admin', type: 'location', activeLocation: 'L' };
    expect(await decryptHighLevelSso(sim.encryptSsoPayload(data, 'shh'), 'shh')).toMatchObject(data);
  });
});
