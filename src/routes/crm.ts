// /crm/:crm/:endpoint: what a CRM POSTs to us (app events, delivery URLs). Authentication is middleware: the CRM's
// endpoint verifies the call (signature, freshness, single use) before anything is stored — 401 otherwise — and the
// handler acts on the verified body and answers fast (DESIGN.md §6). A CRM or endpoint we do not serve is the app's
// 404, before the body is read.
import { Hono } from '../http/hono';
import { createMiddleware } from 'hono/factory';
import type { VerifiedCrmCall } from '../../adapters/crm/crm-hooks';
import type { AppEnv } from '../env';
import { readRawBody } from '../http/body';
import {
  crmInboundTarget,
  handleCrmCall,
  verifyCrmCall,
  type CrmInboundTarget,
} from '../services/install/crm-install-flows';

type CrmInboundEnv = {
  Bindings: AppEnv['Bindings'];
  Variables: AppEnv['Variables'] & { target: CrmInboundTarget; verified: VerifiedCrmCall };
};

const verifyCall = createMiddleware<CrmInboundEnv>(async (c, next) => {
  const target = crmInboundTarget(c.req.param('crm') ?? '', c.req.param('endpoint') ?? '');
  if (!target) return c.notFound();
  const ctx = c.get('ctx');
  const rawBody = await readRawBody(c, ctx.config.MAX_BODY_BYTES);
  c.set('verified', await verifyCrmCall(ctx, target, { rawBody, headers: c.req.raw.headers }));
  c.set('target', target);
  await next();
});

export const crmRoutes = new Hono<CrmInboundEnv>().post('/:crm/:endpoint', verifyCall, async (c) => {
  const verified = c.get('verified');
  try {
    return c.json({ ok: true, ...(await handleCrmCall(c.get('ctx'), c.get('target'), verified.body)) });
  } catch (error) {
    await verified.release();
    throw error;
  }
});
