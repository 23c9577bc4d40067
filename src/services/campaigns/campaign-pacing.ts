// Campaign pacing knobs shared by the chain runner (campaign-runner.ts) and the slice sender (campaign-slice.ts):
// parallelism and retry backoff (the slot waits themselves: AppContext.sleep).
import type { RetryPolicy } from '../../platform/retry-policy';

/** A job that died mid-slice leaves leases; after this long another job recovers them (Workers' max wall time). */
export const CAMPAIGN_LEASE_MS = 15 * 60_000;
/** Waits up to this long happen inside the invocation; longer ones go back to the queue with a delay. */
export const MAX_INLINE_WAIT_MS = 1_000;

/**
 * Parallelism. A Worker invocation keeps at most 6 outbound connections open, so a sender at R msg/s needs
 * about R/20 chains when the provider answers in ~300 ms. Benches in one Node process tune this down.
 */
export const campaignTuning = {
  chains: (rate: number) => Math.min(50, Math.max(1, Math.ceil(rate / 20))),
  /** Recipients per job: about two seconds of the chain's share, bounded so a crash strands few. */
  slice: (rate: number, chains: number) => Math.min(100, Math.max(10, Math.ceil((2 * rate) / chains))),
  concurrency: 6,
  /**
   * A chain invocation sends slice after slice while it has time left, re-reading the campaign between slices (so
   * pause and cancel still land within one slice), instead of one slice per queue hop: a hop costs up to the
   * queue's batch timeout, which at 1,000 msg/s is a second of the chain's share each time.
   */
  invocationMs: 20_000,
  /** Bound on slices per invocation, whatever the clock says (tests run on fake clocks). */
  slicesPerInvocation: 50,
};

/**
 * A campaign recipient's retries after a transient failure or a 429: from 250 ms (a retry due within a second is
 * slept through inside the chain, campaign-runner.ts, so a blip barely slows the campaign), doubling to one minute,
 * never before the provider's Retry-After; 8 attempts in all, since a marketing send has no reply deadline to bound
 * it (single sends: SEND_RETRY in send-job.ts).
 */
export const CAMPAIGN_SEND_RETRY: RetryPolicy = { firstMs: 250, maxMs: 60_000, retries: 7 };
