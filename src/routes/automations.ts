// /automations: CRM automation steps calling us (issue 15). A CRM's workflow actions, options and trigger
// subscriptions (/automations/:crm/…, authenticated and read by that CRM's module; a CRM without workflows is the
// app's 404), and the per-installation automation webhook any tool can call (HTTP Basic, e.g. Pipedrive's "send
// webhook" action). A service decides; a forged or unauthenticated call is a 401 envelope and stores nothing.
import type { Context } from 'hono';
import { Hono } from '../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { paramsWith, readRawBody } from '../http/body';
import {
  receiveAutomationWebhook,
  receiveWorkflowAction,
  workflowCrm,
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

/** The CRM of `/:crm/…`, when it has workflows; null answers the app's 404 before the body is read. */
const crmOf = (c: Context<AppEnv>) => workflowCrm(c.req.param('crm') ?? '');

export const automationRoutes = new Hono<AppEnv>()
  // First: `/webhook/<id>` has the shape of `/:crm/triggers`, and is never a CRM's.
  .post('/webhook/:hookId', async (c) => {
    const { hookId } = paramsWith(c, hookParams);
    const ctx = c.get('ctx');
    const raw = await readRawBody(c, ctx.config.MAX_BODY_BYTES);
    const outcome = await receiveAutomationWebhook(ctx, hookId, c.req.header('authorization'), raw);
    return c.json({ success: outcome.status === 'queued', ...outcome });
  })
  .post('/:crm/actions/:action', async (c) => {
    const crm = crmOf(c);
    if (!crm) return c.notFound();
    const { action } = paramsWith(c, actionParams);
    const name = action === 'send-template' ? 'send_template' : 'send_message';
    return c.json(await receiveWorkflowAction(c.get('ctx'), crm, await signedCall(c), name));
  })
  // A workflow started or stopped using one of our triggers (subscribe / unsubscribe with its target URL).
  .post('/:crm/triggers', async (c) => {
    const crm = crmOf(c);
    if (!crm) return c.notFound();
    return c.json(await receiveTriggerSubscription(c.get('ctx'), crm, await signedCall(c)));
  })
  .post('/:crm/options/:kind', async (c) => {
    const crm = crmOf(c);
    if (!crm) return c.notFound();
    const { kind } = paramsWith(c, optionParams);
    return c.json(await workflowOptions(c.get('ctx'), crm, await signedCall(c), kind));
  })
  .get('/:crm/options/:kind', async (c) => {
    const crm = crmOf(c);
    if (!crm) return c.notFound();
    const { kind } = paramsWith(c, optionParams);
    const call = { rawBody: '', headers: c.req.raw.headers, query: c.req.query() };
    return c.json(await workflowOptions(c.get('ctx'), crm, call, kind));
  });
