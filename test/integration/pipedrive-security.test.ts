// Issue 5 acceptance, the refusals: OAuth state, panel JWTs (expired, tampered, other company) and the
// uninstall DELETE (wrong credentials change nothing; right ones remove the company's secrets from D1).
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createPipedriveSimulator } from '../mocks/pipedrive/simulator';
import { TEST_SECRETS } from '../helpers/platform';
import {
  adminSession,
  APP_BASE,
  COMPANY_ID,
  connectProvider,
  installPipedrive,
  panelJwt,
  pipedriveSession,
  row,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld();
const CALLBACK = '/oauth/pipedrive/callback';

interface InstallationRow {
  id: string;
  status: string;
  tokens_enc: string | null;
  token_expires_at: number | null;
  updated_at: number;
}
interface ConnectionRow {
  id: string;
  status: string;
  credentials_enc: string | null;
  webhook_token_enc: string | null;
}

const installationRow = (w: World) =>
  row<InstallationRow>(
    w,
    "SELECT * FROM installations WHERE crm = 'pipedrive' AND account_id = ?",
    String(COMPANY_ID),
  );
const connectionRows = async (w: World) =>
  (await w.t.db.prepare('SELECT * FROM connections').all<ConnectionRow>()).results;

/** The consent screen's redirect back to us, without calling our callback yet. */
async function consentRedirect(w: World): Promise<URL> {
  const start = await w.app.request('/oauth/pipedrive/start');
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin + authorize.pathname).toBe('https://oauth.pipedrive.com/oauth/authorize');
  expect(authorize.searchParams.get('client_id')).toBe(TEST_SECRETS.PIPEDRIVE_CLIENT_ID);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${APP_BASE}${CALLBACK}`);
  expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
  const consent = await fetch(authorize, { redirect: 'manual' });
  return new URL(consent.headers.get('location')!);
}

function uninstall(w: World, input: { clientId?: string; clientSecret?: string; companyId?: number } = {}) {
  return w.app.request(
    w.sims.pipedrive.buildUninstallRequest({ callbackUrl: `http://localhost${CALLBACK}`, ...input }),
  );
}

describe('Pipedrive install (OAuth)', () => {
  it('stores the installation sealed: no token in clear anywhere in D1', async () => {
    const w = world.get();
    expect((await installPipedrive(w)).status).toBe(302);
    const installation = await installationRow(w);
    expect(installation?.status).toBe('active');
    expect(installation?.token_expires_at).toBe(w.t.clock.now() + 3599_000);
    const issued = [...w.sims.pipedrive.state.refreshTokens][0]!;
    const dump = JSON.stringify((await w.t.db.prepare('SELECT * FROM installations').all()).results);
    expect(dump).not.toContain(issued);
  });

  it('refuses a replayed, unknown, missing or expired state, and a declined consent, installing nothing', async () => {
    const w = world.get();
    const callback = await consentRedirect(w);
    expect((await w.app.request(callback.pathname + callback.search)).status).toBe(302);
    const replay = await w.app.request(callback.pathname + callback.search);
    expect(replay.status).toBe(401);
    expect(w.sims.pipedrive.state.counters.codeExchanges).toBe(1);

    const code = w.sims.pipedrive.issueAuthorizationCode(`${APP_BASE}${CALLBACK}`);
    expect((await w.app.request(`${CALLBACK}?code=${code}`)).status).toBe(401);
    expect((await w.app.request(`${CALLBACK}?code=${code}&state=forged-state-000000000000`)).status).toBe(
      401,
    );
    const stale = await consentRedirect(w);
    w.t.clock.advance(11 * 60_000);
    expect((await w.app.request(stale.pathname + stale.search)).status).toBe(401);
    const declined = await consentRedirect(w);
    const denied = await w.app.request(
      `${CALLBACK}?error=user_denied&state=${declined.searchParams.get('state')}`,
    );
    expect(denied.status).toBe(400);
    expect(w.sims.pipedrive.state.counters.codeExchanges).toBe(1);
  });

  it('answers a forged code with a 400 a person can act on, storing nothing', async () => {
    const w = world.get();
    const callback = await consentRedirect(w);
    const forged = new URL(callback);
    forged.searchParams.set('code', 'forged-code-000000');
    const res = await w.app.request(forged.pathname + forged.search);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/install link .* start the installation again/);
    expect(await installationRow(w)).toBeNull();
  });

  it('answers a Pipedrive token outage with crm_error and stores nothing', async () => {
    const w = world.get();
    const callback = await consentRedirect(w);
    w.sims.pipedrive.faults.add({ match: (r) => r.url.endsWith('/oauth/token'), status: 503 });
    const res = await w.app.request(callback.pathname + callback.search);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('crm_error');
    expect(await installationRow(w)).toBeNull();
  });
});

