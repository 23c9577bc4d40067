// Frequency caps in campaigns (issue 12 item 3, DESIGN.md §3.5): a marketing send the provider did not deliver
// because the customer reached their per-user marketing limit (Meta 131049) is `capped`, not `failed`. If the admin
// asked for it, the recipient is sent again after N hours, at most M times within 7 days, as a new message; nobody
// else (skipped, opted out, failed for another reason) is ever retried, and an accepted send is never repeated.
import type { AppContext } from '../../context';
import { randomId } from '../../security/encoding';
import { CampaignCapStore, capRecorded } from '../../store/campaign-caps';
import { CampaignStore } from '../../store/campaigns';
import { startChains } from './campaign-chains';

const HOUR_MS = 3_600_000;

export function cappedRetryOf(input: {
  cappedRetryAfterHours?: number;
  cappedRetryMax?: number;
}): { afterMs: number; max: number } | null {
  if (input.cappedRetryAfterHours === undefined) return null;
  return { afterMs: input.cappedRetryAfterHours * HOUR_MS, max: input.cappedRetryMax ?? 1 };
}

export function cappedSummary(ctx: AppContext, campaignId: string) {
  return new CampaignCapStore(ctx.db).summary(campaignId);
}

/** The batch statements that record a cap of campaign message `messageId` (in its send outcome's batch). */
export function campaignCapStatements(ctx: AppContext, messageId: string): D1PreparedStatement[] {
  return new CampaignCapStore(ctx.db).recordCapStatements(messageId, randomId('msg'), ctx.now());
}

/**
 * After the cap was written (`result`: the first statement's answer): a scheduled retry gets its chains. Paused
 * campaigns wait for the resume (which starts chains), scheduled ones have theirs waiting already.
 */
export async function afterCampaignCap(ctx: AppContext, result: D1Result | undefined): Promise<void> {
  const recorded = capRecorded(result);
  if (!recorded || recorded.state !== 'pending') return;
  const campaign = await new CampaignStore(ctx.db).get(recorded.campaignId);
  if (campaign?.status !== 'running') return;
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(campaign.connectionId);
  const now = ctx.now();
  if (connection) await startChains(ctx, campaign, connection, (recorded.sendAfter ?? now) - now);
}
