// HighLevel Marketplace workflow triggers (issue 15): HighLevel tells us where to fire a trigger when a workflow
// starts (or stops) using it, and we fire it by POSTing the event to that URL with the location's token.
//
// Sources, checked 2026-12-04: marketplace.gohighlevel.com/docs/marketplace-modules/WorkflowActionsAndTriggers (and
// CustomTriggers): an immutable Key; "Configure Trigger Data": a sample JSON payload whose keys become the trigger's
// filters and custom variables; filters are "mapped to a key in the sample trigger data". Those pages describe the
// developer portal and print no request bodies, and highlevel.stoplight.io / GoHighLevel/highlevel-api-docs document
// no trigger endpoint, so the wire shapes below are from several public Marketplace apps' handlers (secondary,
// still UNVERIFIED against HighLevel's own text):
//   - the subscription call to our Trigger URL is `{ triggerData: { id, key, eventType: CREATED|UPDATED|DELETED,
//     targetUrl, filters: [...] }, extras: { locationId, workflowId, companyId }, meta: { key, version } }`;
//     DELETED is the unsubscribe. The public apps disagree on a filter's name key (`field` in some, `id` in others):
//     both are read, and a filter we cannot read is skipped rather than refusing the whole subscription (the
//     trigger's defaults then apply). We authenticate the call like the action calls (X-GHL-Signature, or our
//     header);
//   - the target URL is `https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/<id>` in those
//     apps; firing is `POST targetUrl` with `Authorization: Bearer <location token>` and the flat JSON the trigger's
//     sample declares (manifest/highlevel/workflow-triggers.json); any 2xx means accepted.
import * as z from 'zod/mini';
import { AppError } from '../../../src/core/errors';
import type { HighLevelClient } from './highlevel-client';
import { authenticateWorkflowCall, type HighLevelSignedCall } from './workflow-action';

const text = (max: number) => z.string().check(z.maxLength(max));

const subscriptionSchema = z.object({
  triggerData: z.object({
    id: text(128).check(z.minLength(1)),
    key: text(128).check(z.minLength(1)),
    eventType: z.enum(['CREATED', 'UPDATED', 'DELETED']),
    targetUrl: z.optional(text(2048)),
    filters: z.optional(z.array(z.unknown())),
  }),
  extras: z.object({
    locationId: text(128).check(z.minLength(1)),
    workflowId: z.optional(text(128)),
    companyId: z.optional(text(128)),
  }),
  meta: z.optional(z.object({ key: z.optional(text(128)), version: z.optional(z.unknown()) })),
});

/** One filter the user set on the trigger; its name comes as `field` or `id` (see the sources above). */
const filterSchema = z.object({
  field: z.optional(text(128)),
  id: z.optional(text(128)),
  key: z.optional(text(128)),
  value: z.optional(z.union([text(1024), z.number(), z.boolean(), z.null()])),
});

export interface TriggerSubscriptionCall {
  locationId: string;
  triggerKey: string;
  externalId: string;
  workflowId?: string;
  /** Null for an unsubscribe. */
  targetUrl: string | null;
  /** The filters the user set on the trigger, by field (e.g. `leadMinutes`). */
  settings: Record<string, string>;
}

/** Hosts HighLevel fires from (its API and app domains); the configured API base is also accepted (simulators). */
const HIGHLEVEL_HOSTS = /(^|\.)(leadconnectorhq\.com|gohighlevel\.com)$/;

/** Only HighLevel's own hosts: a subscription must never make us POST tokens to an arbitrary URL. */
export function isHighLevelTargetUrl(target: string, apiBaseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.origin === new URL(apiBaseUrl).origin) return true;
  return url.protocol === 'https:' && HIGHLEVEL_HOSTS.test(url.hostname);
}

/** Verifies and reads a trigger subscription call; 401 unauthenticated, 400 malformed or a foreign target URL. */
export async function parseTriggerSubscription(
  call: HighLevelSignedCall & { apiBaseUrl: string },
): Promise<TriggerSubscriptionCall> {
  await authenticateWorkflowCall(call);
  let body: unknown;
  try {
    body = JSON.parse(call.rawBody) as unknown;
  } catch {
    throw new AppError('invalid_request', 'Body is not valid JSON');
  }
  const result = z.safeParse(subscriptionSchema, body);
  if (!result.success)
    throw new AppError(
      'invalid_request',
      'Invalid trigger subscription call',
      result.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(root)',
        message: i.message,
      })),
    );
  const { triggerData, extras } = result.data;
  const unsubscribe = triggerData.eventType === 'DELETED';
  if (
    !unsubscribe &&
    (!triggerData.targetUrl || !isHighLevelTargetUrl(triggerData.targetUrl, call.apiBaseUrl))
  )
    throw new AppError('invalid_request', 'targetUrl must be a HighLevel URL', [
      { path: 'triggerData.targetUrl', message: 'not a HighLevel URL' },
    ]);
  const settings: Record<string, string> = {};
  for (const raw of triggerData.filters ?? []) {
    const f = z.safeParse(filterSchema, raw);
    if (!f.success) continue;
    const name = f.data.field ?? f.data.id ?? f.data.key;
    if (name && f.data.value !== null && f.data.value !== undefined) settings[name] = String(f.data.value);
  }
  return {
    locationId: extras.locationId,
    triggerKey: triggerData.key,
    externalId: triggerData.id,
    workflowId: extras.workflowId,
    targetUrl: unsubscribe ? null : triggerData.targetUrl!,
    settings,
  };
}

/** Fires one trigger event: POST the payload to the subscription's target URL through the paced client. */
export async function fireWorkflowTrigger(
  client: HighLevelClient,
  targetUrl: string,
  payload: unknown,
): Promise<void> {
  const url = new URL(targetUrl);
  await client.request({
    method: 'POST',
    path: url.pathname + url.search,
    body: payload,
    schema: z.unknown(),
  });
}
