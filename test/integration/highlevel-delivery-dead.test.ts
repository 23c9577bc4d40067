// A HighLevel Delivery URL job that dies (issue 17: out of time to reach the customer, or every run threw until the
// queue gave up) tells HighLevel the agent's reply failed — once, however often the job dies or is redriven — with
// the conversation message status update HighLevel's failures use. D1 failures are injected at the message insert;
// the clock is the test's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/context';
import type { Job } from '../../src/platform/queue';
import { runCrmDelivery } from '../../src/services/crm/crm-deliveries';
import { deadLetter, redriveDeadLetter } from '../../src/services/operations/dead-letters';
import { killable } from '../helpers/crash-points';
import { drainJobs } from '../helpers/drain-jobs';
import {
  adminToken,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  sentKinds,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PHONE = '+3725550177';
const D1_DOWN = { sql: /^\s*INSERT INTO messages/, when: 'before' as const };
type DeliveryJob = Extract<Job, { type: 'crm_outbound' }>;

let w: World;
let ctx: AppContext;
let crash: ReturnType<typeof killable>;
let installationId: string;

beforeEach(async () => {
  w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  installationId = (await installationOf(w))!.id;
  crash = killable(w.t.platform);
  ctx = new AppContext(w.t.platform);
});
afterEach(async () => w.t.dispose());

/** Runs due jobs as the consumer does (retries re-queued, dead ones dead-lettered) until none is due. */
const runAll = () => drainJobs(w.t, ctx);

/** An agent replies through the Delivery URL; returns its job (taken off the queue) and HighLevel's message id. */
async function agentReplies(phone = PHONE): Promise<{ job: DeliveryJob; messageId: string }> {
  const delivery = w.sims.highlevel.buildOutboundDelivery({ phone, message: 'On its way' });
  expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
  const jobs = w.t.queue.takeDue().filter((d) => d.job.type === 'crm_outbound');
  expect(jobs).toHaveLength(1);
  return { job: jobs[0]!.job as DeliveryJob, messageId: delivery.payload.messageId };
}

const statusUpdates = (messageId: string) =>
  w.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === messageId);

/** Runs the job with D1 failing at the message insert until it gives up; returns how it ended. */
async function runUntilDead(job: DeliveryJob) {
  for (let attempt = 0; attempt < 40; attempt++) {
    crash.arm(D1_DOWN);
    const outcome = await runCrmDelivery(ctx, job, attempt);
    if (outcome.kind === 'retry') {
      // The customer's window runs out while the job backs off.
      w.t.clock.advance(Math.max(outcome.delaySeconds * 1000, 2 * HOUR));
      continue;
    }
    return { outcome, attempts: attempt + 1 };
  }
  throw new Error('the job never gave up');
}

describe('a dead HighLevel Delivery URL job', () => {
  let number: ConnectedNumber;
  beforeEach(async () => {
    number = await connectProvider(w, await adminToken(w, installationId), 'meta');
    await customerWrites(w, number, PHONE, 'Hello?');
    await runAll();
  });

  it('out of time: HighLevel is told the reply failed, once, with the reason; nothing is sent', async () => {
    const { job, messageId } = await agentReplies();
    const { outcome, attempts } = await runUntilDead(job);
    expect(outcome.kind).toBe('dead');
    if (outcome.kind !== 'dead') return;
    await deadLetter(ctx, job, outcome.reason, attempts);
    await runAll();

    expect(statusUpdates(messageId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ message: expect.stringContaining('can no longer be delivered') }),
      }),
    ]);
    expect(sentKinds(w, 'meta', PHONE)).toEqual([]);
    // The sidebar's thread shows the reply as failed, with the same reason.
    const row = await w.t.db
      .prepare('SELECT status, send_state, error FROM messages WHERE crm_message_id = ?')
      .bind(messageId)
      .first<{ status: string; send_state: string; error: string }>();
    expect(row).toMatchObject({ status: 'failed', send_state: 'failed' });
    expect(row!.error).toContain('can no longer be delivered');

    // The same job dead-lettered again (the queue's dead-letter queue after a last delivery): nothing new.
    await deadLetter(ctx, job, 'Queue retries exhausted', attempts + 11);
    await runAll();
    expect(statusUpdates(messageId)).toHaveLength(1);
  });

  it('a redrive after the report neither sends the reply nor reports it again', async () => {
    const { job, messageId } = await agentReplies();
    const { outcome, attempts } = await runUntilDead(job);
    if (outcome.kind !== 'dead') throw new Error('expected dead');
    await deadLetter(ctx, job, outcome.reason, attempts);
    await runAll();
    expect(statusUpdates(messageId)).toHaveLength(1);

    const dead = await w.t.db
      .prepare("SELECT id FROM dead_letters WHERE job_type = 'crm_outbound'")
      .all<{ id: string }>();
    expect(dead.results.length).toBeGreaterThan(0);
    await redriveDeadLetter(ctx, installationId, dead.results[0]!.id);
    await runAll();
    expect(sentKinds(w, 'meta', PHONE)).toEqual([]);
    expect(statusUpdates(messageId)).toHaveLength(1);
  });

  it('a reply that already became a message is left to its send: no failure report', async () => {
    const { job, messageId } = await agentReplies();
    // The job made the message, then died before finishing (its next runs found it handled).
    expect(await runCrmDelivery(ctx, job, 0)).toEqual({ kind: 'done' });
    await deadLetter(ctx, job, 'Queue retries exhausted', 11);
    await runAll();
    expect(sentKinds(w, 'meta', PHONE)).toEqual(['text']);
    expect(statusUpdates(messageId).filter((u) => u.status === 'failed')).toEqual([]);
  });
});

describe('a dead Delivery URL job for a location without a number', () => {
  it('reports the failure straight to HighLevel, once', async () => {
    // HighLevel is down while the job tries to report "no number connected": it dies after its retries.
    const { job, messageId } = await agentReplies('+3725550178');
    w.sims.highlevel.faults.add({
      match: (r) => r.method === 'PUT' && r.url.includes('/status'),
      times: 1,
      status: 503,
    });
    const first = await runCrmDelivery(ctx, job, 0);
    expect(first.kind).toBe('retry');
    expect(statusUpdates(messageId)).toEqual([]);
    await deadLetter(ctx, job, 'Queue retries exhausted', 11);
    expect(statusUpdates(messageId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ message: expect.stringContaining('Queue retries exhausted') }),
      }),
    ]);
    await deadLetter(ctx, job, 'Queue retries exhausted', 12);
    expect(statusUpdates(messageId)).toHaveLength(1);
  });
});
