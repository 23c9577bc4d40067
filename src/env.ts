// Worker bindings (wrangler.toml). Vars and secrets are read through config.ts, never directly.
import type { Job } from './platform/queue';

export interface Env {
  DB: D1Database;
  JOBS: Queue<Job>;
  /** CRM deliveries; optional so an older deployment without the binding keeps working on JOBS. */
  CRM_JOBS?: Queue<Job>;
  /** Bulk lanes (campaign chains and template syncs; campaign CRM logs); unbound, they fall back to the above. */
  BULK_JOBS?: Queue<Job>;
  CRM_BULK_JOBS?: Queue<Job>;
  SEND_LIMITER: DurableObjectNamespace;
  [key: string]: unknown;
}
