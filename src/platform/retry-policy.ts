// The one retry policy (issue 13): how long to wait before attempt n+1 after attempt n failed, and whether there is
// an attempt n+1 at all. Every retry this Worker schedules (queue jobs: sends, CRM writes, trigger firings, Delivery
// URL replies, template sync, status parking, campaign recipients) or sleeps through (the CRM clients' in-request
// retries) takes its delay from here; each caller keeps its own numbers as a named `RetryPolicy`, beside the reason
// they differ. Pure: no clock, no I/O (`random` is injectable for tests).

export interface RetryPolicy {
  /** The wait after the first failure (attempt 0), before jitter. */
  readonly firstMs: number;
  /** How the wait grows with each attempt: doubles (the default), grows by `firstMs` (linear), or stays (fixed). */
  readonly growth?: 'double' | 'linear' | 'fixed';
  /** The longest wait the growth reaches (before jitter and before any Retry-After). */
  readonly maxMs: number;
  /**
   * `equal` (the default): half the wait fixed, half random, so that work failing together (an outage) does not come
   * back together; `none`: exactly the wait (in-request retries, fixed re-checks).
   */
  readonly jitter?: 'equal' | 'none';
  /**
   * Retries after the first attempt: the attempt numbered `retries` (counted from 0) is the last one. Absent: the
   * caller's own deadline decides (a reply is retried while it can still be delivered, DESIGN.md §6).
   */
  readonly retries?: number;
}

/** Exponent bound: past it every doubling policy has long reached its `maxMs` (and 2 ** n stays finite). */
const MAX_DOUBLINGS = 30;

/** The policy's wait after failed attempt `attempt` (0 = the first), without jitter or Retry-After. */
export function baseDelayMs(policy: RetryPolicy, attempt: number): number {
  const n = Math.max(0, attempt);
  const growth = policy.growth ?? 'double';
  const grown =
    growth === 'fixed'
      ? policy.firstMs
      : growth === 'linear'
        ? policy.firstMs * (n + 1)
        : policy.firstMs * 2 ** Math.min(n, MAX_DOUBLINGS);
  return Math.min(policy.maxMs, grown);
}

/**
 * The wait in ms after failed attempt `attempt`: the policy's (jittered) wait, and never less than the vendor's
 * Retry-After when it gave one (a Retry-After is honoured even past `maxMs`: the vendor knows best).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const base = baseDelayMs(policy, attempt);
  const jittered = (policy.jitter ?? 'equal') === 'none' ? base : Math.ceil(base / 2 + (random() * base) / 2);
  return Math.max(retryAfterMs, jittered);
}

/** The same wait in whole seconds, rounded up (queue delays are seconds). */
export function retryDelaySeconds(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  return Math.ceil(retryDelayMs(policy, attempt, retryAfterMs, random) / 1000);
}

/** Whether failed attempt `attempt` (0 = the first) may be followed by another one. */
export function mayRetry(policy: RetryPolicy, attempt: number): boolean {
  return policy.retries === undefined || attempt < policy.retries;
}
