// Worker bindings (wrangler.toml). Vars and secrets are read through config.ts, never directly.
import type { Job } from './platform/queue';

export interface Env {
  DB: D1Database;
  JOBS: Queue<Job>;
  /** CRM deliveries; optional so an older deployment without the binding keeps working on JOBS. */
  CRM_JOBS?: Queue<Job>;
  SEND_LIMITER: DurableObjectNamespace;
  [key: string]: unknown;
}
