// Messaging limits (issue 12 item 2; DESIGN.md §3.5; vendors/whatsapp-2026.md §1.5): since 2025-10-07 the limit of
// unique customers per rolling 24 h belongs to the business portfolio and is shared by all its numbers. A provider
// that reports it (its adapter's readMessagingLimit, and `messaging_limit` webhook events) keeps it current on every
// connection of the portfolio; the admin's manual value overrides it when set, and is the only one where the
// provider reports nothing.
import type { ProviderAdapter, ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { ProviderError } from '../../core/errors';
import type { ProviderName } from '../../core/template';
import type { Connection } from '../../store/connections';
import { MessagingLimitStore, UNLIMITED } from '../../store/messaging-limits';
import { providerAdapterFor } from '../relay/providers';
import type { IngestResult } from '../relay/ingest-result';

/** Where the limit applied to a number comes from: the admin's value, the provider's report, or nowhere (none). */
export type LimitSource = 'manual' | 'provider';

export interface EffectiveLimit {
  /** Unique customers per rolling 24 h; null = no limit applied (unlimited, or nothing known). */
  limit: number | null;
  source: LimitSource | null;
  /** True when the provider reported "unlimited" (as opposed to nothing known). */
  unlimited: boolean;
  portfolioId: string | null;
}

export function effectiveMessagingLimit(connection: Connection): EffectiveLimit {
  const portfolioId = connection.businessPortfolioId;
  if (connection.messagingTier !== null)
    return { limit: connection.messagingTier, source: 'manual', unlimited: false, portfolioId };
  const reported = connection.providerMessagingLimit;
  if (reported === null) return { limit: null, source: null, unlimited: false, portfolioId };
  return {
    limit: reported === UNLIMITED ? null : reported,
    source: 'provider',
    unlimited: reported === UNLIMITED,
    portfolioId,
  };
}

/**
 * Asks the provider for the number's portfolio and limit (at connect time). Best effort: a failure is logged and the
 * number stays connected with what was known (the next `business_capability_update` or reconnect fills it in).
 * Answers the connection as stored afterwards.
 */
export async function learnMessagingLimit(
  ctx: AppContext,
  connection: Connection,
  adapter: ProviderAdapter,
): Promise<Connection> {
  if (!adapter.readMessagingLimit) return connection;
  try {
    const reported = await adapter.readMessagingLimit();
    await new MessagingLimitStore(ctx.db).recordForConnection(connection.id, reported, ctx.now());
  } catch (error) {
    const normalized = error instanceof ProviderError ? error : adapter.normalizeError(error);
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'messaging limit not read from the provider',
        connectionId: connection.id,
        kind: normalized.kind,
        reason: normalized.message,
      }),
    );
    return connection;
  }
  const { connections } = await ctx.secretStores();
  return (await connections.get(connection.id)) ?? connection;
}

/**
 * A number whose portfolio or limit is still unknown (connected before migration 0019, or the read at connect time
 * failed) asks again; run with the periodic template sync. Best effort, never throws.
 */
export async function refreshMessagingLimitIfUnknown(ctx: AppContext, connection: Connection): Promise<void> {
  if (connection.status !== 'active') return;
  if (connection.businessPortfolioId !== null && connection.providerMessagingLimit !== null) return;
  try {
    const adapter = await providerAdapterFor(ctx, connection);
    if (adapter.readMessagingLimit) await learnMessagingLimit(ctx, connection, adapter);
  } catch (error) {
    // The templates were synced; this read waits for the next sync rather than failing the job.
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'messaging limit refresh skipped',
        connectionId: connection.id,
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}

/** `messaging_limit` events of a signed batch, item by item: each reaches every connection of its portfolio. */
export async function ingestMessagingLimits(
  ctx: AppContext,
  provider: ProviderName,
  events: ProviderEvent[],
): Promise<IngestResult> {
  const result: IngestResult = { stored: 0, duplicates: 0, statuses: 0, ignored: 0, unreadable: 0 };
  const store = new MessagingLimitStore(ctx.db);
  for (const event of events) {
    if (event.kind !== 'messaging_limit') continue;
    const changed = event.routingKey
      ? await store.recordForAccount(provider, event.routingKey, event.limit, event.timestamp)
      : 0;
    // No connection of that account, or a newer report already stored: acknowledged, nothing changed.
    if (changed) result.statuses++;
    else result.ignored++;
  }
  return result;
}

/** What the admin API shows of a number's limit. */
export function describeMessagingLimit(connection: Connection) {
  const effective = effectiveMessagingLimit(connection);
  const reported = connection.providerMessagingLimit;
  return {
    limit: effective.limit,
    source: effective.source,
    unlimited: effective.unlimited,
    businessPortfolioId: effective.portfolioId,
    /** The provider's own figure, kept while a manual value overrides it (null: unlimited or not reported). */
    reported: reported === null || reported === UNLIMITED ? null : reported,
    reportedUnlimited: reported === UNLIMITED,
    manual: connection.messagingTier,
  };
}
