// POST /api/session: a CRM page's signed context → short-lived bearer session scoped to one installation
// (DESIGN.md §4, §6). The use case, CRM by CRM through the registry: services/install/crm-session.ts.
import { Hono } from '../../http/hono';
import type { AppEnv } from '../../env';
import { jsonBody } from '../../http/body';
import { openCrmSession, sessionBodySchema } from '../../services/install/crm-session';

export const sessionRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const body = await jsonBody(c, sessionBodySchema(), 64 * 1024);
  return c.json(await openCrmSession(c.get('ctx'), body as { crm: string }));
});
