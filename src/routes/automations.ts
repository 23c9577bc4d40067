// /automations: CRM automation steps calling us (issue 15). HighLevel workflow actions (the action secret header, or
// X-GHL-Signature) and the per-installation automation webhook for Pipedrive's "send webhook" action (HTTP Basic).
// A service decides; a forged or unauthenticated call is a 401 envelope and stores nothing.
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { paramsWith, readRawBody } from '../http/body';
import {
  receiveAutomationWebhook,
  receiveWorkflowAction,
  workflowOptions,
  type SignedCall,
} from '../services/crm/automation-calls';
import { receiveTriggerSubscription } from '../services/crm/automation-triggers';

async function signedCall(c: Context<AppEnv>): Promise<SignedCall> {
  return { rawBody: await readRawBody(c, c.get('ctx').config.MAX_BODY_BYTES), headers: c.req.raw.headers };
}

const actionParams = z.object({ action: z.enum(['send-template', 'send-message']) });
const optionParams = z.object({ kind: z.enum(['templates', 'numbers']) });
const hookParams = z.object({ hookId: z.string().check(z.minLength(1), z.maxLength(64)) });

export const automationRoutes = new Hono<AppEnv>()
  .post('/highlevel/actions/:action', async (c) => {
    const { action } = paramsWith(c, actionParams);
    const name = action === 'send-template' ? 'send_template' : 'send_message';
    return c.json(await receiveWorkflowAction(c.get('ctx'), await signedCall(c), name));
  })
  // A workflow started or stopped using one of our triggers (subscribe / unsubscribe with its target URL).
  .post('/highlevel/triggers', async (c) =>
    c.json(await receiveTriggerSubscription(c.get('ctx'), await signedCall(c))),
  )
  .post('/highlevel/options/:kind', async (c) => {
    const { kind } = paramsWith(c, optionParams);
    return c.json(await workflowOptions(c.get('ctx'), await signedCall(c), kind));
  })
  .get('/highlevel/options/:kind', async (c) => {
    const { kind } = paramsWith(c, optionParams);
    const call = { rawBody: '', headers: c.req.raw.headers, query: c.req.query() };
    return c.json(await workflowOptions(c.get('ctx'), call, kind));
  })
  .post('/webhook/:hookId', async (c) => {
    const { hookId } = paramsWith(c, hookParams);
    const ctx = c.get('ctx');
    const raw = await readRawBody(c, ctx.config.MAX_BODY_BYTES);
    const outcome = await receiveAutomationWebhook(ctx, hookId, c.req.header('authorization'), raw);
    return c.json({ success: outcome.status === 'queued', ...outcome });
  });
