// POST /api/session: CRM context → short-lived bearer session scoped to one installation (DESIGN.md §4, §6).
// HighLevel: the custom page's SSO payload (AES under the Shared Secret). Pipedrive: the panel's signed JWT.
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { verifyPanelJwt } from '../../../adapters/crm/pipedrive/verify-pipedrive';
import type { AppEnv } from '../../env';
import { optionalSecret, requireSecret } from '../../config';
import { AppError } from '../../core/errors';
import { jsonBody } from '../../http/body';
import { createSessionToken, type SessionClaims } from '../../security/session';
import type { AppContext } from '../../context';
import { isPipedriveAdmin } from '../../../adapters/crm/pipedrive/pipedrive-api';
import { highLevelSsoSession } from '../../services/install/highlevel-sso';
import { pipedriveClientFor } from '../../services/install/pipedrive-panel';
import { supportedLanguage } from '../../ui/i18n/index';
import type { Installation } from '../../store/installations';

const bodySchema = z.discriminatedUnion('crm', [
  z.object({
    crm: z.literal('highlevel'),
    ssoPayload: z.string().check(z.minLength(1), z.maxLength(16_384)),
    contactId: z.optional(z.string().check(z.maxLength(128))),
  }),
  z.object({
    crm: z.literal('pipedrive'),
    token: z.string().check(z.minLength(1), z.maxLength(8_192)),
    personId: z.optional(z.string().check(z.maxLength(32))),
    dealId: z.optional(z.string().check(z.maxLength(32))),
    /** The settings page asks for an admin session; the user's admin flag is checked with Pipedrive. */
    surface: z._default(z.enum(['panel', 'settings']), 'panel'),
  }),
]);

async function installationFor(ctx: AppContext, crm: 'highlevel' | 'pipedrive', accountIds: string[]) {
  const { installations } = await ctx.secretStores();
  for (const accountId of accountIds) {
    const installation = await installations.findByAccount(crm, accountId);
    if (installation?.status === 'active') return installation;
  }
  throw new AppError(
    'forbidden',
    'wabridge is not installed for this account: install it from the marketplace',
  );
}

/**
 * The Pipedrive user behind the panel JWT: whether they are a company admin (the JWT does not say) and their
 * locale (the pages speak it, issue 14). For the settings surface a failure refuses (never guess admin); for the
 * panel it only costs the language, which then comes from the browser.
 */
async function pipedriveUser(ctx: AppContext, installation: Installation, userId: string, surface: string) {
  const lookup = pipedriveClientFor(ctx, installation).getUser(Number(userId));
  return surface === 'settings' ? lookup : lookup.catch(() => null);
}

export const sessionRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const ctx = c.get('ctx');
  const body = await jsonBody(c, bodySchema, 64 * 1024);
  let claims: SessionClaims;
  let ttlSeconds: number | undefined;
  // The CRM user's language where the CRM says it (Pipedrive's user locale; HighLevel's user context has none).
  let language: string | undefined;
  if (body.crm === 'highlevel') {
    ({ claims, ttlSeconds } = await highLevelSsoSession(ctx, body));
  } else {
    const secret =
      optionalSecret(ctx.config, 'PIPEDRIVE_JWT_SECRET') ??
      requireSecret(ctx.config, 'PIPEDRIVE_CLIENT_SECRET');
    const identity = await verifyPanelJwt(body.token, secret, ctx.now());
    const installation = await installationFor(ctx, 'pipedrive', [identity.companyId]);
    // The panel JWT does not say whether the user is an admin: ask Pipedrive, never trust the page.
    const user = await pipedriveUser(ctx, installation, identity.userId, body.surface);
    language = supportedLanguage(user?.locale) ?? undefined;
    const role = body.surface === 'settings' && user !== null && isPipedriveAdmin(user);
    if (body.surface === 'settings' && !role) {
      throw new AppError('forbidden', 'Only Pipedrive company admins can open the wabridge settings');
    }
    claims = {
      installationId: installation.id,
      crm: 'pipedrive',
      role: role ? 'admin' : 'agent',
      userId: identity.userId,
      contactId: body.personId,
      dealId: body.dealId,
    };
  }
  const session = await createSessionToken(
    requireSecret(ctx.config, 'SESSION_SECRET'),
    claims,
    ctx.now(),
    ttlSeconds,
  );
  return c.json({
    token: session.token,
    expiresAt: session.expiresAt,
    role: claims.role,
    crm: claims.crm,
    ...(language ? { language } : {}),
  });
});
