// A campaign's messaging tier (DESIGN.md §3.5, issue 12 item 2): unique customers per rolling 24 h, counted across
// every number of the sender's business portfolio (all connections of all installations that share it), against the
// limit the provider reported or the admin's manual value (services/campaigns/messaging-limits.ts).
import type { AppContext } from '../../context';
import { WINDOW_MS } from '../../core/window';
import type { CampaignAudienceStore } from '../../store/campaign-audience';
import type { NewRecipient, OverTierPolicy } from '../../store/campaigns';
import type { Connection } from '../../store/connections';
import { MessagingLimitStore } from '../../store/messaging-limits';
import { effectiveMessagingLimit, type LimitSource } from './messaging-limits';

export interface TierPlan {
  limit: number | null;
  /** Where the limit comes from: the admin's value, the provider's report (null: no limit applied). */
  source: LimitSource | null;
  /** 'portfolio' when the count covers every number of the business portfolio, 'number' otherwise. */
  scope: 'portfolio' | 'number';
  /** Numbers whose sends count against this limit (this one included). */
  numbersSharing: number;
  usedLast24h: number;
  /** Customers the live campaigns of these numbers will write to within the window (not already in usedLast24h). */
  scheduledByOtherCampaigns: number;
  room: number | null;
  /** Recipients that count against the tier (customers neither written to in the last 24 h nor scheduled). */
  newCustomers: number;
  fits: boolean;
  policy: OverTierPolicy;
  /** Days the campaign is spread over (1 when it fits). */
  days: number;
}

/**
 * Customers already written to in the window, or that a live campaign of any number of the portfolio will write to
 * within the window after `startAt`, use room; they do not count again. Over the limit, `spread` moves the overflow
 * to the following days (one limit's worth per day), `refuse` leaves the plan as is and reports `fits: false` (the
 * caller refuses with tierRefusal).
 */
export async function planTier(
  ctx: AppContext,
  audience: CampaignAudienceStore,
  connection: Connection,
  sendable: NewRecipient[],
  startAt: number,
  policy: OverTierPolicy,
  now: number,
): Promise<TierPlan> {
  const { limit, source } = effectiveMessagingLimit(connection);
  const scope = await new MessagingLimitStore(ctx.db).scope(connection);
  const shared = {
    source,
    scope: connection.businessPortfolioId ? ('portfolio' as const) : ('number' as const),
    numbersSharing: scope.connectionIds.length,
  };
  if (limit === null) {
    return {
      limit,
      ...shared,
      usedLast24h: 0,
      scheduledByOtherCampaigns: 0,
      room: null,
      newCustomers: sendable.length,
      fits: true,
      policy,
      days: 1,
    };
  }
  const [recent, scheduled] = await Promise.all([
    audience.recentCustomers(scope.connectionIds, now - WINDOW_MS),
    audience.scheduledCustomers(scope.connectionIds, startAt + WINDOW_MS),
  ]);
  const committed = new Set([...recent, ...scheduled]);
  const room = Math.max(0, limit - committed.size);
  const fresh = sendable.filter((r) => !committed.has(r.phone));
  const fits = fresh.length <= room;
  let days = 1;
  if (!fits && policy === 'spread') {
    fresh.forEach((r, i) => {
      const day = i < room ? 0 : 1 + Math.floor((i - room) / limit);
      r.sendAfter = startAt + day * WINDOW_MS;
      days = Math.max(days, day + 1);
    });
  }
  return {
    limit,
    ...shared,
    usedLast24h: recent.size,
    scheduledByOtherCampaigns: committed.size - recent.size,
    room,
    newCustomers: fresh.length,
    fits,
    policy,
    days,
  };
}

/** Who shares the limit, in words: "the business portfolio (3 numbers)" or "this number". */
export function tierScopeText(plan: Pick<TierPlan, 'scope' | 'numbersSharing'>): string {
  if (plan.scope === 'number') return 'this number';
  return plan.numbersSharing === 1
    ? "this number's business portfolio"
    : `the business portfolio (shared by ${plan.numbersSharing} numbers)`;
}

const sourceText = (source: LimitSource | null) =>
  source === 'manual' ? 'set by an admin' : source === 'provider' ? 'reported by WhatsApp' : 'not known';

/** The refusal of a campaign over its tier: why, with the numbers, and what the admin can do. */
export function tierRefusal(plan: TierPlan): string {
  const used = [
    `${plan.usedLast24h} already written to in the last 24 h`,
    ...(plan.scheduledByOtherCampaigns
      ? [`${plan.scheduledByOtherCampaigns} scheduled by other live campaigns`]
      : []),
  ].join(', ');
  return (
    `Messaging limit reached: ${tierScopeText(plan)} may start conversations with ${plan.limit} customers per ` +
    `24 hours (${sourceText(plan.source)}); ${used}. This campaign has ${plan.newCustomers} new customers but ` +
    `room is left for ${plan.room}. Send it later, choose "spread over days", or reduce the recipients.`
  );
}
