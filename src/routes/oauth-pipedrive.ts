// /oauth/pipedrive: Marketplace install (authorize → callback) and uninstall (DELETE on the callback URL).
// Thin: parse, call the install service, answer (DESIGN.md §4).
import { Hono } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { queryWith, readRawBody } from '../http/body';
import {
  completePipedriveInstall,
  startPipedriveInstall,
  uninstallPipedrive,
} from '../services/install/pipedrive-install';

const callbackQuery = z.object({
  code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  // `?error=user_denied` when the user cancels on the consent screen (RD/marketplace-oauth-authorization).
  error: z.optional(z.string().check(z.maxLength(200))),
});

/** The uninstall body is four small fields; anything bigger is not Pipedrive. */
const UNINSTALL_MAX_BYTES = 16 * 1024;

export const pipedriveOAuthRoutes = new Hono<AppEnv>()
  .get('/start', async (c) => c.redirect(await startPipedriveInstall(c.get('ctx')), 302))
  .get('/callback', async (c) => {
    await completePipedriveInstall(c.get('ctx'), queryWith(c, callbackQuery));
    return c.redirect('/ui/admin?crm=pipedrive', 302);
  })
  .delete('/callback', async (c) => {
    const ctx = c.get('ctx');
    const outcome = await uninstallPipedrive(ctx, c.req.header('authorization'), () =>
      readRawBody(c, UNINSTALL_MAX_BYTES),
    );
    // Pipedrive ignores the answer; an unknown company is still a success so it never retries.
    return c.json({ ok: true, outcome });
  });
