import { describe, expect, it } from 'vitest';
import { HttpResponse, http } from 'msw';
import { AppError } from '../../../src/core/errors';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_COMPANY_ID,
  usePipedriveSimulator,
} from '../../../test/mocks/pipedrive/harness';
import {
  buildPipedriveAuthorizeUrl,
  exchangePipedriveCode,
  fetchPipedriveIdentity,
  isLoopbackHttp,
  refreshPipedriveToken,
  revokePipedriveToken,
} from './pipedrive-oauth';
import { VendorHttpError } from '../../shared/vendor-http-error';

const OAUTH = 'https://oauth.pipedrive.com';
const REDIRECT = 'https://wabridge.example/oauth/pipedrive/callback';
const creds = { oauthBaseUrl: OAUTH, clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET };
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('Pipedrive OAuth', () => {
  const ctx = usePipedriveSimulator();

  /** Follows the authorize URL like a browser: the simulator approves and redirects with ?code&state. */
  async function authorize(state: string): Promise<URL> {
    const res = await fetch(
      buildPipedriveAuthorizeUrl({ clientId: TEST_CLIENT_ID, redirectUri: REDIRECT, state }),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  it('builds the authorize URL on oauth.pipedrive.com with client_id, redirect_uri and state only', () => {
    const url = new URL(buildPipedriveAuthorizeUrl({ clientId: 'abc', redirectUri: REDIRECT, state: 's1' }));
    expect(url.origin + url.pathname).toBe('https://oauth.pipedrive.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'abc',
      redirect_uri: REDIRECT,
      state: 's1',
    });
  });

  it('exchanges the code (Basic auth, form body) for tokens keyed to the api_domain', async () => {
    const callback = await authorize('st-1');
    expect(callback.searchParams.get('state')).toBe('st-1');
    const tokens = await exchangePipedriveCode({
      ...creds,
      code: callback.searchParams.get('code')!,
      redirectUri: REDIRECT,
      now: () => NOW,
    });
    expect(tokens.apiDomain).toBe('https://acme.pipedrive.com');
    expect(tokens.expiresAt).toBe(NOW + 3599 * 1000);
    expect(tokens.scopes).toEqual(['base', 'contacts:full', 'deals:read']);
    expect(ctx.sim.state.isValidAccessToken(tokens.accessToken)).toBe(true);
    expect(ctx.sim.state.counters.codeExchanges).toBe(1);
  });

  it('refuses a reused code as unauthorized (codes are single use)', async () => {
    const code = (await authorize('st-2')).searchParams.get('code')!;
    await exchangePipedriveCode({ ...creds, code, redirectUri: REDIRECT });
    const err = await exchangePipedriveCode({ ...creds, code, redirectUri: REDIRECT }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'unauthorized', details: { oauthError: 'invalid_grant' } });
  });

  it('refuses wrong client credentials', async () => {
    const code = (await authorize('st-3')).searchParams.get('code')!;
    const err = await exchangePipedriveCode({
      ...creds,
      clientSecret: 'wrong',
      code,
      redirectUri: REDIRECT,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthorized' });
    expect(ctx.sim.state.counters.codeExchanges).toBe(0);
  });

  it('refreshes: new access token, same refresh token', async () => {
    const installed = ctx.sim.issueTokens();
    ctx.sim.expireAccessTokens();
    const tokens = await refreshPipedriveToken({ ...creds, refreshToken: installed.refreshToken });
    expect(tokens.accessToken).not.toBe(installed.accessToken);
    expect(tokens.refreshToken).toBe(installed.refreshToken);
    expect(ctx.sim.state.isValidAccessToken(tokens.accessToken)).toBe(true);
    expect(ctx.sim.state.counters.tokenRefreshes).toBe(1);
  });

  it('reports a revoked refresh token (app uninstalled) as unauthorized, not retryable', async () => {
    const installed = ctx.sim.issueTokens();
    await revokePipedriveToken({ ...creds, refreshToken: installed.refreshToken });
    expect(ctx.sim.state.counters.revocations).toBe(1);
    const err = await refreshPipedriveToken({ ...creds, refreshToken: installed.refreshToken }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'unauthorized',
      details: { oauthError: 'invalid_grant', retryable: false },
    });
  });

  it('classifies a 503 from the token endpoint as a retryable crm error', async () => {
    ctx.sim.faults.add({ status: 503, body: { error: 'unavailable' }, headers: { 'x-mock-fault': '1' } });
    const err = await refreshPipedriveToken({
      ...creds,
      refreshToken: ctx.sim.issueTokens().refreshToken,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as VendorHttpError).retryable).toBe(true);
  });

  it('rejects a token response without api_domain with a clear error', async () => {
    ctx.server.use(
      http.post(`${OAUTH}/oauth/token`, () =>
        HttpResponse.json(
          { access_token: 'a', token_type: 'Bearer', refresh_token: 'r', expires_in: 3599, scope: 'base' },
          { headers: { 'x-mock-fault': '1' } },
        ),
      ),
    );
    const err = await refreshPipedriveToken({ ...creds, refreshToken: 'r' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as Error).message).toMatch(/api_domain/);
    expect((err as VendorHttpError).retryable).toBe(false);
  });

  it('allows plain http only towards loopback (local mode)', async () => {
    expect(isLoopbackHttp('http://127.0.0.1:8787/mock/pipedrive')).toBe(true);
    expect(isLoopbackHttp('http://oauth.example.com')).toBe(false);
    expect(isLoopbackHttp('https://oauth.pipedrive.com')).toBe(false);
    const err = await refreshPipedriveToken({
      ...creds,
      oauthBaseUrl: 'http://oauth.example.com',
      refreshToken: 'x',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(ctx.sim.state.counters.tokenRefreshes).toBe(0);
  });

  it('reads the company and user from /v1/users/me', async () => {
    const { accessToken } = ctx.sim.issueTokens();
    const identity = await fetchPipedriveIdentity('https://acme.pipedrive.com', accessToken);
    expect(identity).toEqual({
      companyId: String(TEST_COMPANY_ID),
      userId: '1',
      companyName: 'Acme',
      companyDomain: 'acme',
    });
  });
});

describe('Pipedrive OAuth on a loopback simulator', () => {
  const base = 'http://127.0.0.1:9/mock/pipedrive-oauth';
  const ctx = usePipedriveSimulator({ oauthBaseUrl: base });

  it('works over http://127.0.0.1 (allowInsecureRequests only there)', async () => {
    const installed = ctx.sim.issueTokens();
    const tokens = await refreshPipedriveToken({
      ...creds,
      oauthBaseUrl: base,
      refreshToken: installed.refreshToken,
    });
    expect(ctx.sim.state.isValidAccessToken(tokens.accessToken)).toBe(true);
  });
});
