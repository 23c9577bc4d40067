// Token bucket: pure state transition, shared by the Durable Object and the in-memory limiter.

export interface BucketState {
  tokens: number;
  updatedAt: number;
  /** Until when the provider told us to back off (429 / Retry-After / Meta 130429). */
  pausedUntil: number;
  /** End of the line of callers `reserveWithin` turned away: the next one turned away comes back after it. */
  deferredUntil?: number;
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
): BoundedReservation {
  const taken = reserve(state, now, shape.ratePerSecond, shape.burst);
  if (taken.waitMs <= maxWaitMs) return { ...taken, granted: true };
  const slot = Math.max(now + taken.waitMs, state.deferredUntil ?? 0);
  return {
    state: { ...state, deferredUntil: slot + Math.ceil((spacingTokens * 1000) / shape.ratePerSecond) },
    waitMs: slot - now,
    granted: false,
  };
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
