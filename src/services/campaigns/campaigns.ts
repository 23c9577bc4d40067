// Campaign use cases (issue 7): preflight and create, pause / resume / cancel, progress and per-recipient report.
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { rateOf, type PricingCategory } from '../../core/pricing';
import { CampaignStore, type Campaign, type OverTierPolicy } from '../../store/campaigns';
import type { Connection } from '../../store/connections';
import { csvLine, parseRecipientsCsv, recipientsFromList, type ParsedRecipients } from './campaign-csv';
import { preflightCampaign, rateCard, type Preflight } from './campaign-preflight';
import { startChains } from './campaign-chains';
import { tierRefusal } from './campaign-tier';
import { cappedRetryOf, cappedSummary } from './campaign-caps';
import { assertSendable } from '../relay/connection-state';
import { sendableTemplate } from '../relay/relay-outbound';

export interface CreateCampaignInput {
  connection: Connection;
  templateId: string;
  name?: string;
  csv?: string;
  recipients?: { phone: string; name?: string; variables?: Record<string, string> }[];
  startAt?: number;
  overTierPolicy: OverTierPolicy;
  dryRun: boolean;
  defaultCountry?: string;
  headerMediaUrl?: string;
  /** Retry frequency-capped recipients (Meta 131049) after this many hours (absent: off; issue 12 item 3). */
  cappedRetryAfterHours?: number;
  /** At most this many retries per recipient, all within 7 days of the first cap (default 1). */
  cappedRetryMax?: number;
}

export type CreateCampaignResult =
  { dryRun: true; preflight: Preflight } | { dryRun: false; campaign: Campaign; preflight: Preflight };

export async function createCampaign(
  ctx: AppContext,
  input: CreateCampaignInput,
): Promise<CreateCampaignResult> {
  const { connection } = input;
  // A dry run only checks the audience; a real campaign on a disabled number is refused before anything is stored.
  if (!input.dryRun) assertSendable(connection);
  const template = await sendableTemplate(ctx, connection, input.templateId);
  if ((input.csv === undefined) === (input.recipients === undefined)) {
    throw new AppError('invalid_request', 'Give the recipients either as a CSV or as a JSON list', [
      { path: 'recipients', message: 'exactly one of csv, recipients' },
    ]);
  }
  const parsed: ParsedRecipients =
    input.csv !== undefined
      ? parseRecipientsCsv(input.csv, template.variables)
      : recipientsFromList(input.recipients!, template.variables);
  if (!parsed.recipients.length) {
    throw new AppError('invalid_request', 'The campaign has no recipients', [
      { path: 'recipients', message: 'empty' },
    ]);
  }
  const now = ctx.now();
  const startAt = Math.max(now, input.startAt ?? now);
  const { preflight, recipients } = await preflightCampaign(ctx, {
    connection,
    template,
    recipients: parsed.recipients,
    unusedColumns: parsed.unusedColumns,
    startAt,
    policy: input.overTierPolicy,
    defaultCountry: input.defaultCountry,
  });
  if (input.dryRun) return { dryRun: true, preflight };
  if (!preflight.tier.fits && input.overTierPolicy === 'refuse') {
    // Refused with the numbers and whose limit it is (the portfolio's, shared by all its numbers: issue 12 item 2).
    throw new AppError('conflict', tierRefusal(preflight.tier), { preflight });
  }
  if (!preflight.sendable) {
    throw new AppError('invalid_request', 'No recipient can be sent to (see the preflight)', { preflight });
  }
  const store = new CampaignStore(ctx.db);
  const campaign = await store.create(
    {
      installationId: connection.installationId,
      connectionId: connection.id,
      templateId: template.id,
      name:
        input.name?.trim() ||
        `${template.name} ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')}`,
      status: startAt > now ? 'scheduled' : 'running',
      startAt,
      overTierPolicy: input.overTierPolicy,
      preflight,
      headerMediaUrl: input.headerMediaUrl ?? null,
      cappedRetry: cappedRetryOf(input),
    },
    recipients,
    now,
  );
  await startChains(ctx, campaign, connection, startAt - now);
  return { dryRun: false, campaign, preflight };
}

async function scoped(ctx: AppContext, installationId: string, id: string): Promise<Campaign> {
  const campaign = await new CampaignStore(ctx.db).getForInstallation(installationId, id);
  if (!campaign) throw new AppError('not_found', 'Campaign not found');
  return campaign;
}

export async function getCampaign(ctx: AppContext, installationId: string, id: string) {
  const campaign = await scoped(ctx, installationId, id);
  return { campaign: presentCampaign(campaign), progress: await campaignProgress(ctx, campaign) };
}

export async function listCampaigns(ctx: AppContext, installationId: string) {
  const campaigns = await new CampaignStore(ctx.db).list(installationId);
  return campaigns.map(presentCampaign);
}

/** Pause: running jobs finish their slice (a few seconds at most), no new slice starts. */
export async function pauseCampaign(ctx: AppContext, installationId: string, id: string) {
  const campaign = await scoped(ctx, installationId, id);
  const updated = await new CampaignStore(ctx.db).transition(
    campaign.id,
    ['running', 'scheduled'],
    'paused',
    ctx.now(),
    {
      reason: 'Paused by an admin',
    },
  );
  if (!updated) throw new AppError('conflict', `A ${campaign.status} campaign cannot be paused`);
  return getCampaign(ctx, installationId, id);
}

