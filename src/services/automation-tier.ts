// Messaging tier for automations (issue 15): like a campaign (campaign-preflight.ts planTier), a burst of workflow
// sends may reach at most the number's tier of unique customers per rolling 24 h (vendors/whatsapp-2026.md: the
// messaging limit counts unique customers of business-initiated messages). A customer this number already wrote
// to in the last 24 h uses no new room. Over the tier: a `tier_limit` failure output, nothing sent.
// Not counted here: customers that a scheduled campaign will write to later (the campaign's preflight counts ours).
import type { AppContext } from '../context';
import { WINDOW_MS } from '../core/window';
import { AutomationExecutionStore } from '../store/automations';
import type { Connection } from '../store/connections';

export const TIER_LIMIT_REASON =
  "The number's messaging tier (unique customers per 24 hours) is used up; try again later";

/** True when the template to `address` may go out under the tier (room taken atomically for a new customer). */
export async function automationTierAllows(
  ctx: AppContext,
  connection: Connection,
  executionId: string,
  address: string,
): Promise<boolean> {
  const limit = connection.messagingTier;
  if (limit === null) return true;
  const store = new AutomationExecutionStore(ctx.db);
  const since = ctx.now() - WINDOW_MS;
  if (await store.wroteRecently(connection.id, address, since)) return true;
  return store.reserveTierRoom(
    { executionId, installationId: connection.installationId, connectionId: connection.id, address },
    since,
    limit,
    ctx.now(),
  );
}
