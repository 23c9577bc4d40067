// Provider webhooks as a use case: which connection a verified webhook belongs to, then relay-inbound stores it.
// Verify first (401, nothing stored). How each vendor is reached and verified comes from its ProviderModule.
import type { ProviderModule } from '../../../adapters/providers/provider-module';
import type { ProviderAdapter, WebhookRequest } from '../../../adapters/providers/types';
import { requireSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { Connection } from '../../store/connections';
import { ingestMessagingLimits } from '../campaigns/messaging-limits';
import { bareProviderAdapter, providerAdapterFor } from './providers';
import { ingestEvents, ingestTemplateStatuses } from './relay-inbound';
import { sumResults, type IngestResult } from './ingest-result';

async function verifyOrReject(adapter: ProviderAdapter, request: WebhookRequest): Promise<void> {
  if (!(await adapter.verifyWebhook(request)))
    throw new AppError('unauthorized', 'Invalid webhook signature');
}

/** The secrets a platform webhook needs, checked before its body is read (503 naming them). */
function requireWebhookSecrets(ctx: AppContext, module: ProviderModule): void {
  for (const name of module.webhook.requiredSecrets ?? []) requireSecret(ctx.config, name);
}

/**
 * One webhook URL for every number: events are routed by their routing key (looked up once per batch), template
 * statuses and messaging limits by provider account, to every number of that account.
 */
export async function receivePlatformWebhook(
  ctx: AppContext,
  module: ProviderModule,
  readRequest: () => Promise<WebhookRequest>,
): Promise<IngestResult> {
  requireWebhookSecrets(ctx, module);
  const adapter = bareProviderAdapter(ctx, module.name);
  const request = await readRequest();
  await verifyOrReject(adapter, request);
  const events = adapter.parseWebhook(request);
  const { connections } = await ctx.secretStores();
  const resolved = new Map<string, Promise<Connection | null>>();
  const lookup = (key: string) => {
    if (!resolved.has(key)) resolved.set(key, connections.findByRoutingKey(module.name, key));
    return resolved.get(key)!;
  };
  const result = await ingestEvents(
    ctx,
    events.filter(
      (event) =>
        event.kind !== 'template_status' &&
        event.kind !== 'template_category' &&
        event.kind !== 'messaging_limit',
    ),
    async (event) => (event.routingKey ? lookup(event.routingKey) : null),
  );
  const templates = await ingestTemplateStatuses(ctx, events, (accountId) =>
    connections.listByProviderAccount(module.name, accountId),
  );
  // A messaging limit belongs to the account's business portfolio: every number of it takes it (issue 12 item 2).
  const limits = await ingestMessagingLimits(ctx, module.name, events);
  return sumResults(sumResults(result, templates), limits);
}

/** A webhook URL of one connection: an unknown connection and a bad signature look the same (401, nothing stored). */
export async function receiveConnectionWebhook(
  ctx: AppContext,
  module: ProviderModule,
  connectionId: string,
  readRequest: () => Promise<WebhookRequest>,
): Promise<IngestResult> {
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(connectionId);
  if (!connection || connection.provider !== module.name)
    throw new AppError(
      'unauthorized',
      module.webhook.tokenInPath ? 'Invalid webhook token' : 'Invalid webhook signature',
    );
  const adapter = await providerAdapterFor(ctx, connection);
  const request = await readRequest();
  await verifyOrReject(adapter, request);
  return ingestEvents(ctx, adapter.parseWebhook(request), async () => connection);
}
