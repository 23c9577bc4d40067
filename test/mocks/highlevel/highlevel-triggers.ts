// HighLevel's side of our Marketplace workflow triggers (issue 15): the subscription call HighLevel makes when a
// workflow starts or stops using a trigger, and the target URL that records each firing. Shapes UNVERIFIED (see
// adapters/crm/highlevel/workflow-trigger.ts); the target URL lives on its own host, outside the API spec's base.
import { http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import type { FaultInjector } from '../faults';
import type { HighLevelSimulatorState } from './highlevel-state';
import { hlError } from './hl-error';

export const TRIGGER_BASE_URL = 'https://backend.leadconnectorhq.com';
const EXECUTE_PATH = '/workflows-marketplace/triggers/execute';

export interface SimTriggerFiring {
  triggerId: string;
  locationId: string | undefined;
  body: unknown;
  at: number;
}

export interface TriggerSubscriptionInput {
  key: string;
  /** HighLevel's id of this use of the trigger (default: a fresh one). */
  id?: string;
  eventType?: 'CREATED' | 'UPDATED' | 'DELETED';
  filters?: { field: string; value: string }[];
  workflowId?: string;
  locationId?: string;
  targetUrl?: string;
}

export function triggerSubscriptionPayload(
  input: TriggerSubscriptionInput & { locationId: string; triggerBase?: string },
) {
  const id = input.id ?? crypto.randomUUID();
  return {
    triggerData: {
      id,
      key: input.key,
      eventType: input.eventType ?? 'CREATED',
      targetUrl: input.targetUrl ?? `${input.triggerBase ?? TRIGGER_BASE_URL}${EXECUTE_PATH}/${id}`,
      filters: input.filters ?? [],
    },
    extras: { locationId: input.locationId, workflowId: input.workflowId ?? 'workflow0001' },
    meta: { key: input.key, version: '1.0' },
  };
}

/** The target URLs: a valid location token is required; each accepted POST is recorded in `firings`. */
export function triggerHandlers(
  state: HighLevelSimulatorState,
  faults: FaultInjector,
  firings: SimTriggerFiring[],
  now: () => number,
  triggerBase = TRIGGER_BASE_URL,
): HttpHandler[] {
  return [
    http.post(`${triggerBase}${EXECUTE_PATH}/:triggerId`, async ({ request, params }) => {
      const fault = await faults.take(request.clone() as unknown as Parameters<FaultInjector['take']>[0]);
      if (fault) return fault;
      const auth = request.headers.get('authorization') ?? '';
      const token = state.validAccessToken(auth.startsWith('Bearer ') ? auth.slice(7) : undefined);
      if (!token) return hlError(401, 'Invalid JWT');
      const body = (await request.json().catch(() => null)) as unknown;
      if (!body || typeof body !== 'object') return hlError(400, 'A JSON body is required');
      firings.push({ triggerId: String(params.triggerId), locationId: token.locationId, body, at: now() });
      return HttpResponse.json({ success: true });
    }),
  ];
}
