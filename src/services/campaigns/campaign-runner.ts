// Paced campaign execution (issue 7 item 2, DESIGN.md §3.5). A campaign runs as a few parallel chains of
// `campaign_send` jobs; each job claims a slice of due recipients, writes their messages as `sending` before any
// provider call, sends through the sender's token bucket (the same limiter key as every other send of that
// connection, HighLevel bursts included; campaign-slice.ts), writes every outcome, and goes on with the next slice
// or enqueues the chain's next job.
// A recipient is sent at most once: its message id is fixed at creation and only a `queued → sending`
// transition, made by exactly one job, lets a send go out. A send whose answer never came back is `unknown`.
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { Job } from '../../platform/queue';
import { CampaignAudienceStore } from '../../store/campaign-audience';
import { CampaignChainStore } from '../../store/campaign-chains';
import { CampaignSendStore, OUTCOME_STATEMENTS } from '../../store/campaign-sends';
import { CampaignStore, type SendOutcome } from '../../store/campaigns';
import type { StoredTemplate } from '../../store/templates';
import { QUEUE_MAX_DELAY_S } from '../../platform/queue';
import { CAMPAIGN_LEASE_MS, campaignTuning, MAX_INLINE_WAIT_MS } from './campaign-pacing';
import { sendSlice, type SliceContext } from './campaign-slice';
import { afterCampaignCap, campaignCapStatements } from './campaign-caps';
import { afterStoppedBySend, stoppedBySendStatement } from '../relay/marketing-preferences';
import { reserveCampaignSend, sendBucket } from '../relay/send-pacing';
import { connectionDisabledReason, isSendable } from '../relay/connection-state';
import { enqueueCampaignLogs } from '../crm/crm-bulk';
import type { JobOutcome } from '../job-outcome';
import { providerAdapterFor } from '../relay/providers';
import { sendableTemplate } from '../relay/relay-outbound';

export { CAMPAIGN_LEASE_MS, CAMPAIGN_SEND_RETRY, campaignTuning } from './campaign-pacing';

type CampaignJob = Extract<Job, { type: 'campaign_send' }>;

async function continueChain(ctx: AppContext, job: CampaignJob, delayMs: number): Promise<JobOutcome> {
  const delaySeconds = Math.min(QUEUE_MAX_DELAY_S, Math.ceil(Math.max(0, delayMs) / 1000));
  await new CampaignChainStore(ctx.db).expectChainBy(job.campaignId, ctx.now() + delaySeconds * 1000);
  await ctx.queue.send(job, delaySeconds ? { delaySeconds } : undefined);
  return { kind: 'done' };
}

export async function runCampaignSend(ctx: AppContext, job: CampaignJob): Promise<JobOutcome> {
  const deadline = ctx.now() + campaignTuning.invocationMs;
  for (let slices = 0; slices < campaignTuning.slicesPerInvocation; slices++) {
    const step = await runCampaignStep(ctx, job);
    if (step !== 'next') return step;
    if (ctx.now() >= deadline) break;
  }
  return continueChain(ctx, job, 0);
}