/** Resume: a new generation of job chains; jobs of the old one stop when they see it. */
export async function resumeCampaign(ctx: AppContext, installationId: string, id: string) {
  const campaign = await scoped(ctx, installationId, id);
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(campaign.connectionId);
  if (connection && campaign.status === 'paused') assertSendable(connection);
  // A campaign paused before its start (e.g. its template became MARKETING) waits for its start again.
  const wait = Math.max(0, (campaign.startAt ?? 0) - ctx.now());
  const updated = await new CampaignStore(ctx.db).transition(
    campaign.id,
    ['paused'],
    wait > 0 ? 'scheduled' : 'running',
    ctx.now(),
    { newGeneration: true },
  );
  if (!updated) throw new AppError('conflict', `A ${campaign.status} campaign cannot be resumed`);
  if (connection) await startChains(ctx, updated, connection, wait);
  return getCampaign(ctx, installationId, id);
}

/** Cancel: recipients not yet sent are dropped; sends already in flight finish and are reported. */
export async function cancelCampaign(ctx: AppContext, installationId: string, id: string) {
  const campaign = await scoped(ctx, installationId, id);
  const store = new CampaignStore(ctx.db);
  const updated = await store.transition(
    campaign.id,
    ['running', 'scheduled', 'paused'],
    'cancelled',
    ctx.now(),
    {
      reason: 'Cancelled by an admin',
    },
  );
  if (!updated) throw new AppError('conflict', `A ${campaign.status} campaign cannot be cancelled`);
  await store.cancelPending(campaign.id, ctx.now());
  return getCampaign(ctx, installationId, id);
}

const REPORTED_STATES = [
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'unknown',
  'cancelled',
  'capped',
  'opted_out',
] as const;

export async function campaignProgress(ctx: AppContext, campaign: Campaign) {
  const store = new CampaignStore(ctx.db);
  const counts = Object.fromEntries(REPORTED_STATES.map((s) => [s, 0])) as Record<
    (typeof REPORTED_STATES)[number],
    number
  >;
  for (const row of await store.progress(campaign.id)) {
    if (row.state in counts) counts[row.state as keyof typeof counts] += row.n;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  // Capped recipients waiting for their retry are counted as queued; `capped` here are the ones not retried.
  const capped = await cappedSummary(ctx, campaign.id);
  const done = total - counts.queued;
  const rates = rateCard(ctx);
  // Actual cost: what the provider's status webhooks reported as billable, priced with the same rate card.
  let actualMicro = 0;
  let billable = 0;
  let reported = 0;
  for (const row of await store.reportedPricing(campaign.id)) {
    reported += row.reported;
    billable += row.billable;
    const rate = rateOf(rates, (row.category ?? 'MARKETING') as PricingCategory);
    actualMicro += Math.round(rate * 1_000_000) * row.billable;
  }
  const preflight = campaign.preflight as Partial<Preflight>;
  return {
    total,
    counts,
    /** Recipients with a final outcome (everything but queued), in percent. */
    percent: total ? Math.floor((done * 100) / total) : 100,
    /** Frequency caps (Meta 131049): recipients capped so far, those waiting for a retry and when it is due. */
    capped,
    estimatedCost: preflight.estimate ?? null,
    actualCost: {
      currency: rates.currency,
      total: actualMicro / 1_000_000,
      billable,
      reportedMessages: reported,
    },
  };
}

export function presentCampaign(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    connectionId: c.connectionId,
    templateId: c.templateId,
    status: c.status,
    statusReason: c.statusReason,
    startAt: c.startAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    overTierPolicy: c.overTierPolicy,
    createdAt: c.createdAt,
  };
}

const PAGE = 1_000;

export async function campaignRecipients(
  ctx: AppContext,
  installationId: string,
  id: string,
  page: { limit: number; offset: number },
) {
  const campaign = await scoped(ctx, installationId, id);
  const rows = await new CampaignStore(ctx.db).recipients(campaign.id, page);
  return rows.map((r) => ({ ...r, phone: r.phone.startsWith('invalid:') ? null : r.phone }));
}

/** Every recipient's outcome as CSV (read in pages so a large campaign never loads at once). */
export async function campaignRecipientsCsv(
  ctx: AppContext,
  installationId: string,
  id: string,
): Promise<string> {
  const campaign = await scoped(ctx, installationId, id);
  const store = new CampaignStore(ctx.db);
  const lines = [csvLine(['row', 'phone', 'input', 'state', 'reason', 'attempts', 'provider_message_id'])];
  for (let offset = 0; ; offset += PAGE) {
    const rows = await store.recipients(campaign.id, { limit: PAGE, offset });
    for (const r of rows) {
      const phone = r.phone.startsWith('invalid:') ? '' : r.phone;
      lines.push(csvLine([r.seq, phone, r.input, r.state, r.reason, r.attempts, r.providerMessageId]));
    }
    if (rows.length < PAGE) break;
  }
  return lines.join('\r\n') + '\r\n';
}
