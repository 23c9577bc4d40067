// CRM workflow triggers (issue 15): subscriptions a CRM sends when a workflow uses one of our triggers (read by the
// CRM's module), and firing them as CRM jobs (queued, paced per account, retried, dead-lettered; the module builds
// the request), at most once per event: the firing row is unique per (subscription, event id) and its job claims
// it with a lease before the POST.
import type { CrmWorkflowCall } from '../../../adapters/crm/crm-inbound-hooks';
import { crmModule } from '../../../adapters/crm/registry';
import type { CrmName } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { AutomationTriggerStore, type FiringGuard } from '../../store/automation-triggers';
import { crmEnvironment, failureOutcome, crmTokenSource } from './crm';
import { crmPacer } from './crm-pacing';
import type { JobOutcome } from '../job-outcome';

/** Our triggers' keys (as published in the CRM's manifest: manifest/highlevel/workflow-triggers.json). */
export const TRIGGER_KEYS = {
  messageReceived: 'wabridge_message_received',
  messageFailed: 'wabridge_message_failed',
  templateStatus: 'wabridge_template_status_changed',
  windowClosing: 'wabridge_window_closing_soon',
} as const;
export type TriggerKey = (typeof TRIGGER_KEYS)[keyof typeof TRIGGER_KEYS];

/** A firing's job that died mid-POST leaves its lease; another delivery may take it over after this. */
const FIRING_LEASE_MS = 60_000;

const store = (ctx: AppContext) => new AutomationTriggerStore(ctx.db);

/** The CRM's subscribe / unsubscribe call for one use of a trigger in a workflow. */
export async function receiveTriggerSubscription(
  ctx: AppContext,
  crm: CrmName,
  call: CrmWorkflowCall,
): Promise<{ success: true; subscribed: boolean }> {
  const workflows = crmModule(crm).workflows;
  if (!workflows) throw new AppError('not_found', 'This CRM has no workflow triggers');
  const parsed = await workflows.readTriggerSubscription(crmEnvironment(ctx), call);
  if (!(Object.values(TRIGGER_KEYS) as string[]).includes(parsed.triggerKey))
    throw new AppError('invalid_request', `Unknown trigger key ${parsed.triggerKey}`);
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount(crm, parsed.accountId);
  if (!installation || installation.status !== 'active')
    throw new AppError('not_found', 'The WhatsApp app is not installed for this location');
  if (!parsed.targetUrl) {
    await store(ctx).unsubscribe(installation.id, parsed.externalId, ctx.now());
    return { success: true, subscribed: false };
  }
  await store(ctx).subscribe(
    {
      installationId: installation.id,
      triggerKey: parsed.triggerKey,
      externalId: parsed.externalId,
      targetUrl: parsed.targetUrl,
      workflowId: parsed.workflowId ?? null,
      settings: parsed.settings,
    },
    ctx.now(),
  );
  return { success: true, subscribed: true };
}

/**
 * Fires `key` for one event on every active subscription of the installation: a firing row each (none if this event
 * fired there already), then one CRM job each. Returns how many were new.
 */
export async function fireTrigger(
  ctx: AppContext,
  installationId: string,
  key: TriggerKey,
  eventId: string,
  payload: Record<string, unknown>,
  onlySubscriptionId?: string,
): Promise<number> {
  const triggers = store(ctx);
  const subscriptions = await triggers.active(installationId, key);
  let fired = 0;
  for (const subscription of subscriptions) {
    if (onlySubscriptionId && subscription.id !== onlySubscriptionId) continue;
    const firingId = await triggers.addFiring(subscription.id, eventId, payload, ctx.now());
    if (!firingId) continue;
    await ctx.queue.send({ type: 'crm_fire_trigger', firingId });
    fired++;
  }
  return fired;
}

/**
 * `fireTrigger` for an event stored in a D1 batch: the firings' statement goes into that batch (so a crash after it
 * leaves pending rows the cron re-queues), and `enqueueFirings` with its result after the batch is the fast path.
 */
export function firingsStatement(
  ctx: AppContext,
  installationId: string,
  key: TriggerKey,
  eventId: string,
  payload: Record<string, unknown>,
  onlyIf: FiringGuard,
): D1PreparedStatement {
  return store(ctx).firingsStatement(installationId, key, eventId, payload, ctx.now(), onlyIf);
}

export async function enqueueFirings(
  ctx: AppContext,
  stored: D1Result<{ id: string }> | undefined,
): Promise<number> {
  const ids = stored?.results.map((r) => r.id) ?? [];
  for (const firingId of ids) await ctx.queue.send({ type: 'crm_fire_trigger', firingId });
  return ids.length;
}

/** The job: POST the stored payload to the subscription's target URL once. */
export async function runFireTrigger(
  ctx: AppContext,
  firingId: string,
  attempt: number,
): Promise<JobOutcome> {
  const triggers = store(ctx);
  const firing = await triggers.firing(firingId);
  if (!firing || firing.state !== 'pending') return { kind: 'done' };
  const subscription = await triggers.subscription(firing.subscriptionId);
  const { installations } = await ctx.secretStores();
  const installation = subscription ? await installations.get(subscription.installationId) : null;
  const workflows = installation ? crmModule(installation.crm).workflows : undefined;
  if (!subscription?.active || !installation || installation.status !== 'active' || !workflows) {
    await triggers.finish(firingId, 'dead', ctx.now());
    return { kind: 'done' };
  }
  const now = ctx.now();
  if (!(await triggers.claim(firingId, now - FIRING_LEASE_MS, now))) {
    // Another delivery of this job holds it: look again once its lease could have run out.
    return { kind: 'retry', delaySeconds: FIRING_LEASE_MS / 1000, countsAsAttempt: false };
  }
  const tried = Math.max(attempt, firing.attempts);
  const pacer = crmPacer(ctx, installation);
  try {
    await workflows.fireTrigger(
      crmEnvironment(ctx),
      { tokenSource: crmTokenSource(ctx, installation), pacer },
      subscription.targetUrl,
      firing.payload,
    );
  } catch (error) {
    const outcome = failureOutcome(error, tried);
    if (outcome.kind === 'retry') {
      const attempts = tried + (outcome.countsAsAttempt ? 1 : 0);
      await triggers.release(firingId, attempts, ctx.now() + outcome.delaySeconds * 1000 - FIRING_LEASE_MS);
    }
    return outcome;
  } finally {
    await pacer.settle();
  }
  await triggers.finish(firingId, 'done', ctx.now());
  return { kind: 'done' };
}

/** A firing's job exhausted its retries: the row says so (the dead letter itself is recorded by the caller). */
export async function markFiringDead(ctx: AppContext, firingId: string): Promise<string | null> {
  const triggers = store(ctx);
  await triggers.finish(firingId, 'dead', ctx.now());
  const firing = await triggers.firing(firingId);
  const subscription = firing ? await triggers.subscription(firing.subscriptionId) : null;
  return subscription?.installationId ?? null;
}

/** A firing this old whose lease ran out has lost its job (a crash between the insert and the enqueue). */
const STRANDED_AFTER_MS = 10 * 60_000;

/** Cron: re-enqueues firings whose job was lost; the claim makes a second job for a live firing harmless. */
export async function resumeStrandedFirings(ctx: AppContext, limit = 100): Promise<number> {
  const now = ctx.now();
  const ids = await store(ctx).stranded(now - STRANDED_AFTER_MS, now - FIRING_LEASE_MS, limit);
  if (ids.length)
    await ctx.queue.sendBatch(ids.map((firingId) => ({ type: 'crm_fire_trigger' as const, firingId })));
  return ids.length;
}
