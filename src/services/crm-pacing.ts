// Proactive pacing of CRM API calls (vendors/highlevel.md §6, vendors/pipedrive.md §6): every request a job makes
// takes a token from a bucket shared by all isolates (the per-sender limiter, under `crm:<crm>:<account>` keys),
// so a campaign's burst of CRM jobs reaches the CRM at its documented pace instead of collecting 429s.
import { HIGHLEVEL_RATES } from '../../adapters/crm/highlevel/highlevel-client';
import { PIPEDRIVE_RATES } from '../../adapters/crm/pipedrive/pipedrive-client';
import type { CrmRate, CrmRequestPacer } from '../../adapters/crm/types';
import type { AppContext } from '../context';
import type { Installation } from '../store/installations';
import type { JobOutcome } from './job-outcome';

/** Longest wait a job sits out inside its queue consumer; beyond it the job goes back to the queue. */
export const CRM_INLINE_WAIT_MS = 3_000;
/** A record job makes 1–4 requests: jobs turned away are spaced about one job's worth of tokens apart. */
const DEFERRED_JOB_SPACING = 3;
/** Once a job has written to the CRM it finishes, however long it waits: giving up could write twice. */
const NO_BOUND = Number.MAX_SAFE_INTEGER;
/** A 429 without a usable wait still holds the account back this long. */
const MIN_PAUSE_MS = 1_000;

/** Thrown by the pacer before a request is sent: the job should come back in `waitMs`. Nothing was sent. */
export class CrmPacingDeferral extends Error {
  constructor(readonly waitMs: number) {
    super(`CRM pace: come back in ${waitMs} ms`);
    this.name = 'CrmPacingDeferral';
  }
}

/** The limiter key of a CRM account: the HighLevel location (or company), the Pipedrive company. */
export function crmPaceKey(installation: Installation): string {
  return installation.crm === 'highlevel'
    ? `crm:highlevel:${installation.accountId}`
    : `crm:pipedrive:${installation.companyId ?? installation.id}`;
}

/**
 * One pacer per job run. Before the job's first write a long wait abandons the request unsent
 * (`CrmPacingDeferral`); after it, the job waits its turn, because redoing the job could repeat that write.
 * A write the CRM answered with 429 did not happen, so it does not count.
 */
export function crmPacer(ctx: AppContext, installation: Installation): CrmRequestPacer {
  const base = crmPaceKey(installation);
  const rates: Record<string, CrmRate> = installation.crm === 'highlevel' ? HIGHLEVEL_RATES : PIPEDRIVE_RATES;
  const keyOf = (lane: string) => `${base}:${lane}`;
  let wrote = false;
  let sentWrite = false;
  return {
    async beforeRequest({ lanes, write }) {
      wrote ||= sentWrite;
      sentWrite = false;
      let waitMs = 0;
      for (const lane of lanes) {
        const rate = rates[lane];
        if (!rate) continue;
        const slot = await ctx.platform.limiter.reserveWithin(
          keyOf(lane),
          rate,
          wrote ? NO_BOUND : CRM_INLINE_WAIT_MS,
          DEFERRED_JOB_SPACING,
        );
        if (!slot.granted) throw new CrmPacingDeferral(slot.waitMs);
        waitMs = Math.max(waitMs, slot.waitMs);
      }
      if (waitMs > 0) await ctx.sleep(waitMs);
      sentWrite = write;
    },
    async rateLimited(lanes, waitMs) {
      sentWrite = false;
      const until = ctx.now() + Math.max(waitMs, MIN_PAUSE_MS);
      for (const lane of lanes) await ctx.platform.limiter.pause(keyOf(lane), until);
    },
  };
}

/** A job stopped by the pacer goes back to the queue for the wait it was told; not a failed attempt. */
export function pacedOutcome(error: unknown): JobOutcome | null {
  if (!(error instanceof CrmPacingDeferral)) return null;
  return {
    kind: 'retry',
    delaySeconds: Math.min(43_200, Math.max(1, Math.ceil(error.waitMs / 1000))),
    countsAsAttempt: false,
    reason: error.message,
  };
}
