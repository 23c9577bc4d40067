// What a campaign's page draws (issue 14): the funnel by state (sent → delivered → read, failed, capped), sends
// and deliveries over time, and the cost estimated before the start next to the one the provider reported.
import type { AppContext } from '../../context';
import { CampaignStatsStore, type TimelineKind } from '../../store/campaign-stats';
import { getCampaign } from './campaigns';

/** Bucket sizes from 1 s to a day: the smallest that keeps the chart at ≤ 60 points. */
const BUCKETS_MS = [
  1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000,
];
const MAX_POINTS = 60;

export function bucketFor(spanMs: number): number {
  return BUCKETS_MS.find((b) => spanMs / b <= MAX_POINTS) ?? BUCKETS_MS[BUCKETS_MS.length - 1]!;
}

export async function campaignStats(ctx: AppContext, installationId: string, id: string) {
  const { campaign, progress } = await getCampaign(ctx, installationId, id);
  const store = new CampaignStatsStore(ctx.db);
  const span = await store.span(campaign.id);
  const first = span?.first ?? null;
  const bucketMs = first === null ? BUCKETS_MS[0]! : bucketFor((span?.last ?? first) - first);
  const points = new Map<number, Record<TimelineKind, number>>();
  for (const row of await store.timeline(campaign.id, bucketMs)) {
    const point = points.get(row.at) ?? { sent: 0, delivered: 0, read: 0, failed: 0 };
    point[row.kind] += row.n;
    points.set(row.at, point);
  }
  // Every bucket from the first to the last, empty ones as zeros, so the line does not skip quiet minutes.
  const at: number[] = [];
  if (points.size) {
    const keys = [...points.keys()];
    for (let t = Math.min(...keys); t <= Math.max(...keys); t += bucketMs) at.push(t);
  }
  const series = (kind: TimelineKind) => at.map((t) => points.get(t)?.[kind] ?? 0);
  const n = progress.counts as Record<string, number>;
  return {
    campaign,
    progress,
    // Cumulative, as a funnel reads: a read message was also delivered and sent.
    funnel: {
      sent: (n.sent ?? 0) + (n.delivered ?? 0) + (n.read ?? 0),
      delivered: (n.delivered ?? 0) + (n.read ?? 0),
      read: n.read ?? 0,
      failed: n.failed ?? 0,
      capped: n.capped ?? 0,
    },
    timeline: {
      bucketMs,
      at,
      sent: series('sent'),
      delivered: series('delivered'),
      read: series('read'),
      failed: series('failed'),
    },
    cost: { estimated: progress.estimatedCost, reported: progress.actualCost },
  };
}
