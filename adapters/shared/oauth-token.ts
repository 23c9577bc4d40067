// The OAuth 2.0 calls the CRMs' installs make (RFC 6749 §4.1.3 code exchange, §6 refresh, RFC 7009 revocation,
// RFC 6750 bearer request), with the checks oauth4webapi made on them, written out (issue 13: oauth4webapi was
// ≈ 5 KB of the Worker bundle gzipped for these four calls). Each CRM module maps OAuthCallError to its own error
// vocabulary, exactly as it mapped oauth4webapi's errors (comments name the oauth4webapi class each kind was).
// Plain http only where the caller allows it (the loopback simulators); network failures pass through as thrown.

export type OAuthCallErrorKind =
  /** 4xx with an OAuth error body `{ error, error_description? }` (oauth4webapi ResponseBodyError). */
  | 'oauth_error'
  /** A non-200 answer carrying a WWW-Authenticate challenge (WWWAuthenticateChallengeError). */
  | 'challenge'
  /** Another non-200 answer (OperationProcessingError RESPONSE_IS_NOT_CONFORM, cause: the response). */
  | 'unexpected_status'
  /** A body that had to be JSON and was not (OperationProcessingError RESPONSE_IS_NOT_JSON). */
  | 'not_json'
  /** A 200 whose token body is not usable (OperationProcessingError PARSE_ERROR/INVALID_RESPONSE, or
   * UnsupportedOperationError for a token_type other than bearer/dpop). */
  | 'invalid_body'
  /** A plain-http endpoint the caller did not allow (OperationProcessingError HTTP_REQUEST_FORBIDDEN). */
  | 'insecure_url';

export class OAuthCallError extends Error {
  constructor(
    message: string,
    readonly kind: OAuthCallErrorKind,
    readonly details: {
      status?: number;
      /** The OAuth `error` code (kind oauth_error). */
      error?: string;
      errorDescription?: string;
      /** The parsed error body (kind oauth_error). */
      body?: unknown;
      /** The answer itself (kinds unexpected_status, not_json). */
      response?: Response;
    } = {},
  ) {
    super(message);
    this.name = 'OAuthCallError';
  }
}

export interface OAuthEndpointCall {
  url: string;
  /** Allow plain http (only ever for a loopback simulator). */
  allowHttp: boolean;
  /** Form parameters of the grant, and the client's credentials when they travel in the body. */
  params: Record<string, string>;
  /** `Authorization` when the client authenticates with a header (Pipedrive's Basic pair). */
  authorization?: string;
  fetch?: typeof fetch;
}

function endpointUrl(url: string, allowHttp: boolean): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:'))
    throw new OAuthCallError('only requests to HTTPS are allowed', 'insecure_url');
  return parsed;
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isJsonResponse = (response: Response) =>
  response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';

function notJson(response: Response): OAuthCallError {
  return new OAuthCallError('"response" content-type must be application/json', 'not_json', {
    status: response.status,
    response,
  });
}

