// Token bucket: pure state transition, shared by the Durable Object and the in-memory limiter.

export interface BucketState {
  tokens: number;
  updatedAt: number;
  /** Until when the provider told us to back off (429 / Retry-After / Meta 130429). */
  pausedUntil: number;
  /** End of the line of callers `reserveWithin` turned away: the next one turned away comes back after it. */
  deferredUntil?: number;
  /** The same line for bulk claims; it starts behind the people's line, so bulk never comes back ahead of them. */
  bulkDeferredUntil?: number;
}

export interface Reservation {
  state: BucketState;
  /** How long the caller must wait before sending (0 = now). */
  waitMs: number;
}

/** A pace: `burst` requests at once, refilled continuously at `ratePerSecond`. */
export interface BucketShape {
  ratePerSecond: number;
  burst: number;
}

export interface BoundedReservation extends Reservation {
  /** true: a token was taken, go after `waitMs`. false: nothing was taken, come back in `waitMs`. */
  granted: boolean;
}

export const initialBucket = (now: number, burst: number): BucketState => ({
  tokens: burst,
  updatedAt: now,
  pausedUntil: 0,
});

/**
 * Reserves one token. Tokens refill continuously at `ratePerSecond` up to `burst` (default: one second's worth);
 * a reservation may drive the balance negative, which is how later callers learn how long to wait.
 */
export function reserve(
  state: BucketState,
  now: number,
  ratePerSecond: number,
  burst: number = ratePerSecond,
): Reservation {
  const elapsed = Math.max(0, now - state.updatedAt);
  const refilled = Math.min(burst, state.tokens + (elapsed * ratePerSecond) / 1000);
  const tokens = refilled - 1;
  const rateWait = tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / ratePerSecond);
  const pauseWait = Math.max(0, state.pausedUntil - now);
  return {
    state: { ...state, tokens, updatedAt: now },
    waitMs: Math.max(rateWait, pauseWait),
  };
}

/**
 * Bulk work (campaign logging) on a bucket that people's work shares: a claim takes `take` tokens at once, and only
 * out of what lies above `keep` tokens, which stay for people. People's reservations take from the whole bucket,
 * so a person's request finds `keep` tokens however much bulk work waits. The bucket's total pace is unchanged.
 */
export interface BulkClaim {
  take: number;
  keep: number;
}

/**
 * Reserves one token only if the wait is at most `maxWaitMs`. Otherwise takes nothing and answers when to come
 * back: callers turned away get successive return times `spacingTokens` tokens apart, so a burst of them comes
 * back about as fast as the bucket can serve them instead of all at the same instant.
 */
export function reserveWithin(
  state: BucketState,
  now: number,
  shape: BucketShape,
  maxWaitMs: number,
  spacingTokens = 1,
  bulk?: BulkClaim,
): BoundedReservation {
  if (bulk) return claimBulk(state, now, shape, maxWaitMs, bulk);
  const taken = reserve(state, now, shape.ratePerSecond, shape.burst);
  if (taken.waitMs <= maxWaitMs) return { ...taken, granted: true };
  const slot = Math.max(now + taken.waitMs, state.deferredUntil ?? 0);
  return {
    state: { ...state, deferredUntil: slot + Math.ceil((spacingTokens * 1000) / shape.ratePerSecond) },
    waitMs: slot - now,
    granted: false,
  };
}

/** `reserveWithin` for a bulk claim: `take` tokens once `keep` would remain, turned-away claims in their own line. */
function claimBulk(
  state: BucketState,
  now: number,
  shape: BucketShape,
  maxWaitMs: number,
  bulk: BulkClaim,
): BoundedReservation {
  // A claim larger than the bucket could never be granted: clamp both to what the bucket holds.
  const take = Math.max(1, Math.min(bulk.take, shape.burst));
  const keep = Math.max(0, Math.min(bulk.keep, shape.burst - take));
  const elapsed = Math.max(0, now - state.updatedAt);
  const refilled = Math.min(shape.burst, state.tokens + (elapsed * shape.ratePerSecond) / 1000);
  const tokens = refilled - take;
  const rateWait = tokens >= keep ? 0 : Math.ceil(((keep - tokens) * 1000) / shape.ratePerSecond);
  const waitMs = Math.max(rateWait, state.pausedUntil - now, 0);
  if (waitMs <= maxWaitMs) return { state: { ...state, tokens, updatedAt: now }, waitMs, granted: true };
  const slot = Math.max(now + waitMs, state.deferredUntil ?? 0, state.bulkDeferredUntil ?? 0);
  return {
    state: { ...state, bulkDeferredUntil: slot + Math.ceil((take * 1000) / shape.ratePerSecond) },
    waitMs: slot - now,
    granted: false,
  };
}

/** Gives back tokens a claim took and did not use (a bulk job that needed fewer requests than it claimed). */
export function refund(state: BucketState, now: number, shape: BucketShape, tokens: number): BucketState {
  const elapsed = Math.max(0, now - state.updatedAt);
  const refilled = Math.min(shape.burst, state.tokens + (elapsed * shape.ratePerSecond) / 1000);
  return { ...state, tokens: Math.min(shape.burst, refilled + Math.max(0, tokens)), updatedAt: now };
}

/** The provider pushed back: no sends until `until`, and the bucket restarts empty. */
export function pause(state: BucketState, now: number, until: number): BucketState {
  return {
    ...state,
    tokens: Math.min(state.tokens, 0),
    updatedAt: now,
    pausedUntil: Math.max(state.pausedUntil, until),
  };
}
