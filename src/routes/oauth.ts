// /oauth/:crm: Marketplace install (authorize → callback) and, for a CRM that sends it there, uninstall (DELETE on
// the callback URL). Thin: parse, call the CRM's install flow (services/install/crm-install-flows.ts), answer.
// A `:crm` that is not a CRM is the app's 404.
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { queryWith, readRawBody } from '../http/body';
import { crmInstallFlow, type CrmInstallFlow } from '../services/install/crm-install-flows';

const callbackQuery = z.object({
  code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  // Absent when an install starts from a marketplace listing; each flow decides whether that is allowed.
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  // `?error=…` when the user cancels on the consent screen.
  error: z.optional(z.string().check(z.maxLength(200))),
});

/** An uninstall body is a few small fields; anything bigger is not the CRM. */
const UNINSTALL_MAX_BYTES = 16 * 1024;

const crmOf = (c: Context<AppEnv>) => c.req.param('crm') ?? '';

function withFlow(
  handle: (c: Context<AppEnv>, flow: CrmInstallFlow, crm: string) => Promise<Response>,
): (c: Context<AppEnv>) => Promise<Response> {
  return async (c) => {
    const flow = crmInstallFlow(crmOf(c));
    return flow ? handle(c, flow, crmOf(c)) : c.notFound();
  };
}

export const oauthRoutes = new Hono<AppEnv>()
  .get(
    '/:crm/start',
    withFlow(async (c, flow) => c.redirect(await flow.start(c.get('ctx')), 302)),
  )
  .get(
    '/:crm/callback',
    withFlow(async (c, flow, crm) => {
      await flow.complete(c.get('ctx'), queryWith(c, callbackQuery));
      return c.redirect(`/ui/admin?crm=${crm}`, 302);
    }),
  )
  .delete(
    '/:crm/callback',
    withFlow(async (c, flow) => {
      if (!flow.uninstall) return c.notFound();
      const outcome = await flow.uninstall(c.get('ctx'), c.req.header('authorization'), () =>
        readRawBody(c, UNINSTALL_MAX_BYTES),
      );
      // The CRM ignores the answer; an unknown account is still a success so it never retries.
      return c.json({ ok: true, outcome });
    }),
  );
