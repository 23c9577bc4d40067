import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachSpecValidation } from '../../../test/spec/msw-validation';
import { createHighLevelSimulator } from '../../../test/mocks/highlevel';
import { assertHighLevelSpecClean } from '../../../test/mocks/highlevel/spec-check';
import { VendorHttpError } from '../../shared/vendor-http-error';
import {
  buildHighLevelAuthorizeUrl,
  exchangeHighLevelCode,
  getLocationToken,
  isLoopbackHttp,
  refreshHighLevelToken,
} from './highlevel-oauth';

const API = 'https://services.leadconnectorhq.com';
const creds = { clientId: 'client-1', clientSecret: 'secret-1' };
const REDIRECT = 'https://app.example/oauth/highlevel/callback';
const NOW = Date.UTC(2026, 0, 1);
const sim = createHighLevelSimulator({ ...creds, now: () => NOW });
const server = setupServer(...sim.handlers);
const spec = attachSpecValidation(server, { vendorBases: [{ baseUrl: API, spec: 'highlevel' }] });
// msw hands out DOM requests (the Workers types declare their own Request): keep only what the tests read.
const seen: {
  headers: { get(name: string): string | null; has(name: string): boolean };
  text(): Promise<string>;
}[] = [];
server.events.on('request:start', ({ request }) => void seen.push(request.clone()));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  server.resetHandlers();
  sim.faults.clear();
  seen.length = 0;
  await assertHighLevelSpecClean(spec);
});
afterAll(() => server.close());

async function failure(p: Promise<unknown>): Promise<VendorHttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorHttpError);
  return err as VendorHttpError;
}

describe('buildHighLevelAuthorizeUrl', () => {
  it('builds the chooselocation URL with space-separated scopes and state', () => {
    const url = buildHighLevelAuthorizeUrl({
      clientId: 'client-1',
      redirectUri: REDIRECT,
      scopes: ['conversations/message.write', 'contacts.write'],
      state: 's1',
    });
    expect(url).toBe(
      'https://marketplace.gohighlevel.com/oauth/chooselocation?response_type=code' +
        `&redirect_uri=${encodeURIComponent(REDIRECT)}&client_id=client-1` +
        '&scope=conversations%2Fmessage.write%20contacts.write&state=s1',
    );
    expect(new URL(url).searchParams.get('scope')).toBe('conversations/message.write contacts.write');
  });

  it('uses a configured (white-label or simulator) authorize URL', () => {
    const url = buildHighLevelAuthorizeUrl({
      authorizeUrl: 'http://127.0.0.1:9999/oauth/chooselocation',
      clientId: 'c',
      redirectUri: REDIRECT,
      scopes: [],
    });
    expect(url.startsWith('http://127.0.0.1:9999/oauth/chooselocation?response_type=code')).toBe(true);
  });
});

describe('exchangeHighLevelCode', () => {
  it('posts a form with client credentials, user_type and redirect_uri, no Version header; normalizes the answer', async () => {
    const code = sim.state.issueCode({ redirectUri: REDIRECT, scopes: ['contacts.write'] });
    const tokens = await exchangeHighLevelCode({ ...creds, code, redirectUri: REDIRECT, now: () => NOW });
    expect(tokens).toMatchObject({
      userType: 'Location',
      locationId: sim.state.config.locationId,
      companyId: sim.state.config.companyId,
      userId: sim.state.config.userId,
      scopes: ['contacts.write'],
      expiresAt: NOW + 86_399_000,
    });
    expect(sim.state.validAccessToken(tokens.accessToken)).toBeDefined();
    const req = seen[0]!;
    expect(req.headers.get('content-type')).toContain('application/x-www-form-urlencoded');
    expect(req.headers.has('version')).toBe(false);
    const form = new URLSearchParams(await req.text());
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      user_type: 'Location',
      client_id: 'client-1',
      client_secret: 'secret-1',
    });
  });

  it('a reused code is invalid_grant; bad client credentials are auth, neither retryable', async () => {
    const code = sim.state.issueCode({ redirectUri: REDIRECT });
    await exchangeHighLevelCode({ ...creds, code, redirectUri: REDIRECT });
    const reused = await failure(exchangeHighLevelCode({ ...creds, code, redirectUri: REDIRECT }));
    expect(reused.details).toMatchObject({
      reason: 'invalid_grant',
      retryable: false,
      status: 400,
      oauthError: 'invalid_grant',
    });
    const bad = await failure(
      exchangeHighLevelCode({
        ...creds,
        clientSecret: 'wrong',
        code: sim.state.issueCode(),
        redirectUri: REDIRECT,
      }),
    );
    expect(bad.details).toMatchObject({ reason: 'auth', status: 401, retryable: false });
  });

  it('5xx is retryable; a 200 without refresh_token is a clear malformed_response', async () => {
    sim.faults.add({ status: 503, body: { message: 'down' } });
    expect(
      (await failure(exchangeHighLevelCode({ ...creds, code: 'x', redirectUri: REDIRECT }))).details,
    ).toMatchObject({ reason: 'server', retryable: true, status: 503 });
    server.use(
      http.post(`${API}/oauth/token`, () =>
        HttpResponse.json({
          access_token: 'a',
          token_type: 'Bearer',
          expires_in: 10,
          userType: 'Location',
          userId: 'u',
        }),
      ),
    );
    const err = await failure(exchangeHighLevelCode({ ...creds, code: 'x', redirectUri: REDIRECT }));
    expect(err.details).toMatchObject({ reason: 'malformed_response', retryable: false });
    expect(err.message).toMatch(/refresh_token/);
  });
});

