// /oauth/highlevel: Marketplace install (authorize → callback). Thin: parse, call the install service, answer.
import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../app';
import { AppError } from '../core/errors';
import { queryWith } from '../http/body';
import { completeHighLevelInstall, startHighLevelInstall } from '../services/highlevel-install';

const callbackQuery = z.object({
  code: z.string().min(1).max(2048).optional(),
  // Absent when the install starts from the marketplace listing (see completeHighLevelInstall).
  state: z.string().min(1).max(512).optional(),
  error: z.string().max(200).optional(),
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
