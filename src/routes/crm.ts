// /crm/:crm/:endpoint: what a CRM POSTs to us (app events, delivery URLs). Authentication is middleware: the CRM's
// endpoint verifies the call (signature, freshness, single use) before anything is stored — 401 otherwise — and the
// handler acts on the verified body and answers fast (DESIGN.md §6). A CRM or endpoint we do not serve is the app's
// 404, before the body is read.
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { readRawBody } from '../http/body';
import {
  crmInstallFlow,
  type CrmInboundEndpoint,
  type VerifiedInboundCall,
} from '../services/install/crm-install-flows';

type CrmInboundEnv = {
  Bindings: AppEnv['Bindings'];
  Variables: AppEnv['Variables'] & { endpoint: CrmInboundEndpoint; verified: VerifiedInboundCall };
};

function endpointOf(crm: string, name: string): CrmInboundEndpoint | null {
  const inbound = crmInstallFlow(crm)?.inbound;
  return inbound && Object.hasOwn(inbound, name) ? inbound[name]! : null;
}

const verifyCrmCall = createMiddleware<CrmInboundEnv>(async (c, next) => {
  const endpoint = endpointOf(c.req.param('crm') ?? '', c.req.param('endpoint') ?? '');
  if (!endpoint) return c.notFound();
  const ctx = c.get('ctx');
  const rawBody = await readRawBody(c, ctx.config.MAX_BODY_BYTES);
  c.set('verified', await endpoint.verify(ctx, { rawBody, headers: c.req.raw.headers }));
  c.set('endpoint', endpoint);
  await next();
});

export const crmRoutes = new Hono<CrmInboundEnv>().post('/:crm/:endpoint', verifyCrmCall, async (c) => {
  const verified = c.get('verified');
  try {
    return c.json({ ok: true, ...(await c.get('endpoint').handle(c.get('ctx'), verified.body)) });
  } catch (error) {
    await verified.release();
    throw error;
  }
});
