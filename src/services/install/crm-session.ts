// POST /api/session: a CRM page's signed context → a short-lived bearer session scoped to one installation
// (DESIGN.md §4, §6; issue 13). The CRM's module reads its context (CrmModule.session: an SSO payload, a panel JWT) as
// an identity; this finds the installation and mints the session.
import * as z from 'zod/mini';
import type { CrmSessionBody } from '../../../adapters/crm/crm-hooks';
import { CRM_MODULES, crmModule, isCrmName } from '../../../adapters/crm/registry';
import { requireSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { sha256Hex } from '../../security/encoding';
import { createSessionToken } from '../../security/session';
import type { Installation } from '../../store/installations';
import { supportedLanguage } from '../../ui/i18n/index';
import { crmEnvironment, crmTokenSource } from '../crm/crm';

export interface OpenedSession {
  token: string;
  expiresAt: number;
  role: 'admin' | 'agent';
  crm: string;
  language?: string;
}

/** The body of every CRM in the registry, told apart by `crm` (an unknown CRM is a 400 naming the field). */
export function sessionBodySchema() {
  const bodies = Object.values(CRM_MODULES).map((module) => module.session.body);
  return z.discriminatedUnion('crm', bodies as [z.ZodMiniObject, ...z.ZodMiniObject[]]);
}

/** processed_events key of a CRM's sign-in material: its first sight is remembered, never the material itself. */
const replayPrefix = (crm: string) => `${crm}:sso:`;

async function firstSeenAt(ctx: AppContext, crm: string, material: string): Promise<number> {
  const key = `${replayPrefix(crm)}${await sha256Hex(material)}`;
  await ctx.events.claim(key, ctx.now());
  const row = await ctx.db
    .prepare('SELECT received_at FROM processed_events WHERE key = ?')
    .bind(key)
    .first<{ received_at: number }>();
  return row?.received_at ?? ctx.now();
}

async function installationFor(
  ctx: AppContext,
  crm: CrmSessionBody['crm'],
  identity: { accountId: string; accountType?: 'location' | 'company'; notInstalledMessage?: string },
): Promise<Installation> {
  const { installations } = await ctx.secretStores();
  const installation = isCrmName(crm) ? await installations.findByAccount(crm, identity.accountId) : null;
  const fits =
    installation?.status === 'active' &&
    (identity.accountType === undefined || installation.accountType === identity.accountType);
  if (!installation || !fits) {
    throw new AppError(
      'forbidden',
      identity.notInstalledMessage ??
        'wabridge is not installed for this account: install it from the marketplace',
    );
  }
  return installation;
}

/** `body`: parsed with sessionBodySchema() by the route. */
export async function openCrmSession(ctx: AppContext, body: CrmSessionBody): Promise<OpenedSession> {
  if (!isCrmName(body.crm)) throw new AppError('invalid_request', 'Invalid body'); // the union refused it already
  const module = crmModule(body.crm);
  const env = crmEnvironment(ctx);
  const identity = await module.session.identify(env, body);
  const installation = await installationFor(ctx, body.crm, identity);
  const grant = await module.session.admit(
    env,
    { identity, installation, body },
    {
      firstSeenAt: (material) => firstSeenAt(ctx, module.name, material),
      tokenSource: () => crmTokenSource(ctx, installation),
    },
  );
  const claims = {
    installationId: installation.id,
    crm: module.name,
    role: grant.role,
    userId: identity.userId,
    contactId: identity.contactId,
    ...(identity.dealId !== undefined ? { dealId: identity.dealId } : {}),
  };
  const session = await createSessionToken(
    requireSecret(ctx.config, 'SESSION_SECRET'),
    claims,
    ctx.now(),
    grant.ttlSeconds,
  );
  // The CRM user's language where the CRM says it (a user locale; a context without one keeps the browser's).
  const language = supportedLanguage(grant.locale) ?? undefined;
  return {
    token: session.token,
    expiresAt: session.expiresAt,
    role: claims.role,
    crm: claims.crm,
    ...(language ? { language } : {}),
  };
}

/** Cron: hashes of sign-in material first seen longer ago than its CRM remembers them, a bounded batch per run. */
export async function purgeSessionReplayHashes(ctx: AppContext): Promise<number> {
  let purged = 0;
  for (const module of Object.values(CRM_MODULES)) {
    const memoryMs = module.session.replayMemoryMs;
    if (memoryMs === undefined) continue;
    purged += await ctx.events.purgeKeysSeenBefore(replayPrefix(module.name), ctx.now() - memoryMs);
  }
  if (purged) console.log(JSON.stringify({ level: 'info', msg: 'old SSO replay hashes purged', purged }));
  return purged;
}
