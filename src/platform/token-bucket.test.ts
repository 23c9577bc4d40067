import { describe, expect, it } from 'vitest';
import { MemorySendLimiter } from './send-limiter';
import { initialBucket, pause, refund, reserve, reserveWithin, type BucketState } from './token-bucket';

const T0 = 1_000_000;

/** Reserves `n` tokens at `now`, returning the last wait and the state. */
function reserveMany(state: BucketState, now: number, n: number, rate: number, burst?: number) {
  let result = { state, waitMs: 0 };
  for (let i = 0; i < n; i++) result = reserve(result.state, now, rate, burst);
  return result;
}

describe('reserve (senders: burst of one second)', () => {
  it('without a burst argument keeps one second worth of tokens, as the campaign runner relies on', () => {
    const start = initialBucket(T0, 10);
    expect(reserveMany(start, T0, 10, 10).waitMs).toBe(0);
    expect(reserveMany(start, T0, 11, 10).waitMs).toBe(100);
    // An hour idle refills to the one-second burst, not more.
    const idle = reserveMany(start, T0, 10, 10).state;
    expect(reserveMany(idle, T0 + 3_600_000, 11, 10).waitMs).toBe(100);
  });

  it('a pause holds every reservation until its end and restarts the bucket empty', () => {
    const paused = pause(initialBucket(T0, 10), T0, T0 + 5_000);
    expect(paused).toEqual({ tokens: 0, updatedAt: T0, pausedUntil: T0 + 5_000 });
    expect(reserve(paused, T0 + 1_000, 10).waitMs).toBe(4_000);
  });
});

describe('reserve with a burst (CRM accounts)', () => {
  it('allows `burst` at once, then paces at the rate', () => {
    const start = initialBucket(T0, 12);
    expect(reserveMany(start, T0, 12, 8, 12).waitMs).toBe(0);
    expect(reserveMany(start, T0, 13, 8, 12).waitMs).toBe(125);
    expect(reserveMany(start, T0, 20, 8, 12).waitMs).toBe(1_000);
  });

  it('never lets more than burst + rate × window through in any window', () => {
    // HighLevel: 100 requests per 10 s. A greedy caller takes every token the moment it appears.
    const rate = 8;
    const burst = 12;
    let state = initialBucket(T0, burst);
    const sentAt: number[] = [];
    for (let i = 0; i < 400; i++) {
      const r = reserve(state, sentAt.at(-1) ?? T0, rate, burst);
      state = r.state;
      sentAt.push((sentAt.at(-1) ?? T0) + r.waitMs);
    }
    let worst = 0;
    for (let i = 0; i < sentAt.length; i++) {
      const inWindow = sentAt.filter((t) => t >= sentAt[i]! && t < sentAt[i]! + 10_000).length;
      worst = Math.max(worst, inWindow);
    }
    expect(worst).toBeLessThanOrEqual(burst + rate * 10);
    expect(worst).toBeLessThanOrEqual(100);
  });
});

describe('reserveWithin', () => {
  const shape = { ratePerSecond: 10, burst: 10 };

  it('takes a token when the wait is within the bound', () => {
    const drained = reserveMany(initialBucket(T0, 10), T0, 10, 10, 10).state;
    const r = reserveWithin(drained, T0, shape, 500);
    expect(r).toMatchObject({ granted: true, waitMs: 100 });
    expect(r.state.tokens).toBe(-1);
  });

  it('beyond the bound takes nothing and says when to come back', () => {
    const drained = reserveMany(initialBucket(T0, 10), T0, 15, 10, 10).state; // 5 tokens in debt
    const r = reserveWithin(drained, T0, shape, 300);
    expect(r.granted).toBe(false);
    expect(r.waitMs).toBe(600);
    expect(r.state.tokens).toBe(drained.tokens);
    // The debt did not grow: a caller arriving when the wait fits is served at once.
    expect(reserveWithin(r.state, T0 + 600, shape, 300)).toMatchObject({ granted: true, waitMs: 0 });
  });

  it('spaces callers turned away so they do not all come back at once', () => {
    let state = reserveMany(initialBucket(T0, 10), T0, 15, 10, 10).state;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = reserveWithin(state, T0, shape, 300, 3);
      expect(r.granted).toBe(false);
      waits.push(r.waitMs);
      state = r.state;
    }
    expect(waits).toEqual([600, 900, 1_200, 1_500]);
    // Once the line's end has passed it no longer matters.
    expect(reserveWithin(state, T0 + 60_000, shape, 300)).toMatchObject({ granted: true, waitMs: 0 });
  });

  it('a pause longer than the bound turns callers away until it ends', () => {
    const paused = pause(initialBucket(T0, 10), T0, T0 + 10_000);
    expect(reserveWithin(paused, T0, shape, 3_000)).toMatchObject({ granted: false, waitMs: 10_000 });
    expect(reserveWithin(paused, T0 + 9_000, shape, 3_000)).toMatchObject({ granted: true, waitMs: 1_000 });
  });
});

