// The queue consumer's dispatcher: one handler per job type, one retry policy (DESIGN.md §6).
import type { AppContext } from '../context';
import type { Job } from '../platform/queue';
import { runCampaignSend } from './campaigns/campaign-runner';
import { runCrmRecordMessage, runCrmRecordStatus } from './crm/crm';
import { runCrmLinkPhone } from './crm/crm-link-phone';
import { runFireTrigger } from './crm/automation-triggers';
import { runCrmRecordBatch } from './crm/crm-bulk';
import { runCrmDelivery } from './crm/crm-deliveries';
import type { JobOutcome } from './job-outcome';
import { runCrmMarketingPreference } from './relay/marketing-preferences';
import { runCrmRecordChange, runDeleteProviderMedia } from './relay/message-changes';
import { bareProviderAdapter, providerAdapterFor } from './relay/providers';
import { applyStatusEvent } from './relay/relay-status';
import { runHistoryImport } from './relay/history-import';
import { runSendJob } from './relay/send-job';
import { syncTemplates } from './templates/template-sync';
import { refreshMessagingLimitIfUnknown } from './campaigns/messaging-limits';
import { mayRetry, retryDelaySeconds, type RetryPolicy } from '../platform/retry-policy';
import { deadLetter } from './operations/dead-letters';

// The queue consumer (src/index.ts) and the tests' virtual consumers take runJob and deadLetter from here.
export { deadLetter } from './operations/dead-letters';

/** A template sync is a background refresh (the next cron runs it again anyway): a minute more per try, five tries. */
const TEMPLATE_SYNC_RETRY: RetryPolicy = {
  firstMs: 60_000,
  growth: 'linear',
  maxMs: 300_000,
  jitter: 'none',
  retries: 5,
};

export type JobHandler = (ctx: AppContext, job: Job, attempt: number) => Promise<JobOutcome>;

/** Handlers registered by feature modules (tests, benches) without editing this switch. */
const extraHandlers = new Map<Job['type'], JobHandler>();
export function registerJobHandler(type: Job['type'], handler: JobHandler): void {
  extraHandlers.set(type, handler);
}

export async function runJob(ctx: AppContext, job: Job, attempt: number): Promise<JobOutcome> {
  const extra = extraHandlers.get(job.type);
  if (extra) return extra(ctx, job, attempt);
  switch (job.type) {
    case 'send_message':
      return runSendJob(ctx, job.messageId, attempt);
    case 'crm_record_message':
      return runCrmRecordMessage(ctx, job.messageId, attempt);
    case 'crm_record_status':
      return runCrmRecordStatus(ctx, job.messageId, attempt);
    case 'crm_record_batch':
      return runCrmRecordBatch(ctx, job, attempt);
    case 'crm_record_change':
      return runCrmRecordChange(ctx, job.changeId, attempt);
    case 'provider_delete_media':
      return runDeleteProviderMedia(ctx, job.connectionId, job.mediaId, attempt);
    case 'crm_link_phone':
      return runCrmLinkPhone(ctx, job.contactId, attempt);
    case 'crm_marketing_preference':
      return runCrmMarketingPreference(ctx, job.contactId, attempt);
    case 'crm_fire_trigger':
      return runFireTrigger(ctx, job.firingId, attempt);
    case 'campaign_send':
      return runCampaignSend(ctx, job);
    case 'crm_outbound':
      return runCrmDelivery(ctx, job, attempt);
    case 'history_import':
      return runHistoryImport(ctx, job.importId);
    case 'status_retry': {
      const { connections } = await ctx.secretStores();
      const connection = await connections.get(job.connectionId);
      if (connection) await applyStatusEvent(ctx, connection, job.event, job.attempt);
      return { kind: 'done' };
    }
    case 'template_sync': {
      const { connections } = await ctx.secretStores();
      const connection = await connections.get(job.connectionId);
      // Templates registered by hand (the provider has no list API) are never synced.
      if (!connection || !bareProviderAdapter(ctx, connection.provider).capabilities.listTemplates)
        return { kind: 'done' };
      try {
        await syncTemplates(ctx, connection);
        // Numbers that never learnt their portfolio's messaging limit ask again (issue 12 item 2).
        await refreshMessagingLimitIfUnknown(ctx, connection);
        return { kind: 'done' };
      } catch (error) {
        const adapter = await providerAdapterFor(ctx, connection);
        const normalized = adapter.normalizeError(error);
        return normalized.retryable && mayRetry(TEMPLATE_SYNC_RETRY, attempt)
          ? {
              kind: 'retry',
              delaySeconds: retryDelaySeconds(TEMPLATE_SYNC_RETRY, attempt),
              countsAsAttempt: true,
              reason: normalized.message,
            }
          : { kind: 'dead', reason: normalized.message };
      }
    }
    default:
      return { kind: 'dead', reason: `No handler for job ${(job as Job).type}` };
  }
}

/** Runs every due job of an in-memory queue until none is due (tests, benches, local tools). */
export async function drainMemoryQueue(
  ctx: AppContext,
  queue: {
    takeDue(): { job: Job; attempts: number }[];
    retry(job: Job, attempts: number, delay: number): void;
  },
  maxRounds = 1000,
): Promise<number> {
  let ran = 0;
  for (let round = 0; round < maxRounds; round++) {
    const due = queue.takeDue();
    if (!due.length) break;
    for (const { job, attempts } of due) {
      ran++;
      const outcome = await runJob(ctx, job, attempts);
      if (outcome.kind === 'retry')
        queue.retry(job, attempts + (outcome.countsAsAttempt ? 1 : 0), outcome.delaySeconds);
      else if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, attempts + 1);
    }
  }
  return ran;
}
