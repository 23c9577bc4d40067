// oauth-token.ts against oauth4webapi (kept as a devDependency for this comparison): the same requests reach the
// server, and every answer comes back as the same token body or the matching error kind (issue 13).
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { bearerRequest, OAuthCallError, requestToken, revokeToken } from './oauth-token';

interface Seen {
  url: string;
  method: string;
  headers: [string, string][];
  body: string;
}

const TOKEN_URL = 'https://auth.example/oauth/token';
const as: oauth.AuthorizationServer = {
  issuer: 'https://auth.example',
  token_endpoint: TOKEN_URL,
  revocation_endpoint: 'https://auth.example/oauth/revoke',
};
const client: oauth.Client = { client_id: 'cid' };

function recording(seen: Seen[], answer: () => Response): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      // oauth4webapi adds its user-agent where the runtime has no navigator (Node 20); workerd has one.
      headers: [...request.headers].filter(([name]) => name !== 'user-agent').sort(),
      body: await request.text(),
    });
    return answer();
  };
}

/** oauth4webapi's error classes as the kinds oauth-token.ts gives them. */
function kindOf(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `oauth_error ${error.status} ${error.error}`;
  if (error instanceof oauth.WWWAuthenticateChallengeError) return `challenge ${error.status}`;
  if (error instanceof oauth.UnsupportedOperationError) return 'invalid_body';
  if (error instanceof oauth.OperationProcessingError) {
    if (error.code === oauth.RESPONSE_IS_NOT_CONFORM)
      return `unexpected_status ${(error.cause as Response).status}`;
    if (error.code === oauth.RESPONSE_IS_NOT_JSON) return `not_json ${(error.cause as Response).status}`;
    if (error.code === oauth.HTTP_REQUEST_FORBIDDEN) return 'insecure_url';
    return 'invalid_body';
  }
  throw error;
}
function ourKind(error: unknown): string {
  if (!(error instanceof OAuthCallError)) throw error;
  const { status, error: code } = error.details;
  if (error.kind === 'oauth_error') return `oauth_error ${status} ${code}`;
  if (['challenge', 'unexpected_status', 'not_json'].includes(error.kind)) return `${error.kind} ${status}`;
  return error.kind;
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    Response.json(body, { status, headers });
const ANSWERS: [string, () => Response][] = [
  [
    'token',
    json({ access_token: 'a', token_type: 'Bearer', expires_in: 3599, refresh_token: 'r', scope: 'x y' }),
  ],
  ['expires_in as string', json({ access_token: 'a', token_type: 'bearer', expires_in: '60' })],
  [
    'extra fields kept',
    json({ access_token: 'a', token_type: 'DPoP', userType: 'Location', locationId: 'l1' }),
  ],
  ['no access_token', json({ token_type: 'bearer' })],
  ['empty access_token', json({ access_token: '', token_type: 'bearer' })],
  ['no token_type', json({ access_token: 'a' })],
  ['mac token_type', json({ access_token: 'a', token_type: 'mac' })],
  ['negative expires_in', json({ access_token: 'a', token_type: 'bearer', expires_in: -1 })],
  ['numeric refresh_token', json({ access_token: 'a', token_type: 'bearer', refresh_token: 5 })],
  ['numeric scope', json({ access_token: 'a', token_type: 'bearer', scope: 5 })],
  ['array body', json([1])],
  ['200 text', () => new Response('hello', { headers: { 'content-type': 'text/plain' } })],
  ['200 bad JSON', () => new Response('{', { headers: { 'content-type': 'application/json' } })],
  ['400 invalid_grant', json({ error: 'invalid_grant', error_description: 'used' }, 400)],
  ['401 challenge', json({ error: 'invalid_client' }, 401, { 'www-authenticate': 'Basic realm="x"' })],
  ['401 invalid_client', json({ error: 'invalid_client' }, 401)],
  ['400 no error field', json({ message: 'nope' }, 400)],
  ['400 text', () => new Response('bad', { status: 400, headers: { 'content-type': 'text/plain' } })],
  ['429 text', () => new Response('slow down', { status: 429 })],
  ['503 JSON error', json({ error: 'unavailable' }, 503)],
  ['302', () => new Response(null, { status: 302, headers: { location: 'https://elsewhere' } })],
];

async function settle<T>(promise: Promise<T>, kind: (e: unknown) => string) {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: kind(error) }),
  );
}