describe('MemorySendLimiter', () => {
  it('keeps CRM keys and sender keys apart, and pause applies to reserveWithin', async () => {
    let now = T0;
    const limiter = new MemorySendLimiter(() => now);
    const shape = { ratePerSecond: 8, burst: 12 };
    for (let i = 0; i < 12; i++)
      expect(await limiter.reserveWithin('crm:highlevel:loc1:location', shape, 0)).toEqual({
        granted: true,
        waitMs: 0,
      });
    expect(await limiter.reserveWithin('crm:highlevel:loc1:location', shape, 0)).toMatchObject({
      granted: false,
    });
    // The sender's bucket is untouched by the CRM account's.
    expect(await limiter.reserve('con_1', 80)).toBe(0);
    await limiter.pause('crm:highlevel:loc2:location', now + 20_000);
    expect(await limiter.reserveWithin('crm:highlevel:loc2:location', shape, 3_000)).toMatchObject({
      granted: false,
      waitMs: 20_000,
    });
    now += 20_000;
    expect(await limiter.reserveWithin('crm:highlevel:loc2:location', shape, 3_000)).toMatchObject({
      granted: true,
    });
  });
});

describe('bulk claims beside people (reserveWithin with a BulkClaim)', () => {
  // HighLevel's shape: a record job makes up to 5 requests; bulk leaves 7 of the 12 to people.
  const shape = { ratePerSecond: 8, burst: 12 };
  const claim = { take: 5, keep: 7 };

  it('takes a job-sized claim only out of what lies above the people share', () => {
    const first = reserveWithin(initialBucket(T0, 12), T0, shape, 0, 5, claim);
    expect(first).toMatchObject({ granted: true, waitMs: 0 });
    expect(first.state.tokens).toBe(7);
    // 7 left, all of them people's: the next claim waits for 5 more tokens (625 ms) or comes back later.
    expect(reserveWithin(first.state, T0, shape, 1_000, 5, claim)).toMatchObject({
      granted: true,
      waitMs: 625,
    });
    const turnedAway = reserveWithin(first.state, T0, shape, 500, 5, claim);
    expect(turnedAway).toMatchObject({ granted: false, waitMs: 625 });
    expect(turnedAway.state.tokens).toBe(7);
    // People take from the whole bucket: seven requests at once, no wait.
    expect(reserveMany(turnedAway.state, T0, 7, 8, 12).waitMs).toBe(0);
  });

  it('however much bulk work waits, a person finds the kept tokens', () => {
    let state = initialBucket(T0, 12);
    const sentAt: number[] = [];
    // Bulk callers hammer the bucket every 50 ms for a minute, taking every claim the bound allows.
    for (let now = T0; now < T0 + 60_000; now += 50) {
      const r = reserveWithin(state, now, shape, 500, 5, claim);
      state = r.state;
      if (r.granted) for (let i = 0; i < 5; i++) sentAt.push(now + r.waitMs);
      if (now % 10_000 === 0) {
        // A person's 5-request job in the middle of it: the first request never waits, the job within 0.5 s.
        let waited = 0;
        for (let i = 0; i < 5; i++) {
          const p = reserveWithin(state, now, shape, 3_000);
          expect(p.granted).toBe(true);
          if (i === 0) expect(p.waitMs).toBe(0);
          waited = Math.max(waited, p.waitMs);
          state = p.state;
          sentAt.push(now + p.waitMs);
        }
        expect(waited).toBeLessThanOrEqual(500);
      }
    }
    // The bucket's pace holds for both together: never more than burst + rate × window in any 10 s.
    sentAt.sort((a, b) => a - b);
    for (const first of sentAt)
      expect(sentAt.filter((t) => t >= first && t < first + 10_000).length).toBeLessThanOrEqual(12 + 80);
    // And bulk still got nearly all of the pace.
    expect(sentAt.length).toBeGreaterThan(8 * 60 * 0.95);
  });

  it('bulk callers turned away queue behind people turned away, in a line of their own', () => {
    let state = reserveMany(initialBucket(T0, 12), T0, 20, 8, 12).state; // 8 tokens in debt: 1 s
    const person = reserveWithin(state, T0, shape, 0, 3);
    expect(person).toMatchObject({ granted: false, waitMs: 1_125 });
    state = person.state; // people's line ends at 1,125 + 375 ms
    const bulk1 = reserveWithin(state, T0, shape, 0, 5, claim);
    const bulk2 = reserveWithin(bulk1.state, T0, shape, 0, 5, claim);
    expect(bulk1).toMatchObject({ granted: false, waitMs: 2_500 });
    expect(bulk2).toMatchObject({ granted: false, waitMs: 3_125 });
    // A person turned away after them is still served at people's line, ahead of both.
    expect(reserveWithin(bulk2.state, T0, shape, 0, 3)).toMatchObject({ granted: false, waitMs: 1_500 });
  });

  it('a pause holds bulk claims too; a claim larger than the bucket is clamped', () => {
    const paused = pause(initialBucket(T0, 12), T0, T0 + 4_000);
    expect(reserveWithin(paused, T0, shape, 500, 5, claim)).toMatchObject({ granted: false });
    expect(reserveWithin(initialBucket(T0, 12), T0, shape, 0, 30, { take: 30, keep: 7 })).toMatchObject({
      granted: true,
      waitMs: 0,
    });
  });

  it('refund gives unused tokens back, never above the burst', () => {
    const taken = reserveWithin(initialBucket(T0, 12), T0, shape, 0, 5, claim).state;
    expect(refund(taken, T0, shape, 4).tokens).toBe(11);
    expect(refund(taken, T0 + 10_000, shape, 4).tokens).toBe(12);
  });
});