describe('Pipedrive panel JWT', () => {
  it('refuses expired, tampered, wrongly signed and unsigned tokens with 401, uninstalled companies with 403', async () => {
    const w = world.get();
    await installPipedrive(w);
    const nowS = Math.floor(w.t.clock.now() / 1000);
    const expired = await panelJwt(w, { iat: nowS - 600, exp: nowS - 300 });
    const valid = await panelJwt(w);
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    const forgedPayload = btoa(JSON.stringify({ ...claims, userId: 2 })).replace(/=+$/, '');
    const tampered = `${header}.${forgedPayload}.${signature}`;
    const wrongSecret = await panelJwt(w, {}, 'not-the-jwt-secret');
    const unsigned = `${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, '')}.${payload}.`;
    for (const token of [expired, tampered, wrongSecret, unsigned, 'not-a-jwt']) {
      const s = await pipedriveSession(w, { token });
      expect(s.status, token).toBe(401);
      expect(s.json).not.toHaveProperty('token');
    }
    const otherCompany = await pipedriveSession(w, { token: await panelJwt(w, { companyId: 999 }) });
    expect(otherCompany.status).toBe(403);
    expect((await pipedriveSession(w, { token: valid })).status).toBe(200);
  });

  it("gives another company's panel none of this company's data", async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'twilio');
    const person = w.sims.pipedrive.seedPerson({ name: 'Mari Tamm', phones: ['+37251234567'] });

    // Company B installs too; its Pipedrive is a different api_domain with persons of its own.
    const globex = createPipedriveSimulator({
      clientId: TEST_SECRETS.PIPEDRIVE_CLIENT_ID,
      clientSecret: TEST_SECRETS.PIPEDRIVE_CLIENT_SECRET,
      companyId: 777,
      apiDomain: 'https://globex.pipedrive.com',
      oauthBaseUrl: 'https://oauth.globex.invalid',
      now: w.t.clock.now,
    });
    w.server.use(...globex.handlers);
    const tokens = globex.issueTokens();
    const { installations } = await w.ctx.secretStores();
    await installations.upsert(
      {
        crm: 'pipedrive',
        accountId: '777',
        accountType: 'company',
        apiDomain: tokens.apiDomain,
        tokens,
        tokenExpiresAt: tokens.expiresAt,
        scopes: ['base', 'contacts:full'],
      },
      w.t.clock.now(),
    );
    const b = await pipedriveSession(w, {
      token: await panelJwt(w, { companyId: 777 }),
      personId: String(person.id),
    });
    expect(b.status).toBe(200);

    const acmeRequests = w.sims.pipedrive.state.counters.apiRequests;
    // The session itself already asked globex once (the panel user's locale), so count from here.
    const globexRequests = globex.state.counters.apiRequests;
    const lookup = await w.call('GET', `/api/crm/person?personId=${person.id}`, { token: b.token });
    expect(await lookup.json()).toMatchObject({ state: 'not_found', person: null });
    expect(w.sims.pipedrive.state.counters.apiRequests).toBe(acmeRequests); // acme's Pipedrive never asked
    expect(globex.state.counters.apiRequests).toBe(globexRequests + 1);

    const q = `connectionId=${number.connectionId}`;
    for (const path of [
      `/api/contacts/%2B37251234567/messages?${q}`,
      `/api/contacts/%2B37251234567/window?${q}`,
    ]) {
      expect((await w.call('GET', path, { token: b.token })).status, path).toBe(404);
    }
    const list = await w.call('GET', '/api/connections', { token: b.token });
    expect(await list.json()).toEqual({ connections: [] });
    const send = await w.call('POST', '/api/messages', {
      token: b.token,
      body: { connectionId: number.connectionId, to: '+37251234567', content: { type: 'text', text: 'hi' } },
    });
    expect(send.status).toBe(404);
    // A session token re-signed by anyone else is refused too.
    const forged = await new SignJWT({ installationId: 'ins_x', crm: 'pipedrive', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('wabridge-ui')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some-other-session-secret-000000000000'));
    expect((await w.call('GET', '/api/connections', { token: forged })).status).toBe(401);
  });
});

