// /oauth/highlevel: Marketplace install (authorize → callback). Thin: parse, call the install service, answer.
import { Hono } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { AppError } from '../core/errors';
import { queryWith } from '../http/body';
import { completeHighLevelInstall, startHighLevelInstall } from '../services/install/highlevel-install';

const callbackQuery = z.object({
  code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  // Absent when the install starts from the marketplace listing (see completeHighLevelInstall).
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(200))),
});

export const highLevelOAuthRoutes = new Hono<AppEnv>()
  .get('/start', async (c) => c.redirect(await startHighLevelInstall(c.get('ctx')), 302))
  .get('/callback', async (c) => {
    const query = queryWith(c, callbackQuery);
    if (!query.code) {
      throw new AppError(
        'invalid_request',
        `HighLevel did not authorize the install${query.error ? `: ${query.error}` : ''}`,
      );
    }
    await completeHighLevelInstall(c.get('ctx'), { code: query.code, state: query.state });
    return c.redirect('/ui/admin?crm=highlevel', 302);
  });
