// The queue consumer, inline: runs every due job of the test queue until none is left (at most 100 rounds), with
// the consumer's retry and dead-letter handling (src/index.ts). `types` keeps the others queued, untouched.
import type { AppContext } from '../../src/context';
import type { Job } from '../../src/platform/queue';
import { runJob } from '../../src/services/jobs';
import { deadLetter } from '../../src/services/operations/dead-letters';
import type { TestPlatform } from './platform';

export async function drainJobs(t: TestPlatform, ctx: AppContext, types?: Job['type'][]): Promise<Job[]> {
  const ran: Job[] = [];
  for (let round = 0; round < 100; round++) {
    const due = t.queue.takeDue();
    const mine = due.filter((d) => !types || types.includes(d.job.type));
    // Jobs of other types go back untouched (e.g. CRM delivery when a test is about the provider side).
    for (const other of due.filter((d) => !mine.includes(d))) t.queue.retry(other.job, other.attempts, 0);
    if (!mine.length) break;
    for (const { job, attempts } of mine) {
      ran.push(job);
      const outcome = await runJob(ctx, job, attempts);
      if (outcome.kind === 'retry')
        t.queue.retry(job, attempts + (outcome.countsAsAttempt ? 1 : 0), outcome.delaySeconds);
      else if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, attempts + 1);
    }
  }
  return ran;
}
