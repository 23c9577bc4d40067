// People before bulk in a number's send bucket (DESIGN.md §3.5, issue 17). Every send of a number takes its token
// from one bucket (platform/send-limiter.ts, keyed by the connection): a person's send (an agent's reply, a workflow
// or API send: send-job.ts) reserves from the whole bucket, while a campaign's sends (campaign-slice.ts) claim one
// token at a time only out of what lies above a share kept for people (token-bucket.ts `BulkClaim`, as the CRM
// buckets do in crm-pacing.ts). The bucket's pace — the provider's cap — is the same for both together.
import type { AppContext } from '../../context';
import type { BoundedSlot, BucketShape, BulkClaim } from '../../platform/send-limiter';
import type { Connection } from '../../store/connections';

/**
 * Longest a campaign's claim may be granted ahead of its token. Every claim granted ahead eats into the people's
 * share (at R msg/s, R × this ÷ 1000 tokens), so the share below is sized to cover it; a longer wait is slept
 * through outside the bucket and asked again, behind the people.
 */
export const BULK_SEND_AHEAD_MS = 100;
/** Beyond this a campaign's wait (a provider hold, Retry-After) hands the slice back to the queue. */
const BULK_SEND_MAX_INLINE_MS = 1_000;

/** The number's bucket: one second's worth of its rate, refilled continuously (as `reserve` shapes it). */
export function sendBucket(connection: Connection): BucketShape {
  const rate = connection.rateLimitPerSecond;
  return { ratePerSecond: rate, burst: rate };
}

/**
 * Tokens a campaign leaves for people: a tenth of a second's worth (at least one reply at once), plus what claims
 * granted ahead may have taken. Clamped by the bucket (token-bucket.ts): a 1 msg/s number keeps nothing, and a
 * reply there waits at most one token's time.
 */
export function peopleSendShare(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / 10)) + Math.ceil((ratePerSecond * BULK_SEND_AHEAD_MS) / 1000);
}

/**
 * One campaign send's slot. Granted: go after `waitMs` (≤ BULK_SEND_AHEAD_MS). Not granted: nothing was taken; the
 * bucket is held (a provider 429) or backed up for longer than a second: hand the work back for `waitMs`.
 */
export async function reserveCampaignSend(ctx: AppContext, connection: Connection): Promise<BoundedSlot> {
  const shape = sendBucket(connection);
  const claim: BulkClaim = { take: 1, keep: peopleSendShare(shape.ratePerSecond) };
  // Counted by what was asked, not by the clock: a test clock that stands still still ends the loop.
  let slept = 0;
  for (;;) {
    const slot = await ctx.platform.limiter.reserveWithin(connection.id, shape, BULK_SEND_AHEAD_MS, 1, claim);
    if (slot.granted || slept + slot.waitMs > BULK_SEND_MAX_INLINE_MS) return slot;
    // Turned away, in the bulk line (behind any person): sleep outside the bucket, then ask again.
    slept += slot.waitMs;
    await ctx.sleep(slot.waitMs);
  }
}
