// Token bucket: pure state transition, shared by the Durable Object and the in-memory limiter.

export interface BucketState {
  tokens: number;
  updatedAt: number;
  /** Until when the provider told us to back off (429 / Retry-After / Meta 130429). */
  pausedUntil: number;
}

export interface Reservation {
  state: BucketState;
  /** How long the caller must wait before sending (0 = now). */
  waitMs: number;
}

export const initialBucket = (now: number, ratePerSecond: number): BucketState => ({
  tokens: ratePerSecond,
  updatedAt: now,
  pausedUntil: 0,
});

/**
 * Reserves one token. Tokens refill continuously at `ratePerSecond` up to a burst of one second's worth;
 * a reservation may drive the balance negative, which is how later callers learn how long to wait.
 */
export function reserve(state: BucketState, now: number, ratePerSecond: number): Reservation {
  const elapsed = Math.max(0, now - state.updatedAt);
  const refilled = Math.min(ratePerSecond, state.tokens + (elapsed * ratePerSecond) / 1000);
  const tokens = refilled - 1;
  const rateWait = tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / ratePerSecond);
  const pauseWait = Math.max(0, state.pausedUntil - now);
  return {
    state: { tokens, updatedAt: now, pausedUntil: state.pausedUntil },
    waitMs: Math.max(rateWait, pauseWait),
  };
}

/** The provider pushed back: no sends until `until`, and the bucket restarts empty. */
export function pause(state: BucketState, now: number, until: number): BucketState {
  return {
    tokens: Math.min(state.tokens, 0),
    updatedAt: now,
    pausedUntil: Math.max(state.pausedUntil, until),
  };
}
