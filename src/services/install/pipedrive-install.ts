// Pipedrive Marketplace install and uninstall (DESIGN.md §1, §6; vendors/pipedrive.md §1, §6).
// One installation per Pipedrive company: tokens sealed at rest, api_domain kept for every later API call.
import {
  buildPipedriveAuthorizeUrl,
  exchangePipedriveCode,
  fetchPipedriveIdentity,
  parseUninstallBody,
  verifyUninstallBasicAuth,
} from '../../../adapters/crm/pipedrive';
import { requireSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { CrmInstallFlow, OAuthCallbackInput } from './crm-install-flows';
import { createOAuthState } from './oauth-states';
import { randomToken } from '../../security/encoding';
import type { Installation } from '../../store/installations';

/** Pipedrive authorization codes live 5 minutes; a state a little longer covers a slow consent screen. */
const STATE_TTL_MS = 10 * 60_000;
const CRM = 'pipedrive';

/** The callback registered in Developer Hub; Pipedrive also sends the uninstall DELETE there. */
export function pipedriveRedirectUri(ctx: AppContext): string {
  return `${ctx.config.APP_BASE_URL.replace(/\/+$/, '')}/oauth/pipedrive/callback`;
}

function clientCredentials(ctx: AppContext) {
  return {
    clientId: requireSecret(ctx.config, 'PIPEDRIVE_CLIENT_ID'),
    clientSecret: requireSecret(ctx.config, 'PIPEDRIVE_CLIENT_SECRET'),
  };
}

/**
 * The authorize URL with a fresh single-use state. Pipedrive documents no PKCE, so the state row (deleted
 * as it is read) is the CSRF defence; the code verifier column stays empty.
 */
export async function startPipedriveInstall(ctx: AppContext): Promise<string> {
  const { clientId } = clientCredentials(ctx);
  const state = randomToken();
  await createOAuthState(ctx, state, CRM, STATE_TTL_MS);
  return buildPipedriveAuthorizeUrl({
    oauthBaseUrl: ctx.config.PIPEDRIVE_OAUTH_BASE_URL,
    clientId,
    redirectUri: pipedriveRedirectUri(ctx),
    state,
  });
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

/** Callback: state (single use) → code exchange (Basic client auth) → company identity → installation. */
export async function completePipedriveInstall(
  ctx: AppContext,
  input: OAuthCallbackInput,
): Promise<Installation> {
  // The state is consumed even when the user declined, so it can never be replayed.
  const state = input.state ? await ctx.events.consumeOAuthState(input.state, CRM, ctx.now()) : null;
  if (input.error) {
    throw new AppError('invalid_request', `The installation was not approved in Pipedrive (${input.error})`);
  }
  if (!state) {
    throw new AppError(
      'unauthorized',
      'Unknown, expired or already used OAuth state: start the installation again from Pipedrive',
    );
  }
  if (!input.code) throw new AppError('invalid_request', 'Missing authorization code');
  const { clientId, clientSecret } = clientCredentials(ctx);
  const tokens = await exchangePipedriveCode({
    oauthBaseUrl: ctx.config.PIPEDRIVE_OAUTH_BASE_URL,
    clientId,
    clientSecret,
    code: input.code,
    redirectUri: pipedriveRedirectUri(ctx),
    now: () => ctx.now(),
  }).catch((error: unknown) => {
    throw refusedCode(error);
  });
  // Tokens do not name the company: users/me does (scope `base`), on the company's own api_domain.
  const identity = await fetchPipedriveIdentity(tokens.apiDomain, tokens.accessToken);
  const { installations } = await ctx.secretStores();
  return installations.upsert(
    {
      crm: CRM,
      accountId: identity.companyId,
      accountType: 'company',
      companyId: identity.companyId,
      name: identity.companyName ?? identity.companyDomain ?? null,
      apiDomain: tokens.apiDomain,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      tokenExpiresAt: tokens.expiresAt,
      scopes: tokens.scopes,
    },
    ctx.now(),
  );
}

export type UninstallOutcome = 'uninstalled' | 'unknown_company' | 'already_uninstalled';

/**
 * Pipedrive's uninstall: `DELETE` on the callback URL with `Basic base64(client_id:client_secret)` and
 * `{client_id, company_id, user_id, timestamp}` (RD/app-uninstallation). Credentials are checked in constant
 * time before the body is even read; anything else is 401 and changes nothing.
 */
export async function uninstallPipedrive(
  ctx: AppContext,
  authorization: string | undefined,
  readBody: () => Promise<string>,
): Promise<UninstallOutcome> {
  const { clientId, clientSecret } = clientCredentials(ctx);
  if (!verifyUninstallBasicAuth(authorization, clientId, clientSecret)) {
    throw new AppError('unauthorized', 'Invalid client credentials');
  }
  const body = parseUninstallBody(await readBody(), clientId);
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount(CRM, String(body.company_id));
  if (!installation) return 'unknown_company';
  if (installation.status === 'uninstalled') return 'already_uninstalled';
  // Tokens and every connection credential go in one batch; message history stays for the records.
  await installations.uninstall(installation.id, ctx.now());
  return 'uninstalled';
}

/** Pipedrive behind the generic /oauth/:crm routes (crm-install-flows.ts): uninstall is the callback URL's DELETE. */
export const crmInstallFlow: CrmInstallFlow = {
  start: startPipedriveInstall,
  async complete(ctx, input) {
    await completePipedriveInstall(ctx, input);
  },
  uninstall: uninstallPipedrive,
};
