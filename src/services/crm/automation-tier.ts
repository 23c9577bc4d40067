// Messaging tier for automations (issue 15, issue 12 item 2): like a campaign (campaign-tier.ts planTier), a burst of
// workflow sends may reach at most the messaging limit of unique customers per rolling 24 h — the business
// portfolio's, counted across every number of the portfolio (vendors/whatsapp-2026.md §1.5), or the admin's manual
// value. A customer any of those numbers already wrote to in the last 24 h uses no new room. Over the limit: a
// `tier_limit` failure output with the reason below, nothing sent.
// Not counted here: customers that a scheduled campaign will write to later (the campaign's preflight counts ours).
// Reservations still in flight are counted per installation of the scope (a little conservative when an installation
// also has numbers outside the portfolio).
import type { AppContext } from '../../context';
import { WINDOW_MS } from '../../core/window';
import { AutomationExecutionStore } from '../../store/automations';
import type { Connection } from '../../store/connections';
import { MessagingLimitStore } from '../../store/messaging-limits';
import { tierScopeText } from '../campaigns/campaign-tier';
import { effectiveMessagingLimit, type LimitSource } from '../campaigns/messaging-limits';

/** What HighLevel's workflow and Pipedrive's automation show when the limit is used up: why, how much, and when. */
export function tierLimitReason(input: {
  limit: number;
  source: LimitSource | null;
  scope: 'portfolio' | 'number';
  numbersSharing: number;
}): string {
  const whose = input.source === 'manual' ? 'the limit set by your admin' : 'the limit WhatsApp set';
  return (
    `WhatsApp messaging limit reached: ${tierScopeText(input)} may start conversations with ${input.limit} new ` +
    `customers per 24 hours (${whose}), and all of them are used. The template was not sent. It can be sent once ` +
    'earlier conversations are more than 24 hours old, or as soon as the limit is raised.'
  );
}

/**
 * Null when the template to `address` may go out under the tier (room taken atomically for a new customer), else
 * the reason it may not.
 */
export async function automationTierRefusal(
  ctx: AppContext,
  connection: Connection,
  executionId: string,
  address: string,
): Promise<string | null> {
  const { limit, source } = effectiveMessagingLimit(connection);
  if (limit === null) return null;
  const scope = await new MessagingLimitStore(ctx.db).scope(connection);
  const store = new AutomationExecutionStore(ctx.db);
  const since = ctx.now() - WINDOW_MS;
  if (await store.wroteRecently(scope.connectionIds, address, since)) return null;
  const reserved = await store.reserveTierRoom(
    { executionId, installationIds: scope.installationIds, connectionIds: scope.connectionIds, address },
    since,
    limit,
    ctx.now(),
  );
  if (reserved) return null;
  return tierLimitReason({
    limit,
    source,
    scope: connection.businessPortfolioId ? 'portfolio' : 'number',
    numbersSharing: scope.connectionIds.length,
  });
}