describe('requestToken', () => {
  it.each(ANSWERS)('%s: same request, same body or error kind as oauth4webapi', async (_name, answer) => {
    const ours: Seen[] = [];
    const theirs: Seen[] = [];
    const a = await settle(
      requestToken({
        url: TOKEN_URL,
        allowHttp: false,
        params: {
          user_type: 'Location',
          refresh_token: 'rt',
          grant_type: 'refresh_token',
          client_id: 'cid',
          client_secret: 's',
        },
        fetch: recording(ours, answer),
      }),
      ourKind,
    );
    const b = await settle(
      (async () => {
        const response = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost('s'), 'rt', {
          [oauth.customFetch]: recording(theirs, answer),
          additionalParameters: { user_type: 'Location' },
        });
        return oauth.processRefreshTokenResponse(as, client, response);
      })(),
      kindOf,
    );
    expect(a).toEqual(JSON.parse(JSON.stringify(b)));
    expect(ours).toEqual(theirs);
  });

  it('refuses plain http unless allowed, before sending anything', async () => {
    const seen: Seen[] = [];
    const call = { url: 'http://auth.example/t', params: {}, fetch: recording(seen, json({})) };
    await expect(requestToken({ ...call, allowHttp: false })).rejects.toMatchObject({ kind: 'insecure_url' });
    expect(seen).toEqual([]);
  });
});

describe('revokeToken and bearerRequest', () => {
  it.each(ANSWERS)('revocation, %s: same request and outcome as oauth4webapi', async (_name, answer) => {
    const ours: Seen[] = [];
    const theirs: Seen[] = [];
    const a = await settle(
      revokeToken({
        url: as.revocation_endpoint!,
        allowHttp: false,
        params: { token_type_hint: 'refresh_token', token: 'rt' },
        authorization: 'Basic abc',
        fetch: recording(ours, answer),
      }),
      ourKind,
    );
    const b = await settle(
      (async () => {
        const response = await oauth.revocationRequest(
          as,
          client,
          (_as, _client, _body, headers) => headers.set('authorization', 'Basic abc'),
          'rt',
          {
            [oauth.customFetch]: recording(theirs, answer),
            additionalParameters: { token_type_hint: 'refresh_token' },
          },
        );
        return oauth.processRevocationResponse(response);
      })(),
      kindOf,
    );
    expect(a).toEqual(b);
    expect(ours).toEqual(theirs);
  });

  it('sends a bearer request as oauth4webapi did and stops at a challenge', async () => {
    for (const answer of [
      json({ ok: 1 }),
      json({}, 401, { 'www-authenticate': 'Bearer error="invalid_token"' }),
    ]) {
      const ours: Seen[] = [];
      const theirs: Seen[] = [];
      const url = new URL('https://api.example/oauth/locationToken');
      const body = () => new URLSearchParams({ companyId: 'c', locationId: 'l' });
      const headers = {
        version: '2021-07-28',
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      };
      const a = await settle(
        bearerRequest('tok', 'POST', url, false, {
          headers,
          body: body(),
          fetch: recording(ours, answer),
        }).then((r) => r.status),
        ourKind,
      );
      const b = await settle(
        oauth
          .protectedResourceRequest('tok', 'POST', url, new Headers(headers), body(), {
            // Its customFetch type allows stream bodies that workers-types' fetch does not name.
            [oauth.customFetch]: recording(theirs, answer) as never,
          })
          .then((r) => r.status),
        kindOf,
      );
      expect(a).toEqual(b);
      expect(ours).toEqual(theirs);
    }
  });
});
