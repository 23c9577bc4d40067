// createApp(): the one place where routes and middleware are composed (DESIGN.md §2, STYLE.md).
import './zod-locale';
import { Hono } from './http/hono';
import { requestId } from 'hono/request-id';
import { parseConfig } from './config';
import { AppContext, type Platform } from './context';
import { errorResponse, handleError } from './http/errors';
import { secureHeaders } from './http/secure-headers';
import { loadPhoneMetadata } from './platform/phone-metadata';
import { CloudflareJobQueue } from './platform/queue';
import { DurableSendLimiter } from './platform/send-limiter';
import type { AppEnv, Env } from './env';
import { adminRoutes } from './routes/admin';
import { apiRoutes } from './routes/api';
import { automationRoutes } from './routes/automations';
import { crmRoutes } from './routes/crm';
import { mediaRoutes } from './routes/media';
import { oauthRoutes } from './routes/oauth';
import { webhookRoutes } from './routes/webhooks';
import { uiRoutes } from './routes/ui';

export type { AppEnv } from './env';

export interface CreateAppOptions {
  /** Fixed platform (tests, benches). Without it the platform is built from the Worker bindings. */
  platform?: Platform;
  /** Extra routers mounted by tests or local mode. */
  mount?: (app: Hono<AppEnv>) => void;
}

export function platformFromEnv(env: Env): Platform {
  return {
    config: parseConfig(env as unknown as Record<string, unknown>),
    db: env.DB,
    queue: new CloudflareJobQueue({
      sends: env.JOBS,
      crm: env.CRM_JOBS,
      bulkSends: env.BULK_JOBS,
      bulkCrm: env.CRM_BULK_JOBS,
    }),
    limiter: new DurableSendLimiter(env.SEND_LIMITER),
    now: Date.now,
    assets: env.ASSETS,
  };
}

export function createApp(options: CreateAppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: 'X-Request-Id' }));
  // A route's own value wins (the /media route allows cross-origin embedding by the CRMs).
  app.use(secureHeaders);
  app.use(async (c, next) => {
    c.set('ctx', new AppContext(options.platform ?? platformFromEnv(c.env)));
    await next();
  });
  // Numbers are parsed with metadata read from the static assets, once per isolate (issue 13).
  app.use(async (c, next) => {
    await loadPhoneMetadata(c.get('ctx').platform.assets);
    await next();
  });

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.route('/webhooks', webhookRoutes);
  app.route('/api', apiRoutes);
  app.route('/ui', uiRoutes);
  app.route('/oauth', oauthRoutes);
  app.route('/crm', crmRoutes);
  app.route('/media', mediaRoutes);
  app.route('/admin', adminRoutes);
  app.route('/automations', automationRoutes);
  options.mount?.(app);

  app.notFound((c) =>
    errorResponse(c, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  app.onError(handleError);
  return app;
}
