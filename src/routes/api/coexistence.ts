// PUT /api/connections/:id/coexistence (issue 12 item 5): the admin says the number is (or is no longer) shared with
// the WhatsApp Business app; it is also learned from the number's echoes / history webhooks. Such a number sends at
// most 20 msg/s.
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { jsonBody, paramsWith } from '../../http/body';
import { describeConnection } from '../../services/install/connections';
import { setConnectionCoexistence } from '../../store/coexistence';
import { requireSession, scopedConnection } from './auth';

const params = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
const body = z.object({ enabled: z.boolean() });

export const coexistenceRoutes = new Hono<AppEnv>().put(
  '/:id/coexistence',
  requireSession('admin'),
  async (c) => {
    const { id } = paramsWith(c, params);
    const ctx = c.get('ctx');
    const { enabled } = await jsonBody(c, body, ctx.config.MAX_BODY_BYTES);
    const connection = await scopedConnection(c, id);
    await setConnectionCoexistence(ctx.db, connection.id, enabled, ctx.now());
    const { connections } = await ctx.secretStores();
    return c.json({
      connection: await describeConnection(ctx, (await connections.get(connection.id))!, 'admin'),
    });
  },
);
