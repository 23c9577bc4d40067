// /crm/:crm/:endpoint: what a CRM POSTs to us (app events, delivery URLs). Each endpoint of the CRM's install flow
// verifies the CRM's signature before anything is stored (401 otherwise) and answers fast (DESIGN.md §6).
// A CRM or endpoint we do not serve is the app's 404 (before the body is read).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { readRawBody } from '../http/body';
import { crmInstallFlow } from '../services/install/crm-install-flows';

export const crmRoutes = new Hono<AppEnv>().post('/:crm/:endpoint', async (c) => {
  const inbound = crmInstallFlow(c.req.param('crm'))?.inbound;
  const endpoint = c.req.param('endpoint');
  const handle = inbound && Object.hasOwn(inbound, endpoint) ? inbound[endpoint] : undefined;
  if (!handle) return c.notFound();
  const ctx = c.get('ctx');
  const rawBody = await readRawBody(c, ctx.config.MAX_BODY_BYTES);
  return c.json({ ok: true, ...(await handle(ctx, { rawBody, headers: c.req.raw.headers })) });
});
