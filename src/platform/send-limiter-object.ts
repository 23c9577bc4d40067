// The Durable Object behind DurableSendLimiter. Separate file: 'cloudflare:workers' exists only in workerd.
import { DurableObject } from 'cloudflare:workers';
import {
  initialBucket,
  pause,
  refund,
  reserve,
  reserveWithin,
  type BucketShape,
  type BucketState,
  type BulkClaim,
} from './token-bucket';

/** Durable Object: state in memory, the DO's single-threaded execution serializes reservations. */
export class SendLimiterObject extends DurableObject {
  private bucket: BucketState | null = null;
  async reserve(ratePerSecond: number): Promise<number> {
    const now = Date.now();
    const result = reserve(this.bucket ?? initialBucket(now, ratePerSecond), now, ratePerSecond);
    this.bucket = result.state;
    return result.waitMs;
  }
  async pause(until: number): Promise<void> {
    const now = Date.now();
    this.bucket = pause(this.bucket ?? initialBucket(now, 1), now, until);
  }
  /** CRM pacing: a bucket with its own burst; a long wait takes nothing (see token-bucket.ts `reserveWithin`). */
  async reserveWithin(
    shape: BucketShape,
    maxWaitMs: number,
    spacingTokens?: number,
    bulk?: BulkClaim,
  ): Promise<{ granted: boolean; waitMs: number }> {
    const now = Date.now();
    const result = reserveWithin(
      this.bucket ?? initialBucket(now, shape.burst),
      now,
      shape,
      maxWaitMs,
      spacingTokens,
      bulk,
    );
    this.bucket = result.state;
    return { granted: result.granted, waitMs: result.waitMs };
  }
  /** A bulk claim's unused tokens come back (token-bucket.ts `refund`). */
  async refund(shape: BucketShape, tokens: number): Promise<void> {
    const now = Date.now();
    this.bucket = refund(this.bucket ?? initialBucket(now, shape.burst), now, shape, tokens);
  }
}
