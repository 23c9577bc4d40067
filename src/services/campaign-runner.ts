// Paced campaign execution (issue 7 item 2, DESIGN.md §3.5). A campaign runs as a few parallel chains of
// `campaign_send` jobs; each job claims a slice of due recipients, writes their messages as `sending` before any
// provider call, sends through the sender's token bucket (the same limiter key as every other send of that
// connection, HighLevel bursts included), writes every outcome, and enqueues the chain's next job.
// A recipient is sent at most once: its message id is fixed at creation and only a `queued → sending`
// transition, made by exactly one job, lets a send go out. A send whose answer never came back is `unknown`.
import type { ProviderAdapter } from '../../adapters/providers/types';
import type { AppContext } from '../context';
import { AppError, ProviderError } from '../core/errors';
import type { MessageContent, OutboundMessage } from '../core/message';
import { classifySend } from '../core/pricing';
import { applyStatus } from '../core/status';
import { FREE_ENTRY_POINT_MS, WINDOW_MS } from '../core/window';
import type { Job } from '../platform/queue';
import { CampaignAudienceStore } from '../store/campaign-audience';
import { CampaignSendStore } from '../store/campaign-sends';
import { CampaignStore, type Campaign, type ClaimedRecipient, type SendOutcome } from '../store/campaigns';
import type { Connection } from '../store/connections';
import type { StoredTemplate } from '../store/templates';
import type { JobOutcome } from './job-outcome';
import { providerAdapterFor } from './providers';
import { prepareTemplateContent, sendableTemplate } from './relay-outbound';
import { errorInfo, SEND_RETRY_BUDGET } from './send-job';

/** A job that died mid-slice leaves leases; after this long another job recovers them (Workers' max wall time). */
export const CAMPAIGN_LEASE_MS = 15 * 60_000;
const MAX_INLINE_WAIT_MS = 1_000;
/** Cloudflare Queues accept delays up to 12 h; longer waits (tier spread over days) hop several times. */
const MAX_QUEUE_DELAY_S = 43_200;

/**
 * Parallelism. A Worker invocation keeps at most 6 outbound connections open, so a sender at R msg/s needs
 * about R/20 chains when the provider answers in ~300 ms. Benches in one Node process tune this down.
 */
export const campaignTuning = {
  chains: (rate: number) => Math.min(50, Math.max(1, Math.ceil(rate / 20))),
  /** Recipients per job: about two seconds of the chain's share, bounded so a crash strands few. */
  slice: (rate: number, chains: number) => Math.min(100, Math.max(10, Math.ceil((2 * rate) / chains))),
  concurrency: 6,
};

/** Retry delay in ms: exponential with full jitter from 250 ms, never before the provider's Retry-After. */
export function campaignBackoffMs(
  attempt: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const cap = Math.min(60_000, 250 * 2 ** Math.min(attempt, 10));
  return Math.max(retryAfterMs, Math.ceil(cap / 2 + (random() * cap) / 2));
}

async function sleep(ctx: AppContext, ms: number): Promise<void> {
  if (ms <= 0) return;
  if (ctx.platform.sleep) return ctx.platform.sleep(ms);
  // Timers can fire early by the length of a busy event-loop turn (they count from the loop's cached time);
  // a send before its slot would exceed the provider's cap, so wait out the remainder.
  const until = ctx.now() + ms;
  for (let left = ms; left > 0; left = until - ctx.now())
    await new Promise((resolve) => setTimeout(resolve, left));
}

/** Starts `chains` job chains for the campaign's current generation (batched enqueue). */
export async function startChains(ctx: AppContext, campaign: Campaign, connection: Connection, delayMs = 0) {
  const chains = campaignTuning.chains(connection.rateLimitPerSecond);
  const job: Job = { type: 'campaign_send', campaignId: campaign.id, generation: campaign.generation };
  const delaySeconds = Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil(delayMs / 1000)));
  await ctx.queue.sendBatch(
    Array.from({ length: chains }, () => job),
    delaySeconds ? { delaySeconds } : undefined,
  );
}

type CampaignJob = Extract<Job, { type: 'campaign_send' }>;

async function continueChain(ctx: AppContext, job: CampaignJob, delayMs: number): Promise<JobOutcome> {
  const delaySeconds = Math.min(MAX_QUEUE_DELAY_S, Math.ceil(Math.max(0, delayMs) / 1000));
  await ctx.queue.send(job, delaySeconds ? { delaySeconds } : undefined);
  return { kind: 'done' };
}

