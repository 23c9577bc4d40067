// What /oauth/:crm and /crm/:crm call, per CRM (issue 13). Routes stay generic: they parse, look the CRM's flow up
// here and answer; each flow is its CRM's install service. This table is the services' side of adapters/crm/registry.ts
// (install and inbound use cases need the store and the queues, which adapters may not import).
import type { CrmName } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { crmInstallFlow as highlevel } from './highlevel-install-flow';
import { crmInstallFlow as pipedrive } from './pipedrive-install';

/** The OAuth callback's query, as the CRM sent it (each flow decides what a missing field means). */
export interface OAuthCallbackInput {
  code?: string;
  state?: string;
  error?: string;
}

/** A signed call a CRM POSTs to /crm/:crm/<endpoint>: the raw body is what the signature covers. */
export interface CrmInboundCall {
  rawBody: string;
  headers: Headers;
}

export interface CrmInstallFlow {
  /** GET /oauth/:crm/start: the authorize URL with a fresh single-use state. */
  start(ctx: AppContext): Promise<string>;
  /** GET /oauth/:crm/callback: code → tokens → installation. */
  complete(ctx: AppContext, input: OAuthCallbackInput): Promise<void>;
  /** DELETE /oauth/:crm/callback, for a CRM that uninstalls there (credentials checked before the body is read). */
  uninstall?(
    ctx: AppContext,
    authorization: string | undefined,
    readBody: () => Promise<string>,
  ): Promise<string>;
  /** POST /crm/:crm/<endpoint>: what the CRM calls us on, each with its own authentication. */
  readonly inbound?: Readonly<Record<string, CrmInboundEndpoint>>;
}

/** A call whose signature, freshness and single use were checked. */
export interface VerifiedInboundCall {
  readonly body: unknown;
  /** Gives the single-use claim back when acting on the call failed, so the CRM's retry is not called a replay. */
  release(): Promise<void>;
}

export interface CrmInboundEndpoint {
  /** The route's middleware: a forged, stale or replayed call is a 401 (AppError) and nothing is stored. */
  verify(ctx: AppContext, call: CrmInboundCall): Promise<VerifiedInboundCall>;
  /** What the verified call does; its answer is merged into `{ ok: true }`. */
  handle(ctx: AppContext, body: unknown): Promise<object>;
}

const FLOWS: Record<CrmName, CrmInstallFlow> = { highlevel, pipedrive };

/** The flow of `name`, or null for anything that is not a CRM (the route answers 404). */
export function crmInstallFlow(name: string): CrmInstallFlow | null {
  return Object.hasOwn(FLOWS, name) ? FLOWS[name as CrmName] : null;
}
