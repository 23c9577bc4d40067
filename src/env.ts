// Worker bindings (wrangler.toml). Vars and secrets are read through config.ts, never directly.
import type { AppContext } from './context';
import type { Job } from './platform/queue';
import type { SessionClaims } from './security/session';

export interface Env {
  DB: D1Database;
  JOBS: Queue<Job>;
  /** CRM deliveries; optional so an older deployment without the binding keeps working on JOBS. */
  CRM_JOBS?: Queue<Job>;
  /** Bulk lanes (campaign chains and template syncs; campaign CRM logs); unbound, they fall back to the above. */
  BULK_JOBS?: Queue<Job>;
  CRM_BULK_JOBS?: Queue<Job>;
  SEND_LIMITER: DurableObjectNamespace;
  /** Workers Static Assets (wrangler.toml [assets] binding): the UI catalogues other than English. */
  ASSETS?: Fetcher;
  [key: string]: unknown;
}

/** The Hono environment of every router (defined here, not in app.ts, so no route imports the app that mounts it). */
export type AppEnv = {
  Bindings: Env;
  Variables: { ctx: AppContext; requestId: string; session: SessionClaims };
};
