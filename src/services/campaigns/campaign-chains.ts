// Starting a campaign's chains of `campaign_send` jobs (campaign-runner.ts runs them). Apart from the runner, so
// that what starts chains (campaigns.ts on start/resume, campaign-caps.ts when a capped send is due again) imports
// nothing of the send path, and the send path nothing back (no import cycle).
import type { AppContext } from '../../context';
import { QUEUE_MAX_DELAY_S, type Job } from '../../platform/queue';
import { CampaignChainStore } from '../../store/campaign-chains';
import type { Campaign } from '../../store/campaigns';
import type { Connection } from '../../store/connections';
import { campaignTuning } from './campaign-pacing';

/** Starts `chains` job chains for the campaign's current generation (batched enqueue). */
export async function startChains(ctx: AppContext, campaign: Campaign, connection: Connection, delayMs = 0) {
  const chains = campaignTuning.chains(connection.rateLimitPerSecond);
  const job: Job = { type: 'campaign_send', campaignId: campaign.id, generation: campaign.generation };
  const delaySeconds = Math.min(QUEUE_MAX_DELAY_S, Math.max(0, Math.ceil(delayMs / 1000)));
  // The outbox sweep restarts a chain that does not run by then (a lost queue message).
  await new CampaignChainStore(ctx.db).expectChainBy(campaign.id, ctx.now() + delaySeconds * 1000);
  await ctx.queue.sendBatch(
    Array.from({ length: chains }, () => job),
    delaySeconds ? { delaySeconds } : undefined,
  );
}
