// A HighLevel Delivery URL job is an agent's reply (issue 17: outages delay, never fail): it retries while the reply
// can still reach the customer — until the customer's window closes — not for a fixed 8 attempts (~20 minutes).
// D1 failures are injected at the message insert; the clock is the test's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import type { Job } from '../../src/platform/queue';
import { runCrmDelivery } from '../../src/services/crm/crm-deliveries';
import type { killable } from '../helpers/crash-points';
import { drainJobs } from '../helpers/drain-jobs';
import {
  createKillableWorld,
  customerWrites,
  sentKinds,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PHONE = '+3725550123';
const D1_DOWN = { sql: /^\s*INSERT INTO messages/, when: 'before' as const };

let w: World;
let ctx: AppContext;
let crash: ReturnType<typeof killable>;
let number: ConnectedNumber;

beforeEach(async () => {
  ({ w, number, crash, ctx } = await createKillableWorld());
});
afterEach(async () => w.t.dispose());

/** Runs due jobs as the consumer does (retries re-queued, dead ones dead-lettered) until none is due. */
const runAll = () => drainJobs(w.t, ctx);

/** The customer wrote (window open for 24 h); an agent replies through the Delivery URL; its job is returned. */
async function agentReplies(): Promise<Extract<Job, { type: 'crm_outbound' }>> {
  await customerWrites(w, number, PHONE, 'Hello?');
  await runAll();
  const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: PHONE, message: 'On its way' });
  expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
  const jobs = w.t.queue.takeDue().filter((d) => d.job.type === 'crm_outbound');
  expect(jobs).toHaveLength(1);
  return jobs[0]!.job as Extract<Job, { type: 'crm_outbound' }>;
}

/** One attempt with D1 failing at the insert; the clock moves by the retry's delay. */
async function failedAttempt(job: Extract<Job, { type: 'crm_outbound' }>, attempt: number) {
  crash.arm(D1_DOWN);
  const outcome = await runCrmDelivery(ctx, job, attempt);
  expect(crash.fired).toBe(attempt + 1);
  if (outcome.kind === 'retry') w.t.clock.advance(outcome.delaySeconds * 1000);
  return outcome;
}

describe('HighLevel Delivery URL retry budget', () => {
  it('keeps retrying past the old 8 attempts / 20 minutes while the window is open, then sends once', async () => {
    const job = await agentReplies();
    const started = w.t.clock.now();
    // Fails until past 20 minutes, however the backoff's jitter falls (14 attempts took 15–30 minutes: luck).
    let attempt = 0;
    for (; w.t.clock.now() - started <= 20 * MINUTE; attempt++) {
      expect(attempt).toBeLessThan(40);
      expect(await failedAttempt(job, attempt)).toMatchObject({ kind: 'retry', countsAsAttempt: true });
    }
    expect(attempt).toBeGreaterThan(8);

    // D1 is back: the reply goes out once.
    expect(await runCrmDelivery(ctx, job, attempt)).toEqual({ kind: 'done' });
    await runAll();
    expect(sentKinds(w, 'meta', PHONE)).toEqual(['text']);
    expect(await runCrmDelivery(ctx, job, attempt + 1)).toEqual({ kind: 'done' }); // a redelivery does nothing
    expect(sentKinds(w, 'meta', PHONE)).toEqual(['text']);
  });

  it('gives up (dead letter) once the reply can no longer be delivered: window closed, template period over', async () => {
    const job = await agentReplies();
    expect(await failedAttempt(job, 0)).toMatchObject({ kind: 'retry' });
    w.t.clock.advance(24 * HOUR - 2 * MINUTE); // the window closes in under two minutes
    const last = await failedAttempt(job, 1);
    expect(last.kind).toBe('retry'); // a backoff of at most ~2 s still fits
    w.t.clock.advance(2 * MINUTE);
    const outcome = await failedAttempt(job, 2);
    expect(outcome).toMatchObject({ kind: 'dead' });
    expect(outcome.kind === 'dead' && outcome.reason).toContain('can no longer be delivered');
    expect(sentKinds(w, 'meta', PHONE)).toEqual([]);
  });
});
