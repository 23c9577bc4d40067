// HighLevel Marketplace OAuth (docs/Authorization.md, oauth.json) through adapters/shared/oauth-token.ts (the
// checks oauth4webapi made, without it: issue 13). HighLevel publishes no discovery document: the token URL is
// configured.
import { isLoopbackHttp } from '../loopback';
import { bearerRequest, OAuthCallError, requestToken } from '../../shared/oauth-token';
import { highLevelError, vendorMessageOf } from './highlevel-errors';
import { VendorHttpError } from '../../shared/vendor-http-error';
import { parseHighLevelLocationTokenResponse, parseHighLevelTokenResponse } from './highlevel-api';
import type { HighLevelLocationToken, HighLevelTokenSet, HighLevelUserType } from './highlevel-api';

/** The SDK and the live docs use this path; docs/Authorization.md also shows a `/v2/...` variant. */
export const HIGHLEVEL_AUTHORIZE_URL = 'https://marketplace.gohighlevel.com/oauth/chooselocation';
export const HIGHLEVEL_API_BASE_URL = 'https://services.leadconnectorhq.com';
export const HIGHLEVEL_TOKEN_URL = `${HIGHLEVEL_API_BASE_URL}/oauth/token`;
/** Version header of /oauth/locationToken (oauth.json); /oauth/token takes none. */
const OAUTH_LOCATION_TOKEN_VERSION = '2021-07-28';

export interface AuthorizeUrlInput {
  authorizeUrl?: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state?: string;
  /** `self` keeps HighLevel's login in the same tab (docs/Authorization.md). */
  loginWindowOpenMode?: 'self';
}

export function buildHighLevelAuthorizeUrl(input: AuthorizeUrlInput): string {
  const url = new URL(input.authorizeUrl ?? HIGHLEVEL_AUTHORIZE_URL);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', input.scopes.join(' '));
  if (input.state) url.searchParams.set('state', input.state);
  if (input.loginWindowOpenMode) url.searchParams.set('loginWindowOpenMode', input.loginWindowOpenMode);
  // URLSearchParams writes spaces as "+"; the documented template has plain spaces, so send %20.
  return url.toString().replace(/\+/g, '%20');
}

export interface ClientCredentials {
  tokenUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Injected clock (epoch ms) for `expiresAt`. */
  now?: () => number;
}

export interface ExchangeCodeInput extends ClientCredentials {
  code: string;
  redirectUri: string;
  /** Which token to mint; "Location" for a sub-account install (oauth.json GetAccessCodebodyDto.user_type). */
  userType?: HighLevelUserType;
}

export async function exchangeHighLevelCode(input: ExchangeCodeInput): Promise<HighLevelTokenSet> {
  const tokenUrl = input.tokenUrl ?? HIGHLEVEL_TOKEN_URL;
  const operation = 'POST /oauth/token (authorization_code)';
  const now = input.now ?? Date.now;
  try {
    // HighLevel redirects back with `?code=` only; the caller checks its own single-use state before this. No PKCE
    // (HighLevel does not document it); client_secret_post.
    const json = await requestToken({
      url: tokenUrl,
      allowHttp: isLoopbackHttp(tokenUrl),
      params: {
        user_type: input.userType ?? 'Location',
        redirect_uri: input.redirectUri,
        code: input.code,
        grant_type: 'authorization_code',
        client_id: input.clientId,
        client_secret: input.clientSecret,
      },
    });
    return parseTokenSet(json, now(), {}, operation);
  } catch (err) {
    throw toCrmError(err, operation);
  }
}

export interface RefreshTokenInput extends ClientCredentials {
  refreshToken: string;
  userType: HighLevelUserType;
  /** Ids stored at install, used if the refresh answer omits them. */
  companyId?: string;
  locationId?: string;
}

/** Refresh tokens ROTATE: each use returns a new one and the old one dies (docs/Authorization.md FAQ), so the caller
 * must serialize refreshes per installation and persist the returned pair before using it. */
export async function refreshHighLevelToken(input: RefreshTokenInput): Promise<HighLevelTokenSet> {
  const tokenUrl = input.tokenUrl ?? HIGHLEVEL_TOKEN_URL;
  const operation = 'POST /oauth/token (refresh_token)';
  const now = input.now ?? Date.now;
  try {
    const json = await requestToken({
      url: tokenUrl,
      allowHttp: isLoopbackHttp(tokenUrl),
      params: {
        user_type: input.userType,
        refresh_token: input.refreshToken,
        grant_type: 'refresh_token',
        client_id: input.clientId,
        client_secret: input.clientSecret,
      },
    });
    return parseTokenSet(
      json,
      now(),
      { companyId: input.companyId, locationId: input.locationId },
      operation,
    );
  } catch (err) {
    throw toCrmError(err, operation);
  }
}