/** A non-200 answer as oauth4webapi's checkOAuthBodyError saw it: challenge, OAuth error body (4xx), or neither. */
async function unexpected(response: Response, label: string): Promise<OAuthCallError> {
  const status = response.status;
  if (/^\s*[\w!#$%&'*+.^`|~-]+/.test(response.headers.get('www-authenticate') ?? ''))
    return new OAuthCallError(
      'server responded with a challenge in the WWW-Authenticate HTTP Header',
      'challenge',
      {
        status,
      },
    );
  if (status > 399 && status < 500) {
    if (!isJsonResponse(response)) return notJson(response);
    // Read once, not through a clone: nothing reads this body again (workerd warns about an unread clone).
    const body: unknown = await response.json().catch(() => undefined);
    if (isJsonObject(body) && typeof body.error === 'string' && body.error.length) {
      const description = typeof body.error_description === 'string' ? body.error_description : undefined;
      return new OAuthCallError('server responded with an error in the response body', 'oauth_error', {
        status,
        error: body.error,
        ...(description !== undefined ? { errorDescription: description } : {}),
        body,
      });
    }
  }
  return new OAuthCallError(
    `"response" is not a conform ${label} response (unexpected HTTP status code)`,
    'unexpected_status',
    {
      status,
      response,
    },
  );
}

async function post(call: OAuthEndpointCall, accept: boolean): Promise<Response> {
  const url = endpointUrl(call.url, call.allowHttp);
  const headers: Record<string, string> = {};
  if (accept) headers.accept = 'application/json';
  if (call.authorization) headers.authorization = call.authorization;
  headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  return (call.fetch ?? fetch)(url.href, {
    method: 'POST',
    headers,
    body: new URLSearchParams(call.params),
    redirect: 'manual',
  });
}

function invalid(message: string): OAuthCallError {
  return new OAuthCallError(message, 'invalid_body');
}

/**
 * A grant at the token endpoint (`grant_type` in `params`). Resolves to the token body as oauth4webapi returned it:
 * access_token and token_type strings (token_type lower-cased, bearer or dpop), expires_in a positive number (a
 * numeric string is read), refresh_token and scope strings when present.
 */
export async function requestToken(call: OAuthEndpointCall): Promise<Record<string, unknown>> {
  const response = await post(call, true);
  if (response.status !== 200) throw await unexpected(response, 'Token Endpoint');
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    if (!isJsonResponse(response)) throw notJson(response);
    throw invalid('failed to parse "response" body as JSON');
  }
  if (!isJsonObject(json)) throw invalid('"response" body must be a top level object');
  const mustBeString = (name: string) => {
    if (typeof json[name] !== 'string' || !json[name].length)
      throw invalid(`"response" body "${name}" property must be a non-empty string`);
  };
  mustBeString('access_token');
  mustBeString('token_type');
  json.token_type = (json.token_type as string).toLowerCase();
  if (json.expires_in !== undefined) {
    const expiresIn =
      typeof json.expires_in === 'number' ? json.expires_in : parseFloat(String(json.expires_in));
    if (!Number.isFinite(expiresIn) || expiresIn < 0)
      throw invalid('"response" body "expires_in" property must be a non-negative number');
    json.expires_in = expiresIn;
  }
  if (json.refresh_token !== undefined) mustBeString('refresh_token');
  if (json.scope !== undefined && typeof json.scope !== 'string')
    throw invalid('"response" body "scope" property must be a string');
  if (json.token_type !== 'bearer' && json.token_type !== 'dpop')
    throw invalid('unsupported `token_type` value');
  return json;
}

/** RFC 7009 revocation: 200 is done; anything else is an OAuthCallError like a token call's. */
export async function revokeToken(call: OAuthEndpointCall): Promise<void> {
  const response = await post(call, false);
  if (response.status !== 200) throw await unexpected(response, 'Revocation Endpoint');
}

/** A bearer-authenticated request (RFC 6750); a WWW-Authenticate challenge on the answer is an OAuthCallError. */
export async function bearerRequest(
  accessToken: string,
  method: string,
  url: URL,
  allowHttp: boolean,
  init: { headers: Record<string, string>; body?: URLSearchParams; fetch?: typeof fetch },
): Promise<Response> {
  const target = endpointUrl(url.href, allowHttp);
  const response = await (init.fetch ?? fetch)(target.href, {
    method,
    headers: { ...init.headers, authorization: `Bearer ${accessToken}` },
    ...(init.body ? { body: init.body } : {}),
    redirect: 'manual',
  });
  if (/^\s*[\w!#$%&'*+.^`|~-]+/.test(response.headers.get('www-authenticate') ?? ''))
    throw new OAuthCallError(
      'server responded with a challenge in the WWW-Authenticate HTTP Header',
      'challenge',
      {
        status: response.status,
      },
    );
  return response;
}
