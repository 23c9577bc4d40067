// HighLevel install and uninstall (DESIGN.md §1, §6; vendors/highlevel.md §1, §3): the OAuth dance, the INSTALL /
// UNINSTALL webhooks, and agency (Company) installs whose locations get tokens from POST /oauth/locationToken.
import {
  buildHighLevelAuthorizeUrl,
  exchangeHighLevelCode,
  getLocationToken,
  parseHighLevelAppEvent,
  refreshHighLevelToken,
  type HighLevelTokenSet,
} from '../../../adapters/crm/highlevel';
import { isVendorHttpError } from '../../../adapters/shared/vendor-http-error';
import { requireSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { randomToken } from '../../security/encoding';
import { HighLevelDeliveryStore } from '../../store/highlevel-deliveries';
import type { Installation, InstallationSettings } from '../../store/installations';
import { installationTokenSource, type TokenRefresher } from '../crm/crm-tokens';
import { createOAuthState } from './oauth-states';

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

const STATE_TTL_MS = 10 * 60_000;
/** Locations minted eagerly after an agency install; the rest get theirs from their INSTALL webhook. */
const MAX_EAGER_LOCATIONS = 25;

const apiBase = (ctx: AppContext) => ctx.config.HIGHLEVEL_API_BASE_URL.replace(/\/+$/, '');
const redirectUri = (ctx: AppContext) =>
  `${ctx.config.APP_BASE_URL.replace(/\/+$/, '')}/oauth/highlevel/callback`;

function clientCredentials(ctx: AppContext) {
  return {
    tokenUrl: `${apiBase(ctx)}/oauth/token`,
    clientId: requireSecret(ctx.config, 'HIGHLEVEL_CLIENT_ID'),
    clientSecret: requireSecret(ctx.config, 'HIGHLEVEL_CLIENT_SECRET'),
    now: () => ctx.now(),
  };
}

/** The authorize URL with a fresh single-use state. HighLevel documents no PKCE (docs/Authorization.md; oauth.json
 * has no code_challenge), so the state row's code_verifier stays empty and the state is the only binding. */
export async function startHighLevelInstall(ctx: AppContext): Promise<string> {
  const state = randomToken();
  await createOAuthState(ctx, state, 'highlevel', STATE_TTL_MS);
  return buildHighLevelAuthorizeUrl({
    authorizeUrl: ctx.config.HIGHLEVEL_AUTHORIZE_URL,
    clientId: requireSecret(ctx.config, 'HIGHLEVEL_CLIENT_ID'),
    redirectUri: redirectUri(ctx),
    scopes: HIGHLEVEL_SCOPES,
    state,
  });
}

/**
 * Code → tokens → installation. A `state` we did not issue (or already consumed) is refused. No state at all is
 * accepted: an install started from the marketplace listing comes back with `?code=` only. That is safe here because
 * the callback grants nobody a session — the code is single-use, bound to our client secret, and only installs the
 * account of whoever authorized it; the admin page authenticates separately (HighLevel SSO, POST /api/session).
 */
export async function completeHighLevelInstall(
  ctx: AppContext,
  input: { code: string; state?: string },
): Promise<Installation> {
  if (
    input.state !== undefined &&
    !(await ctx.events.consumeOAuthState(input.state, 'highlevel', ctx.now()))
  ) {
    throw new AppError(
      'unauthorized',
      'This install link has expired or was already used: start the install again',
    );
  }
  const tokens = await exchangeHighLevelCode({
    ...clientCredentials(ctx),
    code: input.code,
    redirectUri: redirectUri(ctx),
    userType: 'Location',
  }).catch((error: unknown) => {
    // A refused code (forged, expired, used twice) is the visitor's link, not a HighLevel outage: 400, not 502.
    // invalid_client (our own credentials) and 5xx/network stay crm_error.
    if (isVendorHttpError(error) && (error.reason === 'invalid_grant' || error.reason === 'rejected')) {
      throw new AppError(
        'invalid_request',
        'HighLevel did not accept this install link (it has expired, was already used, or was not issued for ' +
          'this app): start the install again from the HighLevel marketplace',
        { oauthError: error.details.oauthError },
      );
    }
    throw error;
  });
  const installation = await storeTokens(ctx, tokens);
  if (tokens.userType === 'Company') {
    for (const locationId of (tokens.approvedLocations ?? []).slice(0, MAX_EAGER_LOCATIONS)) {
      try {
        await installLocationViaCompany(ctx, installation, locationId);
      } catch (error) {
        // Not fatal: the location's INSTALL webhook (or a later retry) mints its token.
        console.warn(JSON.stringify({ level: 'warn', msg: 'location token failed', error: String(error) }));
      }
    }
  }
  return installation;
}

async function storeTokens(ctx: AppContext, tokens: HighLevelTokenSet): Promise<Installation> {
  const { installations } = await ctx.secretStores();
  const location = tokens.userType === 'Location';
  const installation = await installations.upsert(
    {
      crm: 'highlevel',
      accountId: location ? tokens.locationId! : tokens.companyId,
      accountType: location ? 'location' : 'company',
      companyId: tokens.companyId,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      tokenExpiresAt: tokens.expiresAt,
      scopes: tokens.scopes,
    },
    ctx.now(),
  );
  // A direct install replaces a token minted through the agency: the location now has its own refresh token.
  return withSettings(ctx, installation, { viaCompany: undefined });
}

/** Merges settings; the conversation provider id comes from config (one provider per marketplace app). */
async function withSettings(
  ctx: AppContext,
  installation: Installation,
  patch: InstallationSettings,
): Promise<Installation> {
  const providerId = ctx.config.HIGHLEVEL_CONVERSATION_PROVIDER_ID;
  const settings: InstallationSettings = {
    ...installation.settings,
    ...(providerId ? { conversationProviderId: providerId } : {}),
    ...patch,
  };
  if (JSON.stringify(settings) === JSON.stringify(installation.settings)) return installation;
  const { installations } = await ctx.secretStores();
  await installations.updateSettings(installation.id, settings, ctx.now());
  return { ...installation, settings };
}

/** Agency token refresh (rotating refresh token, serialized by the installation lease in crm-tokens.ts). */
function companyRefresher(ctx: AppContext): TokenRefresher {
  return async (installation, refreshToken) =>
    refreshHighLevelToken({
      ...clientCredentials(ctx),
      refreshToken,
      userType: 'Company',
      companyId: installation.companyId ?? installation.accountId,
    });
}

async function mintLocationToken(ctx: AppContext, company: Installation, locationId: string) {
  const source = installationTokenSource(ctx, company.id, companyRefresher(ctx));
  const mint = async (companyAccessToken: string) =>
    getLocationToken({
      baseUrl: apiBase(ctx),
      companyAccessToken,
      companyId: company.accountId,
      locationId,
      now: () => ctx.now(),
    });
  try {
    return await mint(await source.get());
  } catch (error) {
    // An agency token that died early (revoked, clock skew): one refresh, then give up with the real error.
    if (isVendorHttpError(error) && error.reason === 'auth') return mint(await source.refresh());
    throw error;
  }
}

/**
 * A location of an agency install becomes its own installation row (account_type location) so connections,
 * sessions and the CRM adapter work the same as for a direct install. /oauth/locationToken returns no refresh
 * token: such rows are renewed by minting again (highLevelLocationRefresher), never by a refresh grant.
 */
export async function installLocationViaCompany(
  ctx: AppContext,
  company: Installation,
  locationId: string,
): Promise<Installation> {
  const { installations } = await ctx.secretStores();
  const existing = await installations.findByAccount('highlevel', locationId);
  if (existing?.status === 'active' && existing.hasTokens && !existing.settings.viaCompany) return existing;
  const token = await mintLocationToken(ctx, company, locationId);
  const installation = await installations.upsert(
    {
      crm: 'highlevel',
      accountId: locationId,
      accountType: 'location',
      companyId: company.accountId,
      tokens: { accessToken: token.accessToken, refreshToken: token.refreshToken ?? '' },
      tokenExpiresAt: token.expiresAt,
      scopes: token.scopes,
    },
    ctx.now(),
  );
  return withSettings(ctx, installation, { viaCompany: true });
}

/** TokenSource refresher for `viaCompany` locations: a new location token from the agency token. */
export function highLevelLocationRefresher(ctx: AppContext): TokenRefresher {
  return async (installation) => {
    const { installations } = await ctx.secretStores();
    const company = installation.companyId
      ? await installations.findByAccount('highlevel', installation.companyId)
      : null;
    if (!company || company.status !== 'active' || company.accountType !== 'company') {
      throw new AppError('crm_error', 'The agency install of this location is gone: reinstall the app', {
        retryable: false,
      });
    }
    const token = await mintLocationToken(ctx, company, installation.accountId);
    return {
      accessToken: token.accessToken,
      refreshToken: token.refreshToken ?? '',
      expiresAt: token.expiresAt,
    };
  };
}

export type AppEventOutcome =
  'installed' | 'known' | 'awaiting_oauth' | 'uninstalled' | 'unknown' | 'ignored';

/** POST /crm/highlevel/events, once its signature is verified (highlevel-install-flow.ts): act on the app event. */
export async function applyHighLevelAppEvent(ctx: AppContext, body: unknown): Promise<AppEventOutcome> {
  const event = parseHighLevelAppEvent(body);
  const { installations } = await ctx.secretStores();
  const now = ctx.now();
  if (event.kind === 'other') return 'ignored';
  // HighLevel signs every app's INSTALL/UNINSTALL with one key, and another app's developer receives such events for
  // every location that installs their app: only events naming our app may change anything. Without a configured
  // HIGHLEVEL_APP_ID nothing can be matched, so nothing is changed (fail closed).
  const ourAppId = ctx.config.HIGHLEVEL_APP_ID;
  if (!ourAppId || event.appId !== ourAppId) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: ourAppId
          ? 'HighLevel event for another app ignored'
          : 'HIGHLEVEL_APP_ID is not set: event ignored',
      }),
    );
    return 'ignored';
  }
  if (event.kind === 'uninstall') {
    // Agency level: the agency row and the locations that lived on its token. Direct location installs get their
    // own UNINSTALL. Uninstall deletes tokens and connection credentials; HighLevel has no revoke endpoint.
    const ids = event.locationId
      ? [(await installations.findByAccount('highlevel', event.locationId))?.id]
      : await new HighLevelDeliveryStore(ctx.db).installationIdsOfCompany(event.companyId ?? '');
    const found = ids.filter((id): id is string => Boolean(id));
    for (const id of found) await installations.uninstall(id, now);
    return found.length ? 'uninstalled' : 'unknown';
  }
  if (!event.locationId) return 'awaiting_oauth'; // agency install: the OAuth callback stores the Company token
  const existing = await installations.findByAccount('highlevel', event.locationId);
  if (existing?.status === 'active' && existing.hasTokens) {
    await withSettings(ctx, existing, {});
    return 'known';
  }
  const company = event.companyId ? await installations.findByAccount('highlevel', event.companyId) : null;
  if (company?.status === 'active' && company.accountType === 'company') {
    await installLocationViaCompany(ctx, company, event.locationId);
    return 'installed';
  }
  // A location install whose OAuth callback has not landed yet (the webhook can come first): the callback stores it.
  return 'awaiting_oauth';
}
