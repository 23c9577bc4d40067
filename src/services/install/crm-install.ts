// Marketplace install and uninstall of any CRM (DESIGN.md §1, §6; issue 13): the CRM's module turns its OAuth answers,
// app events and uninstall calls into grants and commands (CrmModule.install, adapters/crm/crm-hooks.ts); this stores
// them. One installation per CRM account; tokens sealed at rest; uninstall deletes tokens and connection credentials
// in one batch and keeps message history.
import type { CrmModule } from '../../../adapters/crm/crm-module';
import type { InstallationGrant, OAuthCallbackInput } from '../../../adapters/crm/crm-hooks';
import type { AppContext } from '../../context';
import { randomToken } from '../../security/encoding';
import type { Installation, InstallationSettings } from '../../store/installations';
import { crmEnvironment, crmTokenSource } from '../crm/crm';
import { createOAuthState } from './oauth-states';

/** Authorization codes live minutes (Pipedrive: 5); a state a little longer covers a slow consent screen. */
const STATE_TTL_MS = 10 * 60_000;

/** The callback registered with each CRM (`/oauth/<crm>/callback`); a CRM may also send its uninstall there. */
function oauthRedirectUri(ctx: AppContext, crm: CrmModule): string {
  return `${ctx.config.APP_BASE_URL.replace(/\/+$/, '')}/oauth/${crm.name}/callback`;
}

/** GET /oauth/:crm/start: the authorize URL with a fresh single-use state (no PKCE is documented by either CRM, so
 * the state row's code_verifier stays empty and the state is the binding). */
export async function startInstall(ctx: AppContext, crm: CrmModule): Promise<string> {
  const state = randomToken();
  await createOAuthState(ctx, state, crm.name, STATE_TTL_MS);
  return crm.install.authorizeUrl(crmEnvironment(ctx), { redirectUri: oauthRedirectUri(ctx, crm), state });
}

/** GET /oauth/:crm/callback: the module checks state and code and exchanges the code; the grant is stored. */
export async function completeInstall(
  ctx: AppContext,
  crm: CrmModule,
  input: OAuthCallbackInput,
): Promise<Installation> {
  const { grant, linkedAccounts = [] } = await crm.install.complete(crmEnvironment(ctx), input, {
    redirectUri: oauthRedirectUri(ctx, crm),
    consumeState: async (state) => (await ctx.events.consumeOAuthState(state, crm.name, ctx.now())) !== null,
  });
  // A direct install replaces a token minted through a parent: the account now has its own refresh token.
  const installation = await storeGrant(ctx, crm, grant, { viaCompany: undefined });
  for (const accountId of linkedAccounts) {
    try {
      await installLinkedAccount(ctx, crm, installation, accountId);
    } catch (error) {
      // Not fatal: the account's own install event (or a later retry) mints its token.
      console.warn(JSON.stringify({ level: 'warn', msg: 'location token failed', error: String(error) }));
    }
  }
  return installation;
}

async function storeGrant(
  ctx: AppContext,
  crm: CrmModule,
  grant: InstallationGrant,
  settings: InstallationSettings,
): Promise<Installation> {
  const { installations } = await ctx.secretStores();
  const installation = await installations.upsert({ crm: crm.name, ...grant }, ctx.now());
  return withSettings(ctx, crm, installation, settings);
}

/** Merges settings over the CRM's own (one conversation provider per marketplace app, from config). */
async function withSettings(
  ctx: AppContext,
  crm: CrmModule,
  installation: Installation,
  patch: InstallationSettings,
): Promise<Installation> {
  const settings: InstallationSettings = {
    ...installation.settings,
    ...crm.install.settings?.(crmEnvironment(ctx)),
    ...patch,
  };
  if (JSON.stringify(settings) === JSON.stringify(installation.settings)) return installation;
  const { installations } = await ctx.secretStores();
  await installations.updateSettings(installation.id, settings, ctx.now());
  return { ...installation, settings };
}

/**
 * An account of a parent install (an agency's location) becomes its own installation row so connections, sessions
 * and the CRM adapter work the same as for a direct install. Its token is minted from the parent's, without a refresh
 * token: it is renewed by minting again (services/crm/crm.ts refresherFor), never by a refresh grant.
 */
async function installLinkedAccount(
  ctx: AppContext,
  crm: CrmModule,
  parent: Installation,
  accountId: string,
): Promise<Installation | null> {
  if (!crm.linkedAccounts) return null;
  const { installations } = await ctx.secretStores();
  const existing = await installations.findByAccount(crm.name, accountId);
  if (existing?.status === 'active' && existing.hasTokens && !existing.settings.viaCompany) return existing;
  const grant = await crm.linkedAccounts.mintToken(crmEnvironment(ctx), {
    parent,
    accountId,
    parentTokens: crmTokenSource(ctx, parent),
  });
  return storeGrant(ctx, crm, grant, { viaCompany: true });
}

export type AppEventOutcome =
  'installed' | 'known' | 'awaiting_oauth' | 'uninstalled' | 'unknown' | 'ignored';

/** A verified app event (the `app_event` inbound endpoint): what the module says it asks, applied. */
export async function applyAppEvent(
  ctx: AppContext,
  crm: CrmModule,
  body: unknown,
): Promise<AppEventOutcome> {
  const command = crm.install.appEvent?.(crmEnvironment(ctx), body) ?? { kind: 'ignore' };
  const { installations } = await ctx.secretStores();
  if (command.kind === 'ignore') return 'ignored';
  if (command.kind === 'uninstall') {
    // A parent: its row and the accounts that lived on its token. Directly installed accounts get their own event.
    const ids = command.accountId
      ? [(await installations.findByAccount(crm.name, command.accountId))?.id]
      : await installations.activeIdsOfParent(crm.name, command.parentAccountId ?? '');
    const found = ids.filter((id): id is string => Boolean(id));
    for (const id of found) await installations.uninstall(id, ctx.now());
    return found.length ? 'uninstalled' : 'unknown';
  }
  if (!command.accountId) return 'awaiting_oauth'; // a parent install: the OAuth callback stores its token
  const existing = await installations.findByAccount(crm.name, command.accountId);
  if (existing?.status === 'active' && existing.hasTokens) {
    await withSettings(ctx, crm, existing, {});
    return 'known';
  }
  const parent = command.parentAccountId
    ? await installations.findByAccount(crm.name, command.parentAccountId)
    : null;
  if (crm.linkedAccounts && parent?.status === 'active' && parent.accountType === 'company') {
    await installLinkedAccount(ctx, crm, parent, command.accountId);
    return 'installed';
  }
  // An install whose OAuth callback has not landed yet (the event can come first): the callback stores it.
  return 'awaiting_oauth';
}

export type UninstallOutcome = 'uninstalled' | 'unknown_company' | 'already_uninstalled';

/** DELETE /oauth/:crm/callback, for a CRM that uninstalls there (the module checks the caller first). */
export async function uninstallCall(
  ctx: AppContext,
  crm: CrmModule,
  authorization: string | undefined,
  readBody: () => Promise<string>,
): Promise<UninstallOutcome | null> {
  if (!crm.install.uninstallCall) return null;
  const { accountId } = await crm.install.uninstallCall(crmEnvironment(ctx), authorization, readBody);
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount(crm.name, accountId);
  if (!installation) return 'unknown_company';
  if (installation.status === 'uninstalled') return 'already_uninstalled';
  // Tokens and every connection credential go in one batch; message history stays for the records.
  await installations.uninstall(installation.id, ctx.now());
  return 'uninstalled';
}
