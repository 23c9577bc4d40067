// Proactive pacing of CRM API calls (vendors/highlevel.md §6, vendors/pipedrive.md §6): every request a job makes
// takes a token from a bucket shared by all isolates (the per-sender limiter, under `crm:<crm>:<account>` keys),
// so a campaign's burst of CRM jobs reaches the CRM at its documented pace instead of collecting 429s.
// People before bulk (DESIGN.md): a campaign's logging claims its tokens in job-sized bulk claims that always leave
// part of each bucket to people's messages, and waits in a line behind theirs (platform/token-bucket.ts BulkClaim).
import { crmModule } from '../../../adapters/crm/registry';
import type { CrmRate, CrmRequestPacer } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { QUEUE_MAX_DELAY_S } from '../../platform/queue';
import type { Installation } from '../../store/installations';
import type { JobOutcome } from '../job-outcome';

/** Longest wait a job sits out inside its queue consumer; beyond it the job goes back to the queue. */
const CRM_INLINE_WAIT_MS = 3_000;
/** A record job makes 1–4 requests: jobs turned away are spaced about one job's worth of tokens apart. */
const DEFERRED_JOB_SPACING = 3;
/** Once a job has written to the CRM it finishes, however long it waits: giving up could write twice. */
const NO_BOUND = Number.MAX_SAFE_INTEGER;
/** A 429 without a usable wait still holds the account back this long. */
const MIN_PAUSE_MS = 1_000;
/**
 * Longest a bulk claim waits inline before its job's first write. Short, because every claim granted ahead of time
 * eats into the tokens kept for people (at HighLevel's 8/s, 4 of the 7 kept); longer waits go back to the queue.
 */
const BULK_INLINE_WAIT_MS = 500;

/** Whose work a job does: a person's message (inbound, an agent's reply, their statuses), or bulk (campaign logs). */
export type CrmPriority = 'people' | 'bulk';

/** A job's pacer; `settle` once the job is over gives back what a bulk claim took and did not use. */
export interface CrmJobPacer extends CrmRequestPacer {
  settle(): Promise<void>;
}

/** Thrown by the pacer before a request is sent: the job should come back in `waitMs`. Nothing was sent. */
export class CrmPacingDeferral extends Error {
  constructor(readonly waitMs: number) {
    super(`CRM pace: come back in ${waitMs} ms`);
    this.name = 'CrmPacingDeferral';
  }
}

/** The limiter key of a CRM account (the CRM module says which account: location, company, …). */
export function crmPaceKey(installation: Installation): string {
  return crmModule(installation.crm).paceKey(installation);
}

/**
 * One pacer per job run. Before the job's first write a long wait abandons the request unsent
 * (`CrmPacingDeferral`); after it, the job waits its turn, because redoing the job could repeat that write.
 * A write the CRM answered with 429 did not happen, so it does not count.
 * A bulk job claims a job's worth of tokens (the lane's `perJob`) with its first request on a lane and spends them
 * without asking again; one more at a time if it needs more; `settle` returns the rest.
 */
export function crmPacer(
  ctx: AppContext,
  installation: Installation,
  priority: CrmPriority = 'people',
): CrmJobPacer {
  const base = crmPaceKey(installation);
  const rates: Readonly<Record<string, CrmRate>> = crmModule(installation.crm).rates;
  const keyOf = (lane: string) => `${base}:${lane}`;
  const limiter = ctx.platform.limiter;
  /** Bulk: tokens claimed per lane and not spent yet (a lane present here has had its first claim). */
  const claimed = new Map<string, number>();
  let wrote = false;
  let sentWrite = false;

  async function reserve(lane: string, rate: CrmRate): Promise<number> {
    if (priority === 'people') {
      const maxWait = wrote ? NO_BOUND : CRM_INLINE_WAIT_MS;
      const slot = await limiter.reserveWithin(keyOf(lane), rate, maxWait, DEFERRED_JOB_SPACING);
      if (!slot.granted) throw new CrmPacingDeferral(slot.waitMs);
      return slot.waitMs;
    }
    const left = claimed.get(lane) ?? 0;
    if (left > 0) {
      claimed.set(lane, left - 1);
      return 0;
    }
    const perJob = Math.max(1, Math.min(rate.perJob ?? 1, rate.burst));
    const take = claimed.has(lane) ? 1 : perJob;
    const maxWait = wrote ? NO_BOUND : BULK_INLINE_WAIT_MS;
    const slot = await limiter.reserveWithin(keyOf(lane), rate, maxWait, take, {
      take,
      keep: rate.burst - perJob,
    });
    if (!slot.granted) throw new CrmPacingDeferral(slot.waitMs);
    claimed.set(lane, take - 1);
    return slot.waitMs;
  }

  return {
    async beforeRequest({ lanes, write }) {
      wrote ||= sentWrite;
      sentWrite = false;
      let waitMs = 0;
      for (const lane of lanes) {
        const rate = rates[lane];
        if (rate) waitMs = Math.max(waitMs, await reserve(lane, rate));
      }
      if (waitMs > 0) await ctx.sleep(waitMs);
      sentWrite = write;
    },
    async rateLimited(lanes, waitMs) {
      sentWrite = false;
      const until = ctx.now() + Math.max(waitMs, MIN_PAUSE_MS);
      for (const lane of lanes) {
        // Claimed tokens are spent: after a 429 every request asks the (now paused) bucket again.
        if (claimed.has(lane)) claimed.set(lane, 0);
        await limiter.pause(keyOf(lane), until);
      }
    },
    async settle() {
      for (const [lane, left] of claimed) {
        const rate = rates[lane];
        if (left > 0 && rate) await limiter.refund(keyOf(lane), rate, left);
        claimed.set(lane, 0);
      }
    },
  };
}

/** A job stopped by the pacer goes back to the queue for the wait it was told; not a failed attempt. */
export function pacedOutcome(error: unknown): JobOutcome | null {
  if (!(error instanceof CrmPacingDeferral)) return null;
  return {
    kind: 'retry',
    delaySeconds: Math.min(QUEUE_MAX_DELAY_S, Math.max(1, Math.ceil(error.waitMs / 1000))),
    countsAsAttempt: false,
    reason: error.message,
  };
}
