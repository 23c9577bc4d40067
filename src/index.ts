// Worker entry: fetch (Hono app), queue (sends, CRM deliveries, retries), scheduled (template sync).
import './zod-locale';
import { createApp, platformFromEnv } from './app';
import { AppContext } from './context';
import type { Env } from './env';
import { jobSchema, type Job } from './platform/queue';
import { deadLetter, runJob } from './services/jobs';
import { syncStaleConnections } from './services/template-sync';

export { SendLimiterObject } from './platform/send-limiter-object';

const app = createApp();

const JOB_CONCURRENCY = 16;

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
  if (deadLetterQueue) {
    await deadLetter(ctx, job, 'Queue retries exhausted', message.attempts);
    message.ack();
    return;
  }
  try {
    const outcome = await runJob(ctx, job, message.attempts - 1);
    if (outcome.kind === 'retry') message.retry({ delaySeconds: Math.min(outcome.delaySeconds, 43_200) });
    else {
      if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, message.attempts);
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
    const ctx = new AppContext(platformFromEnv(env));
    const deadLetterQueue = batch.queue.endsWith('-dlq');
    // A batch's jobs are independent (each claims its own rows), so several run side by side: one slow CRM call
    // or a campaign chain pacing its sends does not hold up the rest of the batch. Bounded: all 50 at once ran
    // local mode out of file descriptors (docs/BENCHMARKS.md); 16 measured as well as 32.
    const pending = [...batch.messages];
    const lane = async () => {
      for (let message = pending.shift(); message; message = pending.shift()) {
        await handleMessage(ctx, message, batch.queue, deadLetterQueue);
      }
    };
    await Promise.all(Array.from({ length: Math.min(JOB_CONCURRENCY, pending.length) }, lane));
  },

  async scheduled(_controller: ScheduledController, env: Env, executionCtx: ExecutionContext): Promise<void> {
    executionCtx.waitUntil(syncStaleConnections(new AppContext(platformFromEnv(env))));
  },
} satisfies ExportedHandler<Env>;
