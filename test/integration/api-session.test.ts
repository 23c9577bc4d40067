// POST /api/session and the bearer it hands out (issue 6 item 1): HighLevel SSO payloads and Pipedrive panel
// JWTs are verified; forged ones answer 401, an account without the app 403; the session is checked on every call.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { AppContext } from '../../src/context';
import { createSessionToken } from '../../src/security/session';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { seedInstallation, type Seeded } from '../helpers/seed';
import { encryptSsoPayload } from '../mocks/highlevel/highlevel-events';
import { setupServer } from 'msw/node';
import { createPipedriveSimulator } from '../mocks/pipedrive/simulator';

let t: TestPlatform;
let hl: Seeded;
let pd: Seeded;
let app: ReturnType<typeof createApp>;
// The settings page's admin check asks Pipedrive who the user is (the panel JWT does not say).
const pipedrive = createPipedriveSimulator({
  clientId: TEST_SECRETS.PIPEDRIVE_CLIENT_ID,
  clientSecret: TEST_SECRETS.PIPEDRIVE_CLIENT_SECRET,
  companyId: 2222,
  userId: 7,
});
const server = setupServer(...pipedrive.handlers);

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  hl = await seedInstallation(t.platform, { crm: 'highlevel', accountId: 'loc-1111' });
  pd = await seedInstallation(t.platform, { crm: 'pipedrive', accountId: '2222' });
  app = createApp({ platform: t.platform });
  // The seeded installation's access token, known to the simulator.
  pipedrive.state.accessTokens.set('crm-access-2222', {
    token: 'crm-access-2222',
    expiresAt: Date.now() + 3_600_000,
    refreshToken: 'crm-refresh-2222',
  });
  pipedrive.state.refreshTokens.add('crm-refresh-2222');
  pipedrive.state.users.set(8, { name: 'Agent', admin: false });
});
afterAll(async () => {
  server.close();
  await t.dispose();
});

const countRows = async (table: string) =>
  (await t.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

const post = (body: unknown) =>
  app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBeTruthy();
  return body.error;
}

const user = (overrides: Record<string, unknown> = {}) => ({
  userId: 'u-1',
  companyId: 'company-1',
  role: 'admin',
  type: 'agency',
  activeLocation: 'loc-1111',
  ...overrides,
});