describe('refreshHighLevelToken', () => {
  it('rotates: the new pair works, the old refresh token is dead on second use', async () => {
    const seed = sim.seedTokens();
    const next = await refreshHighLevelToken({
      ...creds,
      refreshToken: seed.refreshToken,
      userType: 'Location',
      now: () => NOW,
    });
    expect(next.refreshToken).not.toBe(seed.refreshToken);
    expect(Object.fromEntries(new URLSearchParams(await seen[0]!.text()))).toMatchObject({
      grant_type: 'refresh_token',
      user_type: 'Location',
      refresh_token: seed.refreshToken,
    });
    const again = await failure(
      refreshHighLevelToken({ ...creds, refreshToken: seed.refreshToken, userType: 'Location' }),
    );
    expect(again.reason).toBe('invalid_grant');
    await expect(
      refreshHighLevelToken({ ...creds, refreshToken: next.refreshToken, userType: 'Location' }),
    ).resolves.toMatchObject({ userType: 'Location' });
  });

  it('two concurrent refreshes with the same token: one wins, one gets invalid_grant (why refresh must be serialized)', async () => {
    const seed = sim.seedTokens();
    const results = await Promise.allSettled([
      refreshHighLevelToken({ ...creds, refreshToken: seed.refreshToken, userType: 'Location' }),
      refreshHighLevelToken({ ...creds, refreshToken: seed.refreshToken, userType: 'Location' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((lost.reason as VendorHttpError).reason).toBe('invalid_grant');
  });
});

describe('getLocationToken', () => {
  it('exchanges an agency token for a location token (form body, Version 2021-07-28)', async () => {
    const company = sim.seedTokens('Company');
    const lt = await getLocationToken({
      companyAccessToken: company.accessToken,
      companyId: sim.state.config.companyId,
      locationId: 'LOC2',
      now: () => NOW,
    });
    expect(lt).toMatchObject({
      userType: 'Location',
      locationId: 'LOC2',
      companyId: sim.state.config.companyId,
      expiresAt: NOW + 86_399_000,
    });
    expect(sim.state.validAccessToken(lt.accessToken)?.locationId).toBe('LOC2');
    const req = seen[0]!;
    expect(req.headers.get('version')).toBe('2021-07-28');
    expect(req.headers.get('authorization')).toBe(`Bearer ${company.accessToken}`);
    expect(await req.text()).toBe(`companyId=${sim.state.config.companyId}&locationId=LOC2`);
  });

  it('an expired agency token is an auth failure', async () => {
    const company = sim.seedTokens('Company');
    sim.state.expireAccessToken(company.accessToken);
    const err = await failure(
      getLocationToken({
        companyAccessToken: company.accessToken,
        companyId: sim.state.config.companyId,
        locationId: 'L',
      }),
    );
    expect(err.details).toMatchObject({ reason: 'auth', status: 401, retryable: false });
  });
});

describe('plain http only for the loopback simulator', () => {
  it('knows loopback', () => {
    expect(isLoopbackHttp('http://127.0.0.1:8787/oauth/token')).toBe(true);
    expect(isLoopbackHttp('http://evil.example/oauth/token')).toBe(false);
    expect(isLoopbackHttp('https://services.leadconnectorhq.com/oauth/token')).toBe(false);
  });

  it('works against a 127.0.0.1 simulator and refuses another http host before sending anything', async () => {
    const local = createHighLevelSimulator({ ...creds, baseUrl: 'http://127.0.0.1:9876' });
    server.use(...local.handlers);
    const seed = local.seedTokens();
    await expect(
      refreshHighLevelToken({
        ...creds,
        tokenUrl: 'http://127.0.0.1:9876/oauth/token',
        refreshToken: seed.refreshToken,
        userType: 'Location',
      }),
    ).resolves.toMatchObject({ userType: 'Location' });
    const err = await failure(
      refreshHighLevelToken({
        ...creds,
        tokenUrl: 'http://insecure.example/oauth/token',
        refreshToken: 'r',
        userType: 'Location',
      }),
    );
    expect(err.details).toMatchObject({ reason: 'rejected', retryable: false });
  });
});
