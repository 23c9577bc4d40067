// Campaign logging in the CRM, the bulk lane (DESIGN.md: people before bulk). A campaign slice's finished sends
// travel as one `crm_record_batch` job on the bulk CRM queue; its messages are recorded in order, each through the
// same once-only path as a single message (runCrmRecordMessage: a message already `done` is skipped), at the bulk
// share of the account's CRM pace. When the pace says wait, the rest of the batch goes back to the queue as one
// job, so a 10,000-recipient campaign is a few hundred queue messages, not 10,000 bouncing ones.
import type { AppContext } from '../../context';
import type { Job } from '../../platform/queue';
import { runCrmRecordMessage } from './crm';
import type { JobOutcome } from '../job-outcome';
import { bulkRecordJob, deadLetter } from '../operations/dead-letters';

type BatchJob = Extract<Job, { type: 'crm_record_batch' }>;

/** A batch hands the rest back to the queue after this long, so one invocation never holds a slot for minutes. */
const CRM_BATCH_INVOCATION_MS = 10_000;
/** Ids per batch job (a queue message holds 128 KB; a campaign slice is at most 100 recipients). */
const CRM_BATCH_MAX = 500;

/** Enqueues the CRM logs of a campaign's finished sends, coalesced. */
export async function enqueueCampaignLogs(ctx: AppContext, messageIds: string[]): Promise<void> {
  const jobs: Job[] = [];
  for (let i = 0; i < messageIds.length; i += CRM_BATCH_MAX)
    jobs.push({ type: 'crm_record_batch', messageIds: messageIds.slice(i, i + CRM_BATCH_MAX) });
  if (jobs.length) await ctx.queue.sendBatch(jobs);
}

/**
 * Records the batch's messages in order. The batch's `attempt` is the failed attempts of its first message (the
 * one a failure stopped at); a message that exhausts the CRM budget is dead-lettered alone and the rest go on.
 */
export async function runCrmRecordBatch(
  ctx: AppContext,
  job: BatchJob,
  attempt: number,
): Promise<JobOutcome> {
  const deadline = ctx.now() + CRM_BATCH_INVOCATION_MS;
  const ids = job.messageIds;
  let tries = attempt;
  for (let i = 0; i < ids.length; i++) {
    if (ctx.now() >= deadline) return handBack(ctx, ids.slice(i), 0, tries);
    const outcome = await runCrmRecordMessage(ctx, ids[i]!, tries);
    if (outcome.kind === 'done') {
      tries = 0;
      continue;
    }
    if (outcome.kind === 'dead') {
      await deadLetter(ctx, bulkRecordJob(ids[i]!), outcome.reason, tries + 1);
      tries = 0;
      continue;
    }
    // A pacing delay keeps the attempt count; a CRM failure spends one.
    return handBack(ctx, ids.slice(i), outcome.delaySeconds, tries + (outcome.countsAsAttempt ? 1 : 0));
  }
  return { kind: 'done' };
}

/** The rest of the batch as a fresh queue message (Cloudflare's retry would replay the ids already done). */
async function handBack(
  ctx: AppContext,
  rest: string[],
  delaySeconds: number,
  priorAttempts: number,
): Promise<JobOutcome> {
  await ctx.queue.send(
    { type: 'crm_record_batch', messageIds: rest },
    { ...(delaySeconds ? { delaySeconds } : {}), ...(priorAttempts ? { priorAttempts } : {}) },
  );
  return { kind: 'done' };
}
