// /oauth/:crm: Marketplace install (authorize → callback) and, for a CRM that sends it there, uninstall (DELETE on
// the callback URL). Thin: parse, call the install use case (services/install/crm-install.ts) with the CRM's module,
// answer. A `:crm` that is not a CRM is the app's 404.
import type { Context } from 'hono';
import { Hono } from '../http/hono';
import * as z from 'zod/mini';
import type { CrmModule } from '../../adapters/crm/crm-module';
import type { AppEnv } from '../env';
import { queryWith, readRawBody } from '../http/body';
import { completeInstall, startInstall, uninstallCall } from '../services/install/crm-install';
import { crmByName } from '../services/install/crm-install-flows';

const callbackQuery = z.object({
  code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  // Absent when an install starts from a marketplace listing; each CRM decides whether that is allowed.
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  // `?error=…` when the user cancels on the consent screen.
  error: z.optional(z.string().check(z.maxLength(200))),
});

/** An uninstall body is a few small fields; anything bigger is not the CRM. */
const UNINSTALL_MAX_BYTES = 16 * 1024;

function withCrm(
  handle: (c: Context<AppEnv>, crm: CrmModule) => Promise<Response>,
): (c: Context<AppEnv>) => Promise<Response> {
  return async (c) => {
    const crm = crmByName(c.req.param('crm') ?? '');
    return crm ? handle(c, crm) : c.notFound();
  };
}

export const oauthRoutes = new Hono<AppEnv>()
  .get(
    '/:crm/start',
    withCrm(async (c, crm) => c.redirect(await startInstall(c.get('ctx'), crm), 302)),
  )
  .get(
    '/:crm/callback',
    withCrm(async (c, crm) => {
      await completeInstall(c.get('ctx'), crm, queryWith(c, callbackQuery));
      return c.redirect(`/ui/admin?crm=${crm.name}`, 302);
    }),
  )
  .delete(
    '/:crm/callback',
    withCrm(async (c, crm) => {
      const outcome = await uninstallCall(c.get('ctx'), crm, c.req.header('authorization'), () =>
        readRawBody(c, UNINSTALL_MAX_BYTES),
      );
      // The CRM ignores the answer; an unknown account is still a success so it never retries.
      return outcome ? c.json({ ok: true, outcome }) : c.notFound();
    }),
  );
