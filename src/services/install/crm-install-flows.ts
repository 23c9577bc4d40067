// What the generic /oauth/:crm and /crm/:crm/:endpoint routes call (issue 13): the CRM comes from the registry
// (adapters/crm/registry.ts, the only list of CRMs), its module verifies and translates, and each verified inbound
// call feeds the use case its endpoint names — keyed by use, never by CRM.
import type {
  CrmInboundCall,
  CrmInboundEndpoint,
  CrmInboundUse,
  VerifiedCrmCall,
} from '../../../adapters/crm/crm-hooks';
import type { CrmModule } from '../../../adapters/crm/crm-module';
import { crmModule, isCrmName } from '../../../adapters/crm/registry';
import type { AppContext } from '../../context';
import { acceptCrmDelivery } from '../crm/crm-deliveries';
import { crmEnvironment } from '../crm/crm';
import { applyAppEvent } from './crm-install';

/** The CRM named `name`, or null for anything that is not one (the route answers 404). */
export function crmByName(name: string): CrmModule | null {
  return isCrmName(name) ? crmModule(name) : null;
}

export interface CrmInboundTarget {
  readonly crm: CrmModule;
  readonly endpoint: CrmInboundEndpoint;
}

/** POST /crm/<crm>/<endpoint>: the endpoint the CRM serves there, or null (404 before the body is read). */
export function crmInboundTarget(crm: string, endpoint: string): CrmInboundTarget | null {
  const module = crmByName(crm);
  const inbound = module?.inbound;
  return module && inbound && Object.hasOwn(inbound, endpoint)
    ? { crm: module, endpoint: inbound[endpoint]! }
    : null;
}

/** The route's middleware: the module checks signature and freshness, single use is claimed here (processed_events). */
export function verifyCrmCall(
  ctx: AppContext,
  target: CrmInboundTarget,
  call: CrmInboundCall,
): Promise<VerifiedCrmCall> {
  return target.endpoint.verify(crmEnvironment(ctx), call, {
    claim: (key) => ctx.events.claim(key, ctx.now()),
    release: (key) => ctx.events.release(key),
  });
}

type InboundUseCase = (ctx: AppContext, crm: CrmModule, body: unknown) => Promise<object>;

const USES: Record<CrmInboundUse, InboundUseCase> = {
  app_event: async (ctx, crm, body) => ({ outcome: await applyAppEvent(ctx, crm, body) }),
  // The conversation provider's Delivery URL: stores and enqueues only (DESIGN.md §6).
  delivery: (ctx, crm, body) => acceptCrmDelivery(ctx, crm.name, body),
};

/** What the verified call does; its answer is merged into `{ ok: true }`. */
export function handleCrmCall(ctx: AppContext, target: CrmInboundTarget, body: unknown): Promise<object> {
  return USES[target.endpoint.use](ctx, target.crm, body);
}
