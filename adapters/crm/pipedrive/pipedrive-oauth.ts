// Pipedrive Marketplace OAuth 2.0 through oauth4webapi (RD/marketplace-oauth-authorization, vendors/pipedrive.md §1).
// Pipedrive publishes no discovery document, so the AuthorizationServer is built by hand.
import * as oauth from 'oauth4webapi';
import { isLoopbackHttp } from '../loopback';
import { AppError } from '../../../src/core/errors';
import { tokenResponseSchema } from './pipedrive-api';
import { createPipedriveClient } from './pipedrive-client';
import { pipedriveError } from './pipedrive-errors';

export const PIPEDRIVE_OAUTH_BASE_URL = 'https://oauth.pipedrive.com';

export interface PipedriveOAuthClientConfig {
  /** Default https://oauth.pipedrive.com; tests and local mode point it at the simulator. */
  oauthBaseUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Injected clock (epoch ms) for `expiresAt`. */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface PipedriveTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. Pipedrive access tokens live ~60 minutes (`expires_in` ≈ 3599). */
  expiresAt: number;
  scopes: string[];
  /** `https://<company>.pipedrive.com`: every API call for this installation goes there. */
  apiDomain: string;
}

export interface PipedriveIdentity {
  companyId: string;
  userId: string;
  companyName?: string;
  companyDomain?: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function authorizationServer(oauthBaseUrl: string | undefined): oauth.AuthorizationServer {
  const base = trimSlash(oauthBaseUrl ?? PIPEDRIVE_OAUTH_BASE_URL);
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
    revocation_endpoint: `${base}/oauth/revoke`,
  };
}

/**
 * `Authorization: Basic base64(client_id:client_secret)` exactly as Pipedrive documents it. oauth4webapi's
 * ClientSecretBasic form-urlencodes both parts first (RFC 6749 §2.3.1), which changes secrets containing
 * `-_.!~*'()`; Pipedrive does not document decoding that, so we send the raw pair.
 */
