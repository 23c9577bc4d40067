import { describe, expect, it } from 'vitest';
import { baseDelayMs, mayRetry, retryDelayMs, retryDelaySeconds, type RetryPolicy } from './retry-policy';

const doubling: RetryPolicy = { firstMs: 1_000, maxMs: 256_000 };

describe('retry policy: attempt → wait', () => {
  it('doubles from the first wait and stops at the cap', () => {
    expect([0, 1, 2, 3, 8, 9, 40].map((n) => baseDelayMs(doubling, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 256_000, 256_000, 256_000,
    ]);
    // Far past any real attempt count the wait stays the cap (no Infinity, no NaN).
    expect(baseDelayMs(doubling, 10_000)).toBe(256_000);
    expect(baseDelayMs(doubling, -1)).toBe(1_000);
  });

  it('grows linearly or stays fixed when asked', () => {
    const linear: RetryPolicy = { firstMs: 60_000, growth: 'linear', maxMs: 300_000, jitter: 'none' };
    expect([0, 1, 4, 9].map((n) => retryDelayMs(linear, n))).toEqual([60_000, 120_000, 300_000, 300_000]);
    const fixed: RetryPolicy = { firstMs: 20_000, growth: 'fixed', maxMs: 20_000, jitter: 'none' };
    expect([0, 7, 14].map((n) => retryDelayMs(fixed, n))).toEqual([20_000, 20_000, 20_000]);
  });

  it('equal jitter keeps the wait between half and all of it', () => {
    expect(retryDelayMs(doubling, 2, 0, () => 0)).toBe(2_000);
    expect(retryDelayMs(doubling, 2, 0, () => 1)).toBe(4_000);
    expect(retryDelayMs(doubling, 2, 0, () => 0.5)).toBe(3_000);
    for (let i = 0; i < 200; i++) {
      const wait = retryDelayMs(doubling, 5);
      expect(wait).toBeGreaterThanOrEqual(16_000);
      expect(wait).toBeLessThanOrEqual(32_000);
    }
  });

  it('no jitter means exactly the policy wait', () => {
    expect(retryDelayMs({ ...doubling, jitter: 'none' }, 3, 0, () => 0)).toBe(8_000);
  });

  it('never waits less than the vendor Retry-After, even past the cap', () => {
    expect(retryDelayMs(doubling, 0, 30_000, () => 1)).toBe(30_000);
    expect(retryDelayMs(doubling, 20, 600_000, () => 1)).toBe(600_000);
    // A Retry-After shorter than the backoff does not shorten it.
    expect(retryDelayMs(doubling, 4, 1_000, () => 1)).toBe(16_000);
  });

  it('rounds up to whole seconds for queue delays (as the seconds-based backoffs did)', () => {
    expect(retryDelaySeconds(doubling, 0, 0, () => 0)).toBe(1);
    expect(retryDelaySeconds(doubling, 0, 0, () => 0.3)).toBe(1);
    expect(retryDelaySeconds(doubling, 1, 0, () => 0.3)).toBe(2);
    expect(retryDelaySeconds(doubling, 2, 0, () => 0.3)).toBe(3);
    expect(retryDelaySeconds(doubling, 0, 1_500, () => 0)).toBe(2);
    // CRM writes: to 30 minutes, at least the CRM's Retry-After.
    const crm: RetryPolicy = { firstMs: 1_000, maxMs: 1_800_000, retries: 60 };
    expect(retryDelaySeconds(crm, 11, 0, () => 1)).toBe(1_800);
    expect(retryDelaySeconds(crm, 60, 0, () => 0)).toBe(900);
    expect(retryDelaySeconds(crm, 0, 7_200_000, () => 1)).toBe(7_200);
  });
});

describe('retry policy: how many attempts', () => {
  it('allows `retries` retries after the first attempt', () => {
    const five: RetryPolicy = { ...doubling, retries: 5 };
    expect([0, 1, 4, 5, 6].map((n) => mayRetry(five, n))).toEqual([true, true, true, false, false]);
    expect(mayRetry({ ...doubling, retries: 0 }, 0)).toBe(false);
  });

  it('without a count the caller’s deadline decides', () => {
    expect(mayRetry(doubling, 1_000)).toBe(true);
  });
});
