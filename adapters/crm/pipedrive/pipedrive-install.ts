// Pipedrive Marketplace install and uninstall as CrmModule hooks (DESIGN.md §1, §6; vendors/pipedrive.md §1, §6).
// One installation per Pipedrive company, with the api_domain of every later API call; services/install/crm-install.ts
// stores what these return.
import { requireSecret } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import type { CrmInstallHooks } from '../crm-hooks';
import type { CrmEnvironment } from '../crm-module';
import { buildPipedriveAuthorizeUrl, exchangePipedriveCode, fetchPipedriveIdentity } from './pipedrive-oauth';
import { parseUninstallBody, verifyUninstallBasicAuth } from './verify-pipedrive';

function clientCredentials({ config }: CrmEnvironment) {
  return {
    clientId: requireSecret(config, 'PIPEDRIVE_CLIENT_ID'),
    clientSecret: requireSecret(config, 'PIPEDRIVE_CLIENT_SECRET'),
  };
}

/**
 * A code Pipedrive refuses (forged, expired after 5 minutes, used twice: OAuth invalid_grant / a 4xx) is the
 * visitor's link, not a Pipedrive outage: 400 with what to do. A 5xx or network failure stays crm_error (502), and so
 * does invalid_client (our own credentials: the operator's problem, not the visitor's).
 */
function refusedCode(error: unknown): unknown {
  const details =
    error instanceof AppError ? (error.details as { oauthError?: string; status?: number }) : {};
  const status = details?.status;
  const refused =
    error instanceof AppError &&
    details?.oauthError !== 'invalid_client' &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    status !== 429;
  if (!refused) return error;
  return new AppError(
    'invalid_request',
    'Pipedrive did not accept this install link (it has expired, was already used, or was not issued for this ' +
      'app): start the installation again from the Pipedrive Marketplace',
    { oauthError: details?.oauthError },
  );
}

export const pipedriveInstall: CrmInstallHooks = {
  // Pipedrive documents no PKCE, so the state row (deleted as it is read) is the CSRF defence; the code verifier
  // column stays empty.
  authorizeUrl: (env, { redirectUri, state }) =>
    buildPipedriveAuthorizeUrl({
      oauthBaseUrl: env.config.PIPEDRIVE_OAUTH_BASE_URL,
      clientId: clientCredentials(env).clientId,
      redirectUri,
      state,
    }),

  /** Callback: state (single use) → code exchange (Basic client auth) → company identity. */
  async complete(env, input, ports) {
    // The state is consumed even when the user declined, so it can never be replayed.
    const state = input.state ? await ports.consumeState(input.state) : false;
    if (input.error) {
      throw new AppError(
        'invalid_request',
        `The installation was not approved in Pipedrive (${input.error})`,
      );
    }
    if (!state) {
      throw new AppError(
        'unauthorized',
        'Unknown, expired or already used OAuth state: start the installation again from Pipedrive',
      );
    }
    if (!input.code) throw new AppError('invalid_request', 'Missing authorization code');
    const { clientId, clientSecret } = clientCredentials(env);
    const tokens = await exchangePipedriveCode({
      oauthBaseUrl: env.config.PIPEDRIVE_OAUTH_BASE_URL,
      clientId,
      clientSecret,
      code: input.code,
      redirectUri: ports.redirectUri,
      now: env.now,
    }).catch((error: unknown) => {
      throw refusedCode(error);
    });
    // Tokens do not name the company: users/me does (scope `base`), on the company's own api_domain.
    const identity = await fetchPipedriveIdentity(tokens.apiDomain, tokens.accessToken);
    return {
      grant: {
        accountId: identity.companyId,
        accountType: 'company',
        companyId: identity.companyId,
        name: identity.companyName ?? identity.companyDomain ?? null,
        apiDomain: tokens.apiDomain,
        tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
      },
    };
  },

  /**
   * Pipedrive's uninstall: `DELETE` on the callback URL with `Basic base64(client_id:client_secret)` and
   * `{client_id, company_id, user_id, timestamp}` (RD/app-uninstallation). Credentials are checked in constant
   * time before the body is even read; anything else is 401 and changes nothing.
   */
  async uninstallCall(env, authorization, readBody) {
    const { clientId, clientSecret } = clientCredentials(env);
    if (!verifyUninstallBasicAuth(authorization, clientId, clientSecret)) {
      throw new AppError('unauthorized', 'Invalid client credentials');
    }
    const body = parseUninstallBody(await readBody(), clientId);
    return { accountId: String(body.company_id) };
  },
};
