// Provider webhooks: /webhooks/:provider (platform webhooks, with their GET handshake) and
// /webhooks/:provider/:connectionId[/:token] (per-connection URLs). Which shape a provider uses, how it is verified
// and what it expects as an answer come from its ProviderModule; the use case is services/relay/provider-webhooks.ts.
// Verify first (401, nothing stored), then store + enqueue, answer 200 fast (DESIGN.md §6).
import type { Context } from 'hono';
import { Hono } from '../http/hono';
import * as z from 'zod/mini';
import type { ProviderModule } from '../../adapters/providers/provider-module';
import { isProviderName, providerModule } from '../../adapters/providers/registry';
import type { WebhookRequest } from '../../adapters/providers/types';
import type { AppEnv } from '../env';
import { paramsWith, readRawBody } from '../http/body';
import { receiveConnectionWebhook, receivePlatformWebhook } from '../services/relay/provider-webhooks';
import type { IngestResult } from '../services/relay/ingest-result';

const connectionParams = z.object({ connectionId: z.string().check(z.minLength(1), z.maxLength(64)) });
const tokenParams = z.extend(connectionParams, { token: z.string().check(z.minLength(1), z.maxLength(128)) });

/** The URL the provider signed: our public base + the path and query it called. */
function publicUrl(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `${c.get('ctx').config.APP_BASE_URL.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

const reader = (c: Context<AppEnv>) => async (): Promise<WebhookRequest> => {
  const rawBody = await readRawBody(c, c.get('ctx').config.MAX_BODY_BYTES);
  return { url: publicUrl(c), method: c.req.method, headers: c.req.raw.headers, rawBody };
};

/** The module of `:provider` when it serves this URL shape; anything else is the app's 404. */
function moduleFor(c: Context<AppEnv>, shape: 'platform' | 'connection' | 'token'): ProviderModule | null {
  const name = c.req.param('provider') ?? '';
  if (!isProviderName(name)) return null;
  const module = providerModule(name);
  const { scope, tokenInPath = false } = module.webhook;
  if (shape === 'platform') return scope === 'platform' ? module : null;
  return scope === 'connection' && tokenInPath === (shape === 'token') ? module : null;
}

function acknowledge(c: Context<AppEnv>, module: ProviderModule, result: IngestResult) {
  const stored = result.stored + result.statuses;
  const ack = module.webhook.acknowledgement?.(stored);
  if (!ack) return c.json({ ok: true, ...result });
  return c.body(ack.body, 200, { 'content-type': ack.contentType, 'x-wabridge-stored': String(stored) });
}

export const webhookRoutes = new Hono<AppEnv>()
  .get('/:provider', (c) => {
    const module = moduleFor(c, 'platform');
    if (!module?.webhook.verifySubscription) return c.notFound();
    const challenge = module.webhook.verifySubscription(
      c.req.query() as Record<string, string>,
      c.get('ctx').config,
    );
    if (challenge === null) return c.text('Forbidden', 403);
    return c.text(challenge, 200);
  })
  .post('/:provider', async (c) => {
    const module = moduleFor(c, 'platform');
    if (!module) return c.notFound();
    return acknowledge(c, module, await receivePlatformWebhook(c.get('ctx'), module, reader(c)));
  })
  .post('/:provider/:connectionId', async (c) => {
    const module = moduleFor(c, 'connection');
    if (!module) return c.notFound();
    const { connectionId } = paramsWith(c, connectionParams);
    return acknowledge(
      c,
      module,
      await receiveConnectionWebhook(c.get('ctx'), module, connectionId, reader(c)),
    );
  })
  .post('/:provider/:connectionId/:token', async (c) => {
    const module = moduleFor(c, 'token');
    if (!module) return c.notFound();
    const { connectionId } = paramsWith(c, tokenParams);
    return acknowledge(
      c,
      module,
      await receiveConnectionWebhook(c.get('ctx'), module, connectionId, reader(c)),
    );
  });
