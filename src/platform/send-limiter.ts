// Per-sender pacing (DESIGN.md §3.5): one Durable Object per sender number holds its token bucket, so every
// Worker isolate and queue consumer shares one pace. MemorySendLimiter is the same logic in-process.
// CRM accounts are paced by the same machinery under `crm:<crm>:<account>` keys (services/crm/crm-pacing.ts);
// sender keys are connection ids, so the two never meet.
import {
  initialBucket,
  pause,
  reserve,
  refund,
  reserveWithin,
  type BucketShape,
  type BucketState,
  type BulkClaim,
} from './token-bucket';

export type { BucketShape, BulkClaim } from './token-bucket';

export interface BoundedSlot {
  /** true: a slot was taken, go after `waitMs`. false: nothing was taken, try again in `waitMs`. */
  granted: boolean;
  waitMs: number;
}

export interface SendLimiter {
  /** Reserves a send slot for the sender; resolves with how many ms to wait before sending. */
  reserve(senderKey: string, ratePerSecond: number): Promise<number>;
  /** The provider answered 429 / throughput error: hold the sender back until `until` (epoch ms). */
  pause(senderKey: string, until: number): Promise<void>;
  /**
   * Takes a slot of a `shape` bucket only if the wait is at most `maxWaitMs`; otherwise takes nothing and says
   * when to come back (turned-away callers are spaced `spacingTokens` apart). With `bulk`, a bulk claim: its
   * tokens at once, leaving the claim's `keep` for people (token-bucket.ts `BulkClaim`).
   */
  reserveWithin(
    key: string,
    shape: BucketShape,
    maxWaitMs: number,
    spacingTokens?: number,
    bulk?: BulkClaim,
  ): Promise<BoundedSlot>;
  /** Gives back tokens a bulk claim took and did not use. */
  refund(key: string, shape: BucketShape, tokens: number): Promise<void>;
}

export class MemorySendLimiter implements SendLimiter {
  private readonly buckets = new Map<string, BucketState>();
  constructor(private readonly now: () => number = Date.now) {}
  async reserve(senderKey: string, ratePerSecond: number): Promise<number> {
    const now = this.now();
    const result = reserve(
      this.buckets.get(senderKey) ?? initialBucket(now, ratePerSecond),
      now,
      ratePerSecond,
    );
    this.buckets.set(senderKey, result.state);
    return result.waitMs;
  }
  async pause(senderKey: string, until: number): Promise<void> {
    const now = this.now();
    this.buckets.set(senderKey, pause(this.buckets.get(senderKey) ?? initialBucket(now, 1), now, until));
  }
  async reserveWithin(
    key: string,
    shape: BucketShape,
    maxWaitMs: number,
    spacingTokens?: number,
    bulk?: BulkClaim,
  ): Promise<BoundedSlot> {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? initialBucket(now, shape.burst);
    const result = reserveWithin(bucket, now, shape, maxWaitMs, spacingTokens, bulk);
    this.buckets.set(key, result.state);
    return { granted: result.granted, waitMs: result.waitMs };
  }
  async refund(key: string, shape: BucketShape, tokens: number): Promise<void> {
    const now = this.now();
    this.buckets.set(
      key,
      refund(this.buckets.get(key) ?? initialBucket(now, shape.burst), now, shape, tokens),
    );
  }
}

interface LimiterStub {
  reserve(ratePerSecond: number): Promise<number>;
  pause(until: number): Promise<void>;
  reserveWithin(
    shape: BucketShape,
    maxWaitMs: number,
    spacingTokens?: number,
    bulk?: BulkClaim,
  ): Promise<BoundedSlot>;
  refund(shape: BucketShape, tokens: number): Promise<void>;
}

export class DurableSendLimiter implements SendLimiter {
  constructor(private readonly namespace: DurableObjectNamespace) {}
  private stub(senderKey: string): LimiterStub {
    return this.namespace.get(this.namespace.idFromName(senderKey)) as unknown as LimiterStub;
  }
  reserve(senderKey: string, ratePerSecond: number): Promise<number> {
    return this.stub(senderKey).reserve(ratePerSecond);
  }
  pause(senderKey: string, until: number): Promise<void> {
    return this.stub(senderKey).pause(until);
  }
  reserveWithin(
    key: string,
    shape: BucketShape,
    maxWaitMs: number,
    spacingTokens?: number,
    bulk?: BulkClaim,
  ): Promise<BoundedSlot> {
    return this.stub(key).reserveWithin(shape, maxWaitMs, spacingTokens, bulk);
  }
  refund(key: string, shape: BucketShape, tokens: number): Promise<void> {
    return this.stub(key).refund(shape, tokens);
  }
}