describe('Pipedrive uninstall (DELETE on the callback URL)', () => {
  it('with wrong or missing credentials: 401 and nothing changes', async () => {
    const w = world.get();
    await installPipedrive(w);
    await connectProvider(w, await adminSession(w), 'cm');
    const before = { installation: await installationRow(w), connections: await connectionRows(w) };
    w.t.clock.advance(1000);

    const attempts = [
      uninstall(w, { clientSecret: 'wrong-secret' }),
      uninstall(w, { clientId: 'someone-else' }),
      w.app.request(CALLBACK, {
        method: 'DELETE',
        body: JSON.stringify({ client_id: 'pd-client-id', company_id: COMPANY_ID }),
      }),
      w.app.request(CALLBACK, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${TEST_SECRETS.PIPEDRIVE_CLIENT_SECRET}` },
        body: '{}',
      }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(401);
    // Right credentials but a body for another app: refused as well.
    const req = w.sims.pipedrive.buildUninstallRequest({ callbackUrl: `http://localhost${CALLBACK}` });
    const otherApp = await w.app.request(CALLBACK, {
      method: 'DELETE',
      headers: req.headers,
      body: JSON.stringify({ client_id: 'another-app', company_id: COMPANY_ID, user_id: 1 }),
    });
    expect(otherApp.status).toBe(401);

    expect(await installationRow(w)).toEqual(before.installation);
    expect(await connectionRows(w)).toEqual(before.connections);
  });

  it("with the right credentials: the company's tokens and provider credentials are gone from D1", async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'cm');
    const [connection] = await connectionRows(w);
    expect(connection?.credentials_enc).not.toBeNull();
    expect(connection?.webhook_token_enc).not.toBeNull();

    const res = await uninstall(w);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, outcome: 'uninstalled' });

    const installation = await installationRow(w);
    expect(installation).toMatchObject({ status: 'uninstalled', tokens_enc: null, token_expires_at: null });
    for (const c of await connectionRows(w)) {
      expect(c).toMatchObject({ status: 'disabled', credentials_enc: null, webhook_token_enc: null });
    }
    // Nothing sealed is left for this company anywhere.
    const sealed = await w.t.db
      .prepare(
        `SELECT COUNT(*) AS n FROM installations i LEFT JOIN connections c ON c.installation_id = i.id
         WHERE i.id = ? AND (i.tokens_enc IS NOT NULL OR c.credentials_enc IS NOT NULL OR c.webhook_token_enc IS NOT NULL)`,
      )
      .bind(installation!.id)
      .first<{ n: number }>();
    expect(sealed?.n).toBe(0);

    // The old session, a new panel, and the CM.com webhook URL all stop working.
    expect((await w.call('GET', '/api/connections', { token: admin })).status).toBe(401);
    expect((await pipedriveSession(w, { token: await panelJwt(w) })).status).toBe(403);
    const webhook = await w.app.request(number.webhookPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    // (The webhook route answers 409 for a disabled connection today; what matters here is that nothing is stored.)
    expect(webhook.status).toBeGreaterThanOrEqual(400);
    expect(await row<{ n: number }>(w, 'SELECT COUNT(*) AS n FROM messages')).toEqual({ n: 0 });

    // A repeat is harmless; a reinstall brings the same installation back.
    expect(await (await uninstall(w)).json()).toEqual({ ok: true, outcome: 'already_uninstalled' });
    await installPipedrive(w);
    expect(await installationRow(w)).toMatchObject({ id: installation!.id, status: 'active' });
    expect((await installationRow(w))?.tokens_enc).not.toBeNull();
  });
});