/** One slice of the chain: `next` when the chain should go on at once, or how this invocation ends. */
async function runCampaignStep(ctx: AppContext, job: CampaignJob): Promise<JobOutcome | 'next'> {
  const store = new CampaignStore(ctx.db);
  const sends = new CampaignSendStore(ctx.db);
  let campaign = await store.get(job.campaignId);
  if (!campaign || campaign.generation !== job.generation) return { kind: 'done' };
  if (campaign.status === 'scheduled') {
    const wait = (campaign.startAt ?? 0) - ctx.now();
    if (wait > 0) return continueChain(ctx, job, wait);
    campaign = (await store.transition(campaign.id, ['scheduled'], 'running', ctx.now())) ?? campaign;
  }
  // Paused, cancelled or completed: this chain ends; resume starts a new generation.
  if (campaign.status !== 'running') return { kind: 'done' };

  const { connections } = await ctx.secretStores();
  const connection = await connections.get(campaign.connectionId);
  if (!connection) return { kind: 'done' };
  if (!isSendable(connection)) {
    // Uninstalled or credentials removed mid-campaign: stop with the reason; resume once the number is reconnected.
    await store.transition(campaign.id, ['running'], 'paused', ctx.now(), {
      reason: connectionDisabledReason(connection),
    });
    return { kind: 'done' };
  }
  let template: StoredTemplate;
  try {
    template = await sendableTemplate(ctx, connection, campaign.templateId);
  } catch (error) {
    // The template was paused, disabled or removed by the provider mid-campaign: stop and tell the admin.
    const reason = error instanceof AppError ? error.message : 'Template cannot be sent';
    await store.transition(campaign.id, ['running'], 'paused', ctx.now(), { reason });
    return { kind: 'done' };
  }

  const rate = connection.rateLimitPerSecond;
  // The first send's slot is reserved before claiming: while the provider has us on hold (429 / Retry-After),
  // the chain waits instead of claiming recipients only to hand them back. A campaign's slots leave the number's
  // share for people (send-pacing.ts): an agent's reply never waits behind a campaign.
  const first = await reserveCampaignSend(ctx, connection);
  if (!first.granted) return continueChain(ctx, job, first.waitMs);
  const firstWait = first.waitMs;
  const adapter = await providerAdapterFor(ctx, connection);
  const size = campaignTuning.slice(rate, campaignTuning.chains(rate));
  const claimed = await sends.claimDue(campaign.id, ctx.now(), size, CAMPAIGN_LEASE_MS);
  if (!claimed.length) {
    await ctx.platform.limiter.refund(connection.id, sendBucket(connection), 1);
    const due = await sends.nextDueAt(campaign.id);
    if (due === null) {
      await store.completeIfDone(campaign.id, ctx.now());
      return { kind: 'done' };
    }
    const wait = due - ctx.now();
    if (wait > MAX_INLINE_WAIT_MS) return continueChain(ctx, job, wait);
    // Retries due within a second (backoff after a 5xx): wait here rather than a queue hop away.
    await ctx.sleep(wait);
    return 'next';
  }

  const slice: SliceContext = {
    store,
    sends,
    audience: new CampaignAudienceStore(ctx.db),
    campaign,
    connection,
    template,
    adapter,
    halt: null,
    firstWait,
    started: false,
  };
  let outcomes: SendOutcome[];
  try {
    outcomes = await sendSlice(ctx, slice, claimed);
  } catch (error) {
    // Nothing left before the slice was marked `sending` (D1 hiccup): hand the recipients back, let the queue retry.
    if (!slice.started)
      await sends
        .releaseClaimed(
          claimed.map((r) => r.id),
          ctx.now(),
        )
        .catch(() => undefined);
    throw error;
  }
  // Sends the provider answered with a frequency cap (issue 12 item 3) are recorded as caps in the outcomes' own
  // batch: a crash after it cannot leave them `failed` and never retried (the retry's chain is due by then). So is
  // the stop of a customer the provider says stopped marketing messages.
  const writes = outcomes.flatMap((o) =>
    o.capped
      ? [{ statements: campaignCapStatements(ctx, o.messageId), after: afterCampaignCap }]
      : o.optedOut
        ? [{ statements: [stoppedBySendStatement(ctx, o.messageId)], after: afterStoppedBySend }]
        : [],
  );
  const alongside = writes.flatMap((w) => w.statements);
  let written: D1Result[];
  try {
    written = await sends.writeOutcomes(campaign.id, outcomes, ctx.now(), alongside);
  } catch {
    // The write is idempotent (absolute values by primary key): one more try before the lease has to recover.
    written = await sends.writeOutcomes(campaign.id, outcomes, ctx.now(), alongside);
  }
  let at = OUTCOME_STATEMENTS;
  for (const w of writes) {
    await w.after(ctx, written[at]);
    at += w.statements.length;
  }
  if (slice.halt) {
    // Every recipient would fail the same way (credentials revoked): stop instead of failing them all.
    await store.transition(campaign.id, ['running'], 'paused', ctx.now(), { reason: slice.halt });
    return { kind: 'done' };
  }
  // Every send that reached an end is logged in the CRM, as single sends are (send-job afterOutcome).
  const finished = outcomes.filter((o) => o.attempted && o.recipientState !== 'pending');
  // Coalesced into one bulk job per slice (crm-bulk.ts): campaign logging waits behind people's CRM writes.
  await enqueueCampaignLogs(
    ctx,
    finished.map((o) => o.messageId),
  );
  // A short slice means the campaign ran dry: complete it now rather than one queue hop later, so the admin
  // sees `completed` as soon as the last outcome lands (completeIfDone checks that nothing is left in flight).
  if (claimed.length < size && (await store.completeIfDone(campaign.id, ctx.now()))) return { kind: 'done' };
  return 'next';
}
