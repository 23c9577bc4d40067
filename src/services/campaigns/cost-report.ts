// Estimated vs provider-reported cost (issue 12 item 6), per campaign and per month, for the admin page. Both
// sides are priced with the configured rate card: Meta's status webhooks say what a message is charged as
// (category, type), not the amount, so "reported" = the provider's classification at our rates.
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { PRICING_CATEGORIES, rateOf, type PricingCategory, type RateCard } from '../../core/pricing';
import { CampaignStore } from '../../store/campaigns';
import { MessageCostStore, type CostGroupRow } from '../../store/message-costs';
import { rateCard } from './rate-card';

export interface CostSide {
  total: number;
  billable: number;
  free: number;
  byCategory: Partial<Record<PricingCategory | 'OTHER', { billable: number; free: number; cost: number }>>;
}

export interface CostComparison {
  currency: string;
  /** Messages sent through us. */
  messages: number;
  /** Of those, how many the provider priced (status webhooks with `pricing`). */
  reportedMessages: number;
  /** Our estimate for every sent message. */
  estimated: CostSide;
  /** Our estimate for the messages the provider priced: the like-for-like figure to compare with `reported`. */
  estimatedForReported: CostSide;
  /** The provider's pricing of the messages it priced. */
  reported: CostSide;
}

const MICRO = 1_000_000;

function side(): CostSide & { micro: number } {
  return { total: 0, billable: 0, free: 0, byCategory: {}, micro: 0 };
}

function add(
  s: CostSide & { micro: number },
  rates: RateCard,
  category: string | null,
  billable: number | null,
  n: number,
) {
  const known = PRICING_CATEGORIES.includes(category as PricingCategory);
  const key = known ? (category as PricingCategory) : 'OTHER';
  const entry = (s.byCategory[key] ??= { billable: 0, free: 0, cost: 0 });
  if (billable === 1) {
    const micro = known ? Math.round(rateOf(rates, key as PricingCategory) * MICRO) * n : 0;
    s.billable += n;
    entry.billable += n;
    entry.cost = (Math.round(entry.cost * MICRO) + micro) / MICRO;
    s.micro += micro;
  } else {
    s.free += n;
    entry.free += n;
  }
}

function finish(s: CostSide & { micro: number }): CostSide {
  const { micro, ...rest } = s;
  return { ...rest, total: micro / MICRO };
}

export function compareCosts(rows: readonly CostGroupRow[], rates: RateCard): CostComparison {
  const estimated = side();
  const estimatedForReported = side();
  const reported = side();
  let messages = 0;
  let reportedMessages = 0;
  for (const r of rows) {
    messages += r.n;
    add(estimated, rates, r.estimated_category, r.estimated_billable, r.n);
    if (r.reported === 1) {
      reportedMessages += r.n;
      add(estimatedForReported, rates, r.estimated_category, r.estimated_billable, r.n);
      add(reported, rates, r.reported_category, r.reported_billable, r.n);
    }
  }
  return {
    currency: rates.currency,
    messages,
    reportedMessages,
    estimated: finish(estimated),
    estimatedForReported: finish(estimatedForReported),
    reported: finish(reported),
  };
}

export async function campaignCosts(ctx: AppContext, installationId: string, campaignId: string) {
  const campaign = await new CampaignStore(ctx.db).getForInstallation(installationId, campaignId);
  if (!campaign) throw new AppError('not_found', 'Campaign not found');
  const rows = await new MessageCostStore(ctx.db).forCampaign(campaign.id);
  return { campaignId: campaign.id, ...compareCosts(rows, rateCard(ctx)) };
}

/** `YYYY-MM` → first instant of that UTC month. */
const monthStart = (month: string) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);
const nextMonth = (month: string) => {
  const d = new Date(monthStart(month));
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

export async function monthlyCosts(
  ctx: AppContext,
  installationId: string,
  range: { from: string; to: string; connectionId?: string },
) {
  if (range.from > range.to) throw new AppError('invalid_request', '`from` must not be after `to`');
  const rates = rateCard(ctx);
  const rows = await new MessageCostStore(ctx.db).perMonth(
    installationId,
    monthStart(range.from),
    nextMonth(range.to),
    range.connectionId,
  );
  const months: ({ month: string } & CostComparison)[] = [];
  for (let at = monthStart(range.from); at < nextMonth(range.to);) {
    const month = new Date(at).toISOString().slice(0, 7);
    months.push({
      month,
      ...compareCosts(
        rows.filter((r) => r.month === month),
        rates,
      ),
    });
    at = nextMonth(month);
  }
  return { currency: rates.currency, months };
}