export async function runCampaignSend(ctx: AppContext, job: CampaignJob): Promise<JobOutcome> {
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
  // the chain waits instead of claiming recipients only to hand them back.
  const firstWait = await ctx.platform.limiter.reserve(connection.id, rate);
  if (firstWait > MAX_INLINE_WAIT_MS) return continueChain(ctx, job, firstWait);
  const adapter = await providerAdapterFor(ctx, connection);
  const size = campaignTuning.slice(rate, campaignTuning.chains(rate));
  const claimed = await sends.claimDue(campaign.id, ctx.now(), size, CAMPAIGN_LEASE_MS);
  if (!claimed.length) {
    const due = await sends.nextDueAt(campaign.id);
    if (due === null) {
      await store.completeIfDone(campaign.id, ctx.now());
      return { kind: 'done' };
    }
    const wait = due - ctx.now();
    if (wait > MAX_INLINE_WAIT_MS) return continueChain(ctx, job, wait);
    await sleep(ctx, wait);
    return continueChain(ctx, job, 0);
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
  try {
    await sends.writeOutcomes(campaign.id, outcomes, ctx.now());
  } catch {
    // The write is idempotent (absolute values by primary key): one more try before the lease has to recover.
    await sends.writeOutcomes(campaign.id, outcomes, ctx.now());
  }
  if (slice.halt) {
    // Every recipient would fail the same way (credentials revoked): stop instead of failing them all.
    await store.transition(campaign.id, ['running'], 'paused', ctx.now(), { reason: slice.halt });
    return { kind: 'done' };
  }
  // Every send that reached an end is logged in the CRM, as single sends are (send-job afterOutcome).
  const finished = outcomes.filter((o) => o.attempted && o.recipientState !== 'pending');
  if (finished.length) {
    await ctx.queue.sendBatch(finished.map((o) => ({ type: 'crm_record_message', messageId: o.messageId })));
  }
  // A short slice means the campaign ran dry: complete it now rather than one queue hop later, so the admin
  // sees `completed` as soon as the last outcome lands (completeIfDone checks that nothing is left in flight).
  if (claimed.length < size && (await store.completeIfDone(campaign.id, ctx.now()))) return { kind: 'done' };
  return continueChain(ctx, job, 0);
}

interface SliceContext {
  store: CampaignStore;
  sends: CampaignSendStore;
  audience: CampaignAudienceStore;
  campaign: Campaign;
  connection: Connection;
  template: StoredTemplate;
  adapter: ProviderAdapter;
  /** Set when the provider refused the sender itself (auth): the campaign pauses with this reason. */
  halt: string | null;
  /** The wait of the slot reserved before claiming, used by the slice's first send. */
  firstWait: number | null;
  /** Set once the slice's messages are `sending`: from then on a failure is left to the lease recovery. */
  started: boolean;
}

interface Prepared {
  recipient: ClaimedRecipient;
  content: Extract<MessageContent, { type: 'template' }>;
}

/** Contacts, classification and message rows for the slice; then the paced sends. */
async function sendSlice(
  ctx: AppContext,
  s: SliceContext,
  claimed: ClaimedRecipient[],
): Promise<SendOutcome[]> {
  const now = ctx.now();
  const contacts = await s.audience.ensureContacts(
    s.campaign.installationId,
    s.connection.id,
    claimed.map((r) => ({ phone: r.phone, name: r.name })),
    now,
  );
  const byPhone = new Map(contacts.map((c) => [c.phone, c]));
  const logs = await s.audience.recentLogs(
    contacts.map((c) => c.id),
    now - FREE_ENTRY_POINT_MS - WINDOW_MS,
  );
  const prepared: Prepared[] = [];
  const skipped: { recipientId: string; reason: string }[] = [];
  const messages = [];
  for (const recipient of claimed) {
    const contact = byPhone.get(recipient.phone)!;
    // Opt-outs are checked again at send time: a STOP may have arrived since the preflight.
    if (contact.opted_out_at || contact.listed) {
      skipped.push({ recipientId: recipient.id, reason: 'opted_out: since the campaign was created' });
      continue;
    }
    let content: Prepared['content'];
    try {
      content = prepareTemplateContent(s.template, {
        type: 'template',
        templateId: s.template.id,
        templateName: s.template.name,
        language: s.template.language,
        values: recipient.variables,
        ...(s.campaign.headerMediaUrl ? { headerMediaUrl: s.campaign.headerMediaUrl } : {}),
      });
    } catch (error) {
      skipped.push({ recipientId: recipient.id, reason: `template_mismatch: ${(error as Error).message}` });
      continue;
    }
    const log = logs
      .filter((l) => l.contact_id === contact.id)
      .map((l) => ({
        direction: l.direction,
        at: l.occurred_at,
        kind: l.type === 'template' ? ('template' as const) : ('free_form' as const),
        category: (l.category as StoredTemplate['category'] | null) ?? undefined,
      }));
    const classification = classifySend(log, { kind: 'template', category: s.template.category }, now);
    messages.push({
      id: recipient.messageId,
      contactId: contact.id,
      content: JSON.stringify(content),
      category: classification.category,
      billable: classification.billable ? 1 : 0,
    });
    prepared.push({ recipient, content });
  }
  const sendable = await s.sends.startSending(s.campaign.id, s.connection.id, messages, skipped, now);
  s.started = true;
  const outcomes: SendOutcome[] = [];
  // A message another execution already moved past `queued` is never sent again: report what it recorded.
  for (const p of prepared) {
    if (!sendable.has(p.recipient.messageId)) outcomes.push(alreadyHandled(p.recipient));
  }
  const queue = prepared.filter((p) => sendable.has(p.recipient.messageId));
  let releaseAt: number | null = null;
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      if (releaseAt !== null || s.halt !== null) {
        outcomes.push(release(p.recipient, releaseAt ?? ctx.now()));
        continue;
      }
      let wait = s.firstWait;
      s.firstWait = null;
      wait ??= await ctx.platform.limiter.reserve(s.connection.id, s.connection.rateLimitPerSecond);
      if (wait > MAX_INLINE_WAIT_MS) {
        // The provider asked us to back off for a while: hand the rest of the slice back, untouched.
        releaseAt = ctx.now() + wait;
        outcomes.push(release(p.recipient, releaseAt));
        continue;
      }
      await sleep(ctx, wait);
      outcomes.push(await sendOne(ctx, s, p));
    }
  };
  await Promise.all(Array.from({ length: Math.min(campaignTuning.concurrency, queue.length) }, worker));
  return outcomes;
}