export function pipedriveBasicAuth(clientId: string, clientSecret: string): string {
  const bytes = new TextEncoder().encode(`${clientId}:${clientSecret}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function clientAuth(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set('authorization', pipedriveBasicAuth(client.client_id, clientSecret));
  };
}

function requestOptions(config: PipedriveOAuthClientConfig): oauth.TokenEndpointRequestOptions {
  const options: oauth.TokenEndpointRequestOptions = {};
  if (isLoopbackHttp(config.oauthBaseUrl ?? PIPEDRIVE_OAUTH_BASE_URL))
    options[oauth.allowInsecureRequests] = true;
  if (config.fetch) options[oauth.customFetch] = config.fetch;
  return options;
}

/**
 * GET /oauth/authorize?client_id&redirect_uri&state. Scopes are configured in Developer Hub, not sent here;
 * Pipedrive documents no PKCE, so `state` (single-use, stored by the caller) is the CSRF defence.
 */
export function buildPipedriveAuthorizeUrl(input: {
  oauthBaseUrl?: string;
  clientId: string;
  redirectUri: string;
  state: string;
}): string {
  const url = new URL(authorizationServer(input.oauthBaseUrl).authorization_endpoint!);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

function toTokens(body: unknown, now: number): PipedriveTokens {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw pipedriveError(`Pipedrive token response is malformed (${where})`, {
      retryable: false,
      operation: 'POST /oauth/token',
    });
  }
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: now + t.expires_in * 1000,
    scopes: t.scope.split(/[\s,]+/).filter(Boolean),
    apiDomain: trimSlash(t.api_domain),
  };
}

/** Turns oauth4webapi / network failures into our error vocabulary. */
function mapOAuthError(error: unknown, grant: string): Error {
  if (error instanceof AppError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    if (error.status >= 500) {
      return pipedriveError(`Pipedrive OAuth server failed (${error.status}) during ${grant}`, {
        status: error.status,
        retryable: true,
        operation: 'POST /oauth/token',
        raw: error.cause,
      });
    }
    // invalid_grant: code used/expired (5 min TTL) or refresh token revoked/unused for 60 days = app uninstalled.
    return new AppError(
      'unauthorized',
      `Pipedrive rejected the ${grant}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`,
      {
        oauthError: error.error,
        status: error.status,
        retryable: false,
      },
    );
  }
  const response = (error as { cause?: unknown }).cause;
  if (error instanceof oauth.OperationProcessingError && response instanceof Response) {
    const retryable = response.status >= 500 || response.status === 429;
    return pipedriveError(`Pipedrive OAuth server answered ${response.status} during ${grant}`, {
      status: response.status,
      retryable,
      operation: 'POST /oauth/token',
    });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new AppError('unauthorized', `Pipedrive rejected the client credentials during ${grant}`, {
      status: error.status,
      retryable: false,
    });
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    return pipedriveError(`Pipedrive token response is malformed: ${error.message}`, {
      retryable: false,
      operation: 'POST /oauth/token',
    });
  }
  return pipedriveError(`Pipedrive OAuth request failed during ${grant}: ${(error as Error).message}`, {
    retryable: true,
    operation: 'POST /oauth/token',
    unknownOutcome: true,
  });
}

/** POST /oauth/token grant_type=authorization_code (Basic client auth, form body). Codes live 5 minutes. */
export async function exchangePipedriveCode(
  input: PipedriveOAuthClientConfig & { code: string; redirectUri: string },
): Promise<PipedriveTokens> {
  const as = authorizationServer(input.oauthBaseUrl);
  const client: oauth.Client = { client_id: input.clientId };
  try {
    // The route already checked the single-use state; oauth4webapi only needs the branded parameters.
    const params = oauth.validateAuthResponse(
      as,
      client,
      new URLSearchParams({ code: input.code }),
      oauth.skipStateCheck,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(input.clientSecret),
      params,
      input.redirectUri,
      oauth.nopkce,
      requestOptions(input),
    );
    const body = await oauth.processAuthorizationCodeResponse(as, client, response);
    return toTokens(body, (input.now ?? Date.now)());
  } catch (error) {
    throw mapOAuthError(error, 'authorization code');
  }
}

/** POST /oauth/token grant_type=refresh_token. Pipedrive returns the same refresh token (valid 60 days from last use). */
export async function refreshPipedriveToken(
  input: PipedriveOAuthClientConfig & { refreshToken: string },
): Promise<PipedriveTokens> {
  const as = authorizationServer(input.oauthBaseUrl);
  const client: oauth.Client = { client_id: input.clientId };
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth(input.clientSecret),
      input.refreshToken,
      requestOptions(input),
    );
    const body = await oauth.processRefreshTokenResponse(as, client, response);
    // Be tolerant if a refresh response ever omits refresh_token: keep the one we have.
    return toTokens({ refresh_token: input.refreshToken, ...body }, (input.now ?? Date.now)());
  } catch (error) {
    throw mapOAuthError(error, 'refresh token');
  }
}

/** POST /oauth/revoke: revoking the refresh token uninstalls the app for the company (RD/app-uninstallation). */
export async function revokePipedriveToken(
  input: PipedriveOAuthClientConfig & { refreshToken: string },
): Promise<void> {
  const as = authorizationServer(input.oauthBaseUrl);
  const client: oauth.Client = { client_id: input.clientId };
  try {
    const response = await oauth.revocationRequest(
      as,
      client,
      clientAuth(input.clientSecret),
      input.refreshToken,
      { ...requestOptions(input), additionalParameters: { token_type_hint: 'refresh_token' } },
    );
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw mapOAuthError(error, 'token revocation');
  }
}

/** GET {api_domain}/api/v1/users/me (scope `base`): the installation is keyed per Pipedrive company. */
export async function fetchPipedriveIdentity(
  apiDomain: string,
  accessToken: string,
  options: { fetch?: typeof fetch } = {},
): Promise<PipedriveIdentity> {
  const client = createPipedriveClient({
    apiDomain,
    tokenSource: {
      get: async () => accessToken,
      // A token fresh from the token endpoint that is refused cannot be fixed by refreshing here.
      refresh: async () => {
        throw new AppError('unauthorized', 'Pipedrive refused a freshly issued access token');
      },
    },
    fetch: options.fetch,
  });
  const me = await client.getCurrentUser();
  return {
    companyId: String(me.company_id),
    userId: String(me.id),
    companyName: me.company_name ?? undefined,
    companyDomain: me.company_domain ?? undefined,
  };
}

export { isLoopbackHttp };
