// The Pipedrive panel's and settings page's signed JWT → session (DESIGN.md §4, §6). The JWT names the company and
// the user but not whether they are an admin, nor their locale: Pipedrive is asked (GET /v1/users/{id}).
import * as z from 'zod/mini';
import { optionalSecret, requireSecret } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import type { CrmSessionHooks } from '../crm-hooks';
import { isPipedriveAdmin } from './pipedrive-api';
import { PAGE_MAX_WAIT_MS, pipedriveClientOf } from './pipedrive-client-of';
import { verifyPanelJwt } from './verify-pipedrive';

const sessionBody = z.object({
  crm: z.literal('pipedrive'),
  token: z.string().check(z.minLength(1), z.maxLength(8_192)),
  personId: z.optional(z.string().check(z.maxLength(32))),
  dealId: z.optional(z.string().check(z.maxLength(32))),
  /** The settings page asks for an admin session; the user's admin flag is checked with Pipedrive. */
  surface: z._default(z.enum(['panel', 'settings']), 'panel'),
});

export const pipedriveSession: CrmSessionHooks<z.output<typeof sessionBody>> = {
  body: sessionBody,

  async identify({ config, now }, body) {
    const secret =
      optionalSecret(config, 'PIPEDRIVE_JWT_SECRET') ?? requireSecret(config, 'PIPEDRIVE_CLIENT_SECRET');
    const identity = await verifyPanelJwt(body.token, secret, now());
    return {
      accountId: identity.companyId,
      userId: identity.userId,
      contactId: body.personId,
      dealId: body.dealId,
    };
  },

  /**
   * Whether the user is a company admin (the JWT does not say: never trust the page) and their locale (the pages speak
   * it, issue 14). For the settings surface a failed lookup refuses (never guess admin); for the panel it only costs
   * the language, which then comes from the browser.
   */
  async admit(env, { identity, installation, body }, ports) {
    const client = pipedriveClientOf(env, installation, ports.tokenSource(), { maxWaitMs: PAGE_MAX_WAIT_MS });
    const lookup = client.getUser(Number(identity.userId));
    const user = body.surface === 'settings' ? await lookup : await lookup.catch(() => null);
    const admin = body.surface === 'settings' && user !== null && isPipedriveAdmin(user);
    if (body.surface === 'settings' && !admin) {
      throw new AppError('forbidden', 'Only Pipedrive company admins can open the wabridge settings');
    }
    return { role: admin ? 'admin' : 'agent', locale: user?.locale };
  },
};
