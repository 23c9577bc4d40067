// Provider webhooks: verify first (401, nothing stored), then store + enqueue, answer 200 fast (DESIGN.md §6).
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import { verifyMetaSubscription } from '../../adapters/providers/meta/meta-signature';
import type { ProviderAdapter, WebhookRequest } from '../../adapters/providers/types';
import type { AppEnv } from '../app';
import type { Connection } from '../store/connections';
import { requireSecret } from '../config';
import { AppError } from '../core/errors';
import { paramsWith, readRawBody } from '../http/body';
import { bareProviderAdapter, providerAdapterFor } from '../services/providers';
import { ingestMessagingLimits } from '../services/messaging-limits';
import { ingestEvents, ingestTemplateStatuses, sumResults } from '../services/relay-inbound';

const connectionParams = z.object({ connectionId: z.string().check(z.minLength(1), z.maxLength(64)) });

async function webhookRequest(c: Context<AppEnv>, publicUrl: string): Promise<WebhookRequest> {
  const rawBody = await readRawBody(c, c.get('ctx').config.MAX_BODY_BYTES);
  return { url: publicUrl, method: c.req.method, headers: c.req.raw.headers, rawBody };
}

/** The URL the provider signed: our public base + the path and query it called. */
function publicUrl(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `${c.get('ctx').config.APP_BASE_URL.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

async function verifyOrReject(adapter: ProviderAdapter, request: WebhookRequest): Promise<void> {
  if (!(await adapter.verifyWebhook(request)))
    throw new AppError('unauthorized', 'Invalid webhook signature');
}

export const webhookRoutes = new Hono<AppEnv>()
  .get('/meta', (c) => {
    const challenge = verifyMetaSubscription(
      c.req.query() as Record<string, string>,
      requireSecret(c.get('ctx').config, 'META_VERIFY_TOKEN'),
    );
    if (challenge === null) return c.text('Forbidden', 403);
    return c.text(challenge, 200);
  })
  .post('/meta', async (c) => {
    const ctx = c.get('ctx');
    requireSecret(ctx.config, 'META_APP_SECRET');
    const adapter = bareProviderAdapter(ctx, 'meta');
    const request = await webhookRequest(c, publicUrl(c));
    await verifyOrReject(adapter, request);
    const events = adapter.parseWebhook(request);
    const { connections } = await ctx.secretStores();
    // Meta routes by phone_number_id (messages, statuses) or WABA id (template updates).
    // Meta batches many events for the same number into one POST: look each routing key up once.
    const resolved = new Map<string, Promise<Connection | null>>();
    const lookup = (key: string, find: () => Promise<Connection | null>) => {
      if (!resolved.has(key)) resolved.set(key, find());
      return resolved.get(key)!;
    };
    // A template belongs to the WABA, and every number (connection) of that WABA offers it: one status update
    // reaches all of them (ingestTemplateStatuses), the other events their one number.
    const result = await ingestEvents(
      ctx,
      events.filter((event) => event.kind !== 'template_status' && event.kind !== 'messaging_limit'),
      async (event) => {
        const routingKey = event.routingKey;
        if (!routingKey) return null;
        return lookup(`phone:${routingKey}`, () => connections.findByRoutingKey('meta', routingKey));
      },
    );
    const templates = await ingestTemplateStatuses(ctx, events, (wabaId) =>
      connections.listByProviderAccount('meta', wabaId),
    );
    // A messaging limit belongs to the WABA's business portfolio: every number of it takes it (issue 12 item 2).
    const limits = await ingestMessagingLimits(ctx, 'meta', events);
    return c.json({ ok: true, ...sumResults(sumResults(result, templates), limits) });
  })
  .post('/twilio/:connectionId', async (c) => {
    const ctx = c.get('ctx');
    const { connectionId } = paramsWith(c, connectionParams);
    const { connections } = await ctx.secretStores();
    const connection = await connections.get(connectionId);
    // Unknown connection and bad signature look the same from outside: 401, nothing stored.
    if (!connection || connection.provider !== 'twilio')
      throw new AppError('unauthorized', 'Invalid webhook signature');
    const adapter = await providerAdapterFor(ctx, connection);
    const request = await webhookRequest(c, publicUrl(c));
    await verifyOrReject(adapter, request);
    const result = await ingestEvents(ctx, adapter.parseWebhook(request), async () => connection);
    // Twilio accepts an empty TwiML answer: no auto-reply.
    return c.body('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 200, {
      'content-type': 'text/xml',
      'x-wabridge-stored': String(result.stored + result.statuses),
    });
  })
  .post('/cm/:connectionId/:token', async (c) => {
    const ctx = c.get('ctx');
    const { connectionId } = paramsWith(
      c,
      z.extend(connectionParams, { token: z.string().check(z.minLength(1), z.maxLength(128)) }),
    );
    const { connections } = await ctx.secretStores();
    const connection = await connections.get(connectionId);
    if (!connection || connection.provider !== 'cm')
      throw new AppError('unauthorized', 'Invalid webhook token');
    const adapter = await providerAdapterFor(ctx, connection);
    const request = await webhookRequest(c, publicUrl(c));
    await verifyOrReject(adapter, request);
    const result = await ingestEvents(ctx, adapter.parseWebhook(request), async () => connection);
    return c.json({ ok: true, ...result });
  });