function release(recipient: ClaimedRecipient, at: number): SendOutcome {
  return {
    recipientId: recipient.id,
    messageId: recipient.messageId,
    recipientState: 'pending',
    sendState: 'queued',
    status: null,
    statusTimes: null,
    providerMessageId: null,
    error: null,
    reason: null,
    sendAfter: at,
    attempted: 0,
  };
}

/** The message was claimed by an earlier execution that died after the request may have left. */
function alreadyHandled(recipient: ClaimedRecipient): SendOutcome {
  return {
    ...release(recipient, 0),
    recipientState: 'unknown',
    sendState: 'unknown',
    sendAfter: null,
    reason: 'The send was interrupted after it started; it may or may not have been delivered.',
  };
}

async function sendOne(ctx: AppContext, s: SliceContext, p: Prepared): Promise<SendOutcome> {
  const { recipient } = p;
  const base = { ...release(recipient, 0), sendAfter: null, attempted: 1 as const };
  const outbound: OutboundMessage = {
    reference: recipient.messageId,
    to: recipient.phone,
    content: p.content,
    template: {
      providerTemplateId: s.template.providerTemplateId,
      name: s.template.name,
      language: s.template.language,
      namespace: s.template.namespace,
      parameterFormat: s.template.parameterFormat,
      variables: s.template.variables,
      headerFormat: s.template.components.header?.format,
      buttonTypes: s.template.components.buttons.map((b) => b.type),
    },
  };
  try {
    const result = await s.adapter.send(outbound);
    const now = ctx.now();
    return {
      ...base,
      recipientState: 'sent',
      sendState: 'sent',
      status: result.status,
      statusTimes: JSON.stringify(applyStatus({}, result.status, now)),
      providerMessageId: result.providerMessageId,
    };
  } catch (raw) {
    const error = raw instanceof ProviderError ? raw : s.adapter.normalizeError(raw);
    const now = ctx.now();
    const info = JSON.stringify(errorInfo(error));
    if (error.kind === 'unknown_outcome') {
      // The request left and no answer came back: never resend blindly (DESIGN.md §3.5).
      return { ...base, recipientState: 'unknown', sendState: 'unknown', error: info, reason: error.message };
    }
    if (error.kind === 'auth') {
      s.halt = error.message;
      return { ...release(recipient, now), error: info, reason: error.message, attempted: 1 };
    }
    if (error.retryable && recipient.attempts + 1 < SEND_RETRY_BUDGET) {
      if (error.kind === 'rate_limited' && error.rateLimitScope !== 'recipient') {
        await ctx.platform.limiter.pause(s.connection.id, now + (error.retryAfterMs ?? 1_000));
      }
      const sendAfter = now + campaignBackoffMs(recipient.attempts, error.retryAfterMs);
      return {
        ...base,
        recipientState: 'pending',
        sendState: 'queued',
        error: info,
        reason: error.message,
        sendAfter,
      };
    }
    // Permanent (invalid recipient, template mismatch, …) or out of retries: this recipient only.
    return {
      ...base,
      recipientState: 'failed',
      sendState: 'failed',
      status: 'failed',
      statusTimes: JSON.stringify(applyStatus({}, 'failed', now)),
      error: info,
      reason: error.message,
    };
  }
}