export interface LocationTokenInput {
  baseUrl?: string;
  companyAccessToken: string;
  companyId: string;
  locationId: string;
  now?: () => number;
}

/** Agency token → sub-account token: POST /oauth/locationToken, form body, Version 2021-07-28 (oauth.json). */
export async function getLocationToken(input: LocationTokenInput): Promise<HighLevelLocationToken> {
  const url = new URL('/oauth/locationToken', input.baseUrl ?? HIGHLEVEL_API_BASE_URL);
  const operation = 'POST /oauth/locationToken';
  const now = input.now ?? Date.now;
  let response: Response;
  try {
    response = await bearerRequest(input.companyAccessToken, 'POST', url, isLoopbackHttp(url.toString()), {
      headers: {
        version: OAUTH_LOCATION_TOKEN_VERSION,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ companyId: input.companyId, locationId: input.locationId }),
    });
  } catch (err) {
    throw toCrmError(err, operation);
  }
  const text = await response.text();
  const body = safeJson(text);
  if (!response.ok) {
    const status = response.status;
    throw highLevelError(`HighLevel ${operation} failed with HTTP ${status}`, {
      reason:
        status === 401 ? 'auth' : status === 429 ? 'rate_limited' : status >= 500 ? 'server' : 'rejected',
      retryable: status === 429 || status >= 500,
      status,
      operation,
      vendorMessage: vendorMessageOf(body),
      raw: body,
    });
  }
  try {
    return parseHighLevelLocationTokenResponse(body, now(), input);
  } catch (err) {
    throw malformed(operation, err, body);
  }
}

function parseTokenSet(
  json: unknown,
  now: number,
  known: { companyId?: string; locationId?: string },
  operation: string,
): HighLevelTokenSet {
  try {
    return parseHighLevelTokenResponse(json, now, known);
  } catch (err) {
    // Never keep the raw token body: it holds live credentials.
    throw malformed(operation, err, undefined);
  }
}

function malformed(operation: string, err: unknown, raw: unknown): VendorHttpError {
  const detail = err instanceof Error ? err.message : String(err);
  return highLevelError(`HighLevel ${operation} returned an unexpected body: ${detail}`, {
    reason: 'malformed_response',
    retryable: false,
    status: 200,
    operation,
    raw,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** OAuth call errors → VendorHttpError. `invalid_grant` gets its own reason: the installation needs re-consent. */
function toCrmError(err: unknown, operation: string): VendorHttpError {
  if (err instanceof VendorHttpError) return err;
  if (err instanceof OAuthCallError && err.kind === 'oauth_error') {
    const status = err.details.status!;
    const error = err.details.error!;
    const description = err.details.errorDescription;
    const reason =
      error === 'invalid_grant'
        ? 'invalid_grant'
        : status === 401
          ? 'auth'
          : status === 429
            ? 'rate_limited'
            : status >= 500
              ? 'server'
              : 'rejected';
    return highLevelError(
      `HighLevel ${operation} failed: ${error}${description ? ` (${description})` : ''}`,
      {
        reason,
        retryable: status === 429 || status >= 500,
        status,
        operation,
        oauthError: error,
        vendorMessage: description ?? vendorMessageOf(err.details.body),
      },
    );
  }
  if (err instanceof OAuthCallError && err.kind === 'challenge') {
    return highLevelError(`HighLevel ${operation} was refused (HTTP ${err.details.status})`, {
      reason: 'auth',
      retryable: false,
      status: err.details.status,
      operation,
    });
  }
  if (err instanceof OAuthCallError && err.kind === 'unexpected_status') {
    const status = err.details.status!;
    return highLevelError(`HighLevel ${operation} failed with HTTP ${status}`, {
      reason:
        status === 429 ? 'rate_limited' : status >= 500 ? 'server' : status === 401 ? 'auth' : 'rejected',
      retryable: status === 429 || status >= 500,
      status,
      operation,
    });
  }
  if (err instanceof OAuthCallError && err.kind === 'insecure_url') {
    return highLevelError(
      `HighLevel ${operation}: refusing a plain-http URL outside the loopback simulator`,
      {
        reason: 'rejected',
        retryable: false,
        operation,
      },
    );
  }
  // A body that is not JSON or not a usable token answer.
  if (err instanceof OAuthCallError) return malformed(operation, err, undefined);
  // fetch() rejects with a TypeError on network failures.
  const message = err instanceof Error ? err.message : String(err);
  return highLevelError(`HighLevel ${operation} could not be reached: ${message}`, {
    reason: 'network',
    retryable: true,
    operation,
  });
}

export { isLoopbackHttp };
