// Worker entry: fetch (Hono app), queue (sends, CRM deliveries, retries), scheduled (outbox sweep, template sync).
import './zod-locale';
import { createApp, platformFromEnv } from './app';
import { AppContext } from './context';
import type { Env } from './env';
import { loadPhoneMetadata } from './platform/phone-metadata';
import { jobSchema, priorAttemptsOf, QUEUE_MAX_DELAY_S, type Job } from './platform/queue';
import { runTriggerCron } from './services/crm/automation-trigger-events';
import { deadLetter, runJob } from './services/jobs';
import { resumeStrandedChanges } from './services/relay/message-changes';
import { purgeSessionReplayHashes } from './services/install/crm-session';
import { purgeStaleOAuthStates } from './services/install/oauth-states';
import { sweepOutbox } from './services/operations/outbox-sweep';
import { syncStaleConnections } from './services/templates/template-sync';

export { SendLimiterObject } from './platform/send-limiter-object';

const app = createApp();

/** Jobs of one batch run side by side, up to this many (wrangler.toml's max_batch_size is 50: all of them). */
const JOB_CONCURRENCY = 50;
/** wrangler.toml's max_retries of the jobs and crm queues. */
const QUEUE_MAX_RETRIES = 10;
/** The outbox sweep's cron (wrangler.toml); the other trigger syncs templates. */
const OUTBOX_SWEEP_CRON = '* * * * *';

async function handleMessage(
  ctx: AppContext,
  message: Message<unknown>,
  queue: string,
  deadLetterQueue: boolean,
): Promise<void> {
  const parsed = jobSchema.safeParse(message.body);
  if (!parsed.success) {
    console.error(JSON.stringify({ level: 'error', msg: 'malformed job dropped', queue }));
    message.ack();
    return;
  }
  const job: Job = parsed.data;
  const attempt = priorAttemptsOf(message.body) + message.attempts - 1;
  if (deadLetterQueue) {
    // Only jobs that threw on every delivery get here: the source queue's max_retries + 1 runs after priorAttempts.
    await deadLetter(
      ctx,
      job,
      'Queue retries exhausted',
      priorAttemptsOf(message.body) + QUEUE_MAX_RETRIES + 1,
    );
    message.ack();
    return;
  }
  try {
    const outcome = await runJob(ctx, job, attempt);
    const delaySeconds = outcome.kind === 'retry' ? Math.min(outcome.delaySeconds, QUEUE_MAX_DELAY_S) : 0;
    if (outcome.kind === 'retry') {
      // Every retry is a fresh message carrying the attempts used: the handlers' budgets (hours of outage) decide,
      // not the queue's max_retries, and a dead letter knows its true attempt count. Pacing delays do not count.
      const used = attempt + (outcome.countsAsAttempt ? 1 : 0);
      await ctx.queue.send(job, { delaySeconds, priorAttempts: used });
      message.ack();
    } else {
      if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, attempt + 1);
      message.ack();
    }
  } catch (error) {
    // Unexpected failure: let the queue retry it (and dead-letter after max_retries).
    console.error(
      JSON.stringify({ level: 'error', msg: 'job failed', type: job.type, error: String(error) }),
    );
    message.retry({ delaySeconds: 30 });
  }
}

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    // Jobs parse numbers: unreadable metadata fails the batch (the queue retries it), never a job's outcome.
    await loadPhoneMetadata(env.ASSETS);
    const ctx = new AppContext(platformFromEnv(env));
    const deadLetterQueue = batch.queue.endsWith('-dlq');
    // A batch's jobs are independent (each claims its own rows), so they run side by side: one slow CRM call
    // does not hold up the rest of the batch, and every campaign chain in the batch paces its own sends (a chain
    // runs for up to campaignTuning.invocationMs, so chains left waiting for a lane would idle the sender).
    const pending = [...batch.messages];
    const lane = async () => {
      for (let message = pending.shift(); message; message = pending.shift()) {
        await handleMessage(ctx, message, batch.queue, deadLetterQueue);
      }
    };
    await Promise.all(Array.from({ length: Math.min(JOB_CONCURRENCY, pending.length) }, lane));
  },

  async scheduled(controller: ScheduledController, env: Env, executionCtx: ExecutionContext): Promise<void> {
    await loadPhoneMetadata(env.ASSETS);
    // One platform (config parsed once) for every task of this cron run.
    const platform = platformFromEnv(env);
    executionCtx.waitUntil(sweepOutbox(new AppContext(platform)));
    executionCtx.waitUntil(runTriggerCron(new AppContext(platform)));
    if (controller.cron === OUTBOX_SWEEP_CRON) return;
    executionCtx.waitUntil(syncStaleConnections(new AppContext(platform)));
    executionCtx.waitUntil(purgeStaleOAuthStates(new AppContext(platform)));
    executionCtx.waitUntil(purgeSessionReplayHashes(new AppContext(platform)));
    executionCtx.waitUntil(resumeStrandedChanges(new AppContext(platform)));
  },
} satisfies ExportedHandler<Env>;
