// HighLevel install and uninstall as CrmModule hooks (DESIGN.md §1, §6; vendors/highlevel.md §1, §3): the OAuth
// dance, the INSTALL / UNINSTALL app events, and agency (Company) installs whose locations get tokens from
// POST /oauth/locationToken. services/install/crm-install.ts stores what these return.
import { requireSecret } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import { isVendorHttpError } from '../../shared/vendor-http-error';
import type { CrmAppCommand, CrmInstallHooks, CrmLinkedAccounts } from '../crm-hooks';
import type { CrmEnvironment } from '../crm-module';
import { parseHighLevelAppEvent } from './highlevel-api';
import { buildHighLevelAuthorizeUrl, exchangeHighLevelCode, getLocationToken } from './highlevel-oauth';

/** Same list as manifest/highlevel/app.json `oauth.scopes` (each one's reason is written there). */
export const HIGHLEVEL_SCOPES = [
  'conversations/message.write',
  'conversations.readonly',
  'conversations.write',
  'contacts.readonly',
  'contacts.write',
  'oauth.readonly',
  'oauth.write',
] as const;

/** Locations minted eagerly after an agency install; the rest get theirs from their INSTALL webhook. */
const MAX_EAGER_LOCATIONS = 25;

const apiBase = ({ config }: CrmEnvironment) => config.HIGHLEVEL_API_BASE_URL.replace(/\/+$/, '');

function clientCredentials(env: CrmEnvironment) {
  return {
    tokenUrl: `${apiBase(env)}/oauth/token`,
    clientId: requireSecret(env.config, 'HIGHLEVEL_CLIENT_ID'),
    clientSecret: requireSecret(env.config, 'HIGHLEVEL_CLIENT_SECRET'),
    now: env.now,
  };
}

/** A refused code (forged, expired, used twice) is the visitor's link, not a HighLevel outage: 400, not 502.
 * invalid_client (our own credentials) and 5xx/network stay crm_error. */
function refusedCode(error: unknown): unknown {
  if (isVendorHttpError(error) && (error.reason === 'invalid_grant' || error.reason === 'rejected')) {
    return new AppError(
      'invalid_request',
      'HighLevel did not accept this install link (it has expired, was already used, or was not issued for ' +
        'this app): start the install again from the HighLevel marketplace',
      { oauthError: error.details.oauthError },
    );
  }
  return error;
}

/** INSTALL / UNINSTALL (docs/AppInstall.md, AppUninstall.md), once verified: what they ask of the app. */
function appEvent(env: CrmEnvironment, body: unknown): CrmAppCommand {
  const event = parseHighLevelAppEvent(body);
  if (event.kind === 'other') return { kind: 'ignore' };
  // HighLevel signs every app's INSTALL/UNINSTALL with one key, and another app's developer receives such events for
  // every location that installs their app: only events naming our app may change anything. Without a configured
  // HIGHLEVEL_APP_ID nothing can be matched, so nothing is changed (fail closed).
  const ourAppId = env.config.HIGHLEVEL_APP_ID;
  if (!ourAppId || event.appId !== ourAppId) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: ourAppId
          ? 'HighLevel event for another app ignored'
          : 'HIGHLEVEL_APP_ID is not set: event ignored',
      }),
    );
    return { kind: 'ignore' };
  }
  if (event.kind === 'uninstall') {
    // Agency level: the agency row and the locations that lived on its token. Direct location installs get their
    // own UNINSTALL. HighLevel has no revoke endpoint.
    return event.locationId
      ? { kind: 'uninstall', accountId: event.locationId }
      : { kind: 'uninstall', parentAccountId: event.companyId ?? '' };
  }
  // No locationId: an agency install, whose OAuth callback stores the Company token.
  return { kind: 'install', accountId: event.locationId, parentAccountId: event.companyId };
}

export const highLevelInstall: CrmInstallHooks = {
  // HighLevel documents no PKCE (docs/Authorization.md; oauth.json has no code_challenge): the state row's
  // code_verifier stays empty and the state is the only binding.
  authorizeUrl: (env, { redirectUri, state }) =>
    buildHighLevelAuthorizeUrl({
      authorizeUrl: env.config.HIGHLEVEL_AUTHORIZE_URL,
      clientId: requireSecret(env.config, 'HIGHLEVEL_CLIENT_ID'),
      redirectUri,
      scopes: HIGHLEVEL_SCOPES,
      state,
    }),

  /**
   * Code → tokens. A `state` we did not issue (or already consumed) is refused. No state at all is accepted: an
   * install started from the marketplace listing comes back with `?code=` only. That is safe here because the
   * callback grants nobody a session — the code is single-use, bound to our client secret, and only installs the
   * account of whoever authorized it; the admin page authenticates separately (HighLevel SSO, POST /api/session).
   */
  async complete(env, input, ports) {
    if (!input.code) {
      throw new AppError(
        'invalid_request',
        `HighLevel did not authorize the install${input.error ? `: ${input.error}` : ''}`,
      );
    }
    if (input.state !== undefined && !(await ports.consumeState(input.state))) {
      throw new AppError(
        'unauthorized',
        'This install link has expired or was already used: start the install again',
      );
    }
    const tokens = await exchangeHighLevelCode({
      ...clientCredentials(env),
      code: input.code,
      redirectUri: ports.redirectUri,
      userType: 'Location',
    }).catch((error: unknown) => {
      throw refusedCode(error);
    });
    const location = tokens.userType === 'Location';
    return {
      grant: {
        accountId: location ? tokens.locationId! : tokens.companyId,
        accountType: location ? 'location' : 'company',
        companyId: tokens.companyId,
        tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
      },
      linkedAccounts: location ? [] : (tokens.approvedLocations ?? []).slice(0, MAX_EAGER_LOCATIONS),
    };
  },

  appEvent,

  /** One conversation provider per marketplace app: its id comes from config. */
  settings: ({ config }) =>
    config.HIGHLEVEL_CONVERSATION_PROVIDER_ID
      ? { conversationProviderId: config.HIGHLEVEL_CONVERSATION_PROVIDER_ID }
      : {},
};

/**
 * A location of an agency install: /oauth/locationToken mints its token from the agency's and returns no refresh
 * token, so such rows are renewed by minting again, never by a refresh grant.
 */
export const highLevelLinkedLocations: CrmLinkedAccounts = {
  async mintToken(env, { parent, accountId, parentTokens }) {
    const mint = async (companyAccessToken: string) =>
      getLocationToken({
        baseUrl: apiBase(env),
        companyAccessToken,
        companyId: parent.accountId,
        locationId: accountId,
        now: env.now,
      });
    let token;
    try {
      token = await mint(await parentTokens.get());
    } catch (error) {
      // An agency token that died early (revoked, clock skew): one refresh, then give up with the real error.
      if (!(isVendorHttpError(error) && error.reason === 'auth')) throw error;
      token = await mint(await parentTokens.refresh());
    }
    return {
      accountId,
      accountType: 'location',
      companyId: parent.accountId,
      tokens: { accessToken: token.accessToken, refreshToken: token.refreshToken ?? '' },
      tokenExpiresAt: token.expiresAt,
      scopes: token.scopes,
    };
  },
  parentGoneMessage: 'The agency install of this location is gone: reinstall the app',
};
