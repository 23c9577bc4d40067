// POST /oauth/token of the simulator (oauth.json GetAccessCodebodyDto → GetAccessCodeSuccessfulResponseDto).
// Error bodies carry both HighLevel's BadRequestDTO fields and the RFC 6749 `error`, so either reader understands them.
import { HttpResponse } from 'msw';
import type { HighLevelSimulatorState, SimGrant } from './highlevel-state';

function oauthError(
  state: HighLevelSimulatorState,
  grantType: string,
  userType: string | undefined,
  status: number,
  error: string,
  description: string,
) {
  state.tokenRequests.push({ grantType, userType, ok: false, error });
  return HttpResponse.json(
    { statusCode: status, message: description, error, error_description: description },
    { status },
  );
}

export function handleToken(
  state: HighLevelSimulatorState,
  rawBody: string,
  contentType: string | null,
): Response {
  if (!contentType?.startsWith('application/x-www-form-urlencoded')) {
    return oauthError(
      state,
      '',
      undefined,
      400,
      'invalid_request',
      'Body must be application/x-www-form-urlencoded',
    );
  }
  const form = new URLSearchParams(rawBody);
  const grantType = form.get('grant_type') ?? '';
  const userType = form.get('user_type') ?? undefined;
  const redirectUri = form.get('redirect_uri') ?? undefined;
  if (
    form.get('client_id') !== state.config.clientId ||
    form.get('client_secret') !== state.config.clientSecret
  ) {
    return oauthError(state, grantType, userType, 401, 'invalid_client', 'Invalid client credentials');
  }
  if (userType !== undefined && userType !== 'Location' && userType !== 'Company') {
    return oauthError(
      state,
      grantType,
      userType,
      422,
      'invalid_request',
      'user_type must be Location or Company',
    );
  }

  let grant: SimGrant;
  if (grantType === 'authorization_code') {
    const code = state.codes.get(form.get('code') ?? '');
    if (!code || code.used)
      return oauthError(
        state,
        grantType,
        userType,
        400,
        'invalid_grant',
        'Invalid or already used authorization code',
      );
    if (code.redirectUri && code.redirectUri !== redirectUri) {
      return oauthError(state, grantType, userType, 400, 'invalid_grant', 'redirect_uri does not match');
    }
    code.used = true;
    grant = code;
  } else if (grantType === 'refresh_token') {
    const rt = state.refreshTokens.get(form.get('refresh_token') ?? '');
    // Rotation: each refresh token works once (docs/Authorization.md FAQ). A second, concurrent use loses.
    if (!rt || rt.used)
      return oauthError(
        state,
        grantType,
        userType,
        400,
        'invalid_grant',
        'Invalid grant: refresh token is invalid',
      );
    rt.used = true;
    grant = rt;
  } else {
    return oauthError(
      state,
      grantType,
      userType,
      400,
      'unsupported_grant_type',
      `Unsupported grant_type ${grantType}`,
    );
  }

  state.tokenRequests.push({ grantType, userType, redirectUri, ok: true });
  const issued = state.issueTokens(grant);
  return HttpResponse.json({
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: state.config.accessTokenTtlSec,
    refresh_token: issued.refreshToken,
    scope: grant.scopes.join(' '),
    userType: grant.userType,
    ...(grant.locationId ? { locationId: grant.locationId } : {}),
    companyId: grant.companyId,
    ...(grant.userType === 'Company' ? { approvedLocations: [state.config.locationId] } : {}),
    userId: grant.userId,
    isBulkInstallation: false,
  });
}
