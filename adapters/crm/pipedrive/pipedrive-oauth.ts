// Pipedrive Marketplace OAuth 2.0 (RD/marketplace-oauth-authorization, vendors/pipedrive.md §1) through
// adapters/shared/oauth-token.ts (the checks oauth4webapi made, without it: issue 13). Pipedrive publishes no
// discovery document, so the endpoints are built by hand.
import { isLoopbackHttp } from '../loopback';
import { OAuthCallError, requestToken, revokeToken, type OAuthEndpointCall } from '../../shared/oauth-token';
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

function authorizationServer(oauthBaseUrl: string | undefined) {
  const base = trimSlash(oauthBaseUrl ?? PIPEDRIVE_OAUTH_BASE_URL);
  return {
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
    revocation_endpoint: `${base}/oauth/revoke`,
  };
}

/**
 * `Authorization: Basic base64(client_id:client_secret)` exactly as Pipedrive documents it. RFC 6749 §2.3.1's
 * client_secret_basic form-urlencodes both parts first, which changes secrets containing `-_.!~*'()`; Pipedrive
 * does not document decoding that, so we send the raw pair.
 */
export function pipedriveBasicAuth(clientId: string, clientSecret: string): string {
  const bytes = new TextEncoder().encode(`${clientId}:${clientSecret}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** One call to Pipedrive's token or revocation endpoint: Basic client auth, http only towards loopback. */
function endpointCall(
  config: PipedriveOAuthClientConfig,
  url: string,
  params: Record<string, string>,
): OAuthEndpointCall {
  return {
    url,
    allowHttp: isLoopbackHttp(config.oauthBaseUrl ?? PIPEDRIVE_OAUTH_BASE_URL),
    params,
    authorization: pipedriveBasicAuth(config.clientId, config.clientSecret),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  };
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
  const url = new URL(authorizationServer(input.oauthBaseUrl).authorization_endpoint);
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

/** Turns OAuth call / network failures into our error vocabulary. */
function mapOAuthError(error: unknown, grant: string): Error {
  if (error instanceof AppError) return error;
  if (error instanceof OAuthCallError && error.kind === 'oauth_error') {
    const status = error.details.status!;
    if (status >= 500) {
      return pipedriveError(`Pipedrive OAuth server failed (${status}) during ${grant}`, {
        status,
        retryable: true,
        operation: 'POST /oauth/token',
        raw: error.details.body,
      });
    }
    const description = error.details.errorDescription;
    // invalid_grant: code used/expired (5 min TTL) or refresh token revoked/unused for 60 days = app uninstalled.
    return new AppError(
      'unauthorized',
      `Pipedrive rejected the ${grant}: ${error.details.error}${description ? ` (${description})` : ''}`,
      {
        oauthError: error.details.error,
        status,
        retryable: false,
      },
    );
  }
  const response = error instanceof OAuthCallError ? error.details.response : undefined;
  if (response) {
    const retryable = response.status >= 500 || response.status === 429;
    return pipedriveError(`Pipedrive OAuth server answered ${response.status} during ${grant}`, {
      status: response.status,
      retryable,
      operation: 'POST /oauth/token',
    });
  }
  if (error instanceof OAuthCallError && error.kind === 'challenge') {
    return new AppError('unauthorized', `Pipedrive rejected the client credentials during ${grant}`, {
      status: error.details.status,
      retryable: false,
    });
  }
  if (error instanceof OAuthCallError) {
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
  try {
    // The route already checked the single-use state. No PKCE (Pipedrive documents none).
    const body = await requestToken(
      endpointCall(input, authorizationServer(input.oauthBaseUrl).token_endpoint, {
        redirect_uri: input.redirectUri,
        code: input.code,
        grant_type: 'authorization_code',
      }),
    );
    return toTokens(body, (input.now ?? Date.now)());
  } catch (error) {
    throw mapOAuthError(error, 'authorization code');
  }
}

/** POST /oauth/token grant_type=refresh_token. Pipedrive returns the same refresh token (valid 60 days from last use). */
export async function refreshPipedriveToken(
  input: PipedriveOAuthClientConfig & { refreshToken: string },
): Promise<PipedriveTokens> {
  try {
    const body = await requestToken(
      endpointCall(input, authorizationServer(input.oauthBaseUrl).token_endpoint, {
        refresh_token: input.refreshToken,
        grant_type: 'refresh_token',
      }),
    );
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
  try {
    await revokeToken(
      endpointCall(input, authorizationServer(input.oauthBaseUrl).revocation_endpoint, {
        token_type_hint: 'refresh_token',
        token: input.refreshToken,
      }),
    );
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