const pipedriveJwt = (secret: string, claims: Record<string, unknown> = {}, expiresIn = 300) =>
  new SignJWT({ userId: 7, companyId: 2222, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(Math.floor(t.clock.now() / 1000))
    .setExpirationTime(Math.floor(t.clock.now() / 1000) + expiresIn)
    .sign(new TextEncoder().encode(secret));

describe('HighLevel SSO', () => {
  it('exchanges a genuine payload for an installation-scoped bearer with the user role', async () => {
    const res = await post({
      crm: 'highlevel',
      ssoPayload: encryptSsoPayload(user(), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET),
    });
    expect(res.status).toBe(200);
    const session = (await res.json()) as { token: string; role: string; crm: string; expiresAt: number };
    expect(session).toMatchObject({ role: 'admin', crm: 'highlevel' });
    expect(session.expiresAt).toBe(t.clock.now() + 30 * 60_000);
    const list = await app.request('/api/connections', {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(list.status).toBe(200);
    const { connections } = (await list.json()) as { connections: { id: string }[] };
    expect(connections.map((c) => c.id).sort()).toEqual(
      Object.values(hl.connections)
        .map((c) => c.id)
        .sort(),
    );

    const agent = await post({
      crm: 'highlevel',
      ssoPayload: encryptSsoPayload(user({ role: 'user' }), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET),
    });
    expect(((await agent.json()) as { role: string }).role).toBe('agent');
  });

  it('answers 401 to a payload encrypted under another secret, tampered, not CryptoJS, or without a user', async () => {
    const forged = encryptSsoPayload(user(), 'not-the-shared-secret');
    await expectError(await post({ crm: 'highlevel', ssoPayload: forged }), 401, 'unauthorized');
    const genuine = encryptSsoPayload(user(), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET);
    const tampered = genuine.slice(0, 20) + (genuine[20] === 'A' ? 'B' : 'A') + genuine.slice(21);
    await expectError(await post({ crm: 'highlevel', ssoPayload: tampered }), 401, 'unauthorized');
    await expectError(
      await post({ crm: 'highlevel', ssoPayload: btoa('{"userId":"u"}') }),
      401,
      'unauthorized',
    );
    const noUser = encryptSsoPayload({ hello: 'world' }, TEST_SECRETS.HIGHLEVEL_SHARED_SECRET);
    await expectError(await post({ crm: 'highlevel', ssoPayload: noUser }), 401, 'unauthorized');
  });

  it('answers 403 for a location that has not installed the app', async () => {
    const other = encryptSsoPayload(
      user({ activeLocation: 'loc-unknown', companyId: 'company-unknown' }),
      TEST_SECRETS.HIGHLEVEL_SHARED_SECRET,
    );
    await expectError(await post({ crm: 'highlevel', ssoPayload: other }), 403, 'forbidden');
  });
});

describe('HighLevel SSO replay and scope (#17 items 8, 10)', () => {
  const sso = (overrides: Record<string, unknown> = {}) =>
    encryptSsoPayload(user(overrides), TEST_SECRETS.HIGHLEVEL_SHARED_SECRET);

  it('honours a payload only within 10 minutes of its first use, and never past its first session', async () => {
    const payload = sso({ userId: 'u-replay' });
    const first = await post({ crm: 'highlevel', ssoPayload: payload });
    expect(first.status).toBe(200);
    const firstSession = (await first.json()) as { expiresAt: number };
    expect(firstSession.expiresAt).toBe(t.clock.now() + 30 * 60_000);

    // A reload that hands the same ciphertext back a minute later: accepted, same end, not extended.
    t.clock.advance(60_000);
    const again = await post({ crm: 'highlevel', ssoPayload: payload });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { expiresAt: number }).expiresAt).toBe(firstSession.expiresAt);

    // Captured and replayed later: refused, whatever the attacker waits for.
    for (const wait of [10 * 60_000, 12 * 3_600_000, 30 * 24 * 3_600_000]) {
      t.clock.advance(wait);
      const error = await expectError(
        await post({ crm: 'highlevel', ssoPayload: payload }),
        401,
        'unauthorized',
      );
      expect(error.message).toMatch(/reopen the page from HighLevel/);
    }
    // A fresh encryption of the same user (what HighLevel hands a reloaded page) still works.
    expect((await post({ crm: 'highlevel', ssoPayload: sso({ userId: 'u-replay' }) })).status).toBe(200);
  });

  it('never gives a location user the agency install: 403 without the location install, company install only without a location', async () => {
    const { installations } = await new AppContext(t.platform).secretStores();
    const agency = await installations.upsert(
      {
        crm: 'highlevel',
        accountId: 'company-agency-9',
        accountType: 'company',
        companyId: 'company-agency-9',
        tokens: { accessToken: 'agency-access', refreshToken: 'agency-refresh' },
        tokenExpiresAt: t.clock.now() + 3_600_000,
        scopes: ['oauth.write'],
      },
      t.clock.now(),
    );
    const rows = () => countRows('processed_events');
    const before = await rows();
    const locationUser = sso({
      companyId: 'company-agency-9',
      activeLocation: 'loc-without-install',
      role: 'admin',
    });
    const refused = await expectError(
      await post({ crm: 'highlevel', ssoPayload: locationUser }),
      403,
      'forbidden',
    );
    expect(refused.message).toMatch(/sub-account/);
    expect(await rows()).toBe(before);

    const agencyUser = sso({ companyId: 'company-agency-9', activeLocation: undefined, role: 'admin' });
    const res = await post({ crm: 'highlevel', ssoPayload: agencyUser });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      installationId: string;
    };
    expect(claims.installationId).toBe(agency.id);

    // A company id that is really a location install does not answer for an agency context either.
    const confused = sso({ companyId: 'loc-1111', activeLocation: undefined });
    await expectError(await post({ crm: 'highlevel', ssoPayload: confused }), 403, 'forbidden');
  });
});

describe('Pipedrive panel JWT', () => {
  it('exchanges a genuine JWT for an agent session on the panel, admin on the settings page', async () => {
    const token = await pipedriveJwt(TEST_SECRETS.PIPEDRIVE_JWT_SECRET);
    const panel = await post({ crm: 'pipedrive', token, personId: '42' });
    expect(panel.status).toBe(200);
    expect(await panel.json()).toMatchObject({ role: 'agent', crm: 'pipedrive' });
    const settings = await post({ crm: 'pipedrive', token, surface: 'settings' });
    expect(await settings.json()).toMatchObject({ role: 'admin' });
  });

  it('tells the page the user’s language from their Pipedrive locale; a failed lookup costs only the language', async () => {
    pipedrive.state.users.set(8, { name: 'Agent', admin: false, locale: 'et_EE' });
    try {
      const agentJwt = await pipedriveJwt(TEST_SECRETS.PIPEDRIVE_JWT_SECRET, { userId: 8 });
      expect(await (await post({ crm: 'pipedrive', token: agentJwt })).json()).toMatchObject({
        language: 'et',
      });
      pipedrive.state.users.set(8, { name: 'Agent', admin: false, locale: 'ja_JP' });
      expect(await (await post({ crm: 'pipedrive', token: agentJwt })).json()).not.toHaveProperty('language');
      // Pipedrive does not know the user (404): the panel still opens, in the browser's language.
      const stranger = await pipedriveJwt(TEST_SECRETS.PIPEDRIVE_JWT_SECRET, { userId: 99 });
      const panel = await post({ crm: 'pipedrive', token: stranger });
      expect(panel.status).toBe(200);
      expect(await panel.json()).not.toHaveProperty('language');
    } finally {
      pipedrive.state.users.set(8, { name: 'Agent', admin: false });
    }
  });

  it('refuses an admin session to a user Pipedrive does not list as a company admin', async () => {
    const agentJwt = await pipedriveJwt(TEST_SECRETS.PIPEDRIVE_JWT_SECRET, { userId: 8 });
    await expectError(
      await post({ crm: 'pipedrive', token: agentJwt, surface: 'settings' }),
      403,
      'forbidden',
    );
    const stranger = await pipedriveJwt(TEST_SECRETS.PIPEDRIVE_JWT_SECRET, { userId: 99 });
    await expectError(
      await post({ crm: 'pipedrive', token: stranger, surface: 'settings' }),
      403,
      'forbidden',
    );
    // The panel itself stays open to agents.
    const panel = await post({ crm: 'pipedrive', token: agentJwt });
    expect(await panel.json()).toMatchObject({ role: 'agent' });
  });

  it('answers 401 to a JWT signed with another secret, expired, or with alg none', async () => {
    await expectError(
      await post({ crm: 'pipedrive', token: await pipedriveJwt('someone-elses-secret') }),
      401,
      'unauthorized',
    );
    const expired = await pipedriveJwt(TEST_SECRETS.PIPEDRIVE_JWT_SECRET, {}, -600);
    await expectError(await post({ crm: 'pipedrive', token: expired }), 401, 'unauthorized');
    const payload = Buffer.from(JSON.stringify({ userId: 7, companyId: 2222, exp: 9e9 })).toString(
      'base64url',
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expectError(await post({ crm: 'pipedrive', token: none }), 401, 'unauthorized');
  });
});

describe('the bearer session on every /api call', () => {
  it('refuses a missing, forged, tampered, expired or foreign-audience bearer with 401', async () => {
    const genuine = await hl.token('admin');
    const [h, p, s] = genuine.split('.');
    const forged = (
      await createSessionToken(
        'another-session-secret-0123456789-abcdef',
        { installationId: hl.installation.id, crm: 'highlevel', role: 'admin' },
        t.clock.now(),
      )
    ).token;
    const expired = (
      await createSessionToken(
        TEST_SECRETS.SESSION_SECRET,
        { installationId: hl.installation.id, crm: 'highlevel', role: 'admin' },
        t.clock.now() - 2 * 3_600_000,
      )
    ).token;
    // A Pipedrive-style JWT signed with the session secret but without our audience.
    const foreign = await new SignJWT({ installationId: hl.installation.id, crm: 'highlevel', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(t.clock.now() / 1000) + 600)
      .sign(new TextEncoder().encode(TEST_SECRETS.SESSION_SECRET));
    // Our audience and secret, but no exp: it would never expire.
    const endless = await new SignJWT({ installationId: hl.installation.id, crm: 'highlevel', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('wabridge-ui')
      .setIssuedAt(Math.floor(t.clock.now() / 1000))
      .sign(new TextEncoder().encode(TEST_SECRETS.SESSION_SECRET));
    const elevated = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(p!, 'base64url').toString()),
        installationId: pd.installation.id,
      }),
    ).toString('base64url');
    for (const header of [
      undefined,
      'Bearer',
      `Basic ${genuine}`,
      `Bearer ${forged}`,
      `Bearer ${expired}`,
      `Bearer ${foreign}`,
      `Bearer ${endless}`,
      `Bearer ${h}.${elevated}.${s}`,
    ]) {
      const res = await app.request('/api/connections', { headers: header ? { authorization: header } : {} });
      await expectError(res, 401, 'unauthorized');
    }
  });

  it('refuses the session of an installation that was uninstalled since', async () => {
    const gone = await seedInstallation(t.platform, { crm: 'highlevel', accountId: 'loc-3333' });
    const token = await gone.token('admin');
    const { installations } = await gone.ctx.secretStores();
    await installations.uninstall(gone.installation.id, t.clock.now());
    await expectError(
      await app.request('/api/connections', { headers: { authorization: `Bearer ${token}` } }),
      401,
      'unauthorized',
    );
  });
});
