// The outbox sweep restarts a campaign whose job chain was lost (issue 17): a running campaign whose chain job was
// dropped stalls for ever without it. The sweep hands it one more chain after the grace period; recipients are
// claimed slice by slice, so a second chain running beside a late one never sends a recipient twice.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { campaignTuning } from '../../src/services/campaigns/campaign-runner';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { deadLetter, registerJobHandler, runJob } from '../../src/services/jobs';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import { CampaignStore } from '../../src/store/campaigns';
import type { Connection } from '../../src/store/connections';
import { seedMetaCampaignWorld } from '../helpers/meta-campaign-world';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { createMetaSimulator } from '../mocks/meta';

const BASE = 'https://graph.chains.test';
const MINUTE = 60_000;
const RECIPIENTS = 24;

// Campaign logs go to the CRM in bulk jobs (their own tests: crm-lanes); here they only need to finish.
registerJobHandler('crm_record_batch', async () => ({ kind: 'done' }));
registerJobHandler('crm_record_message', async () => ({ kind: 'done' }));
registerJobHandler('crm_record_status', async () => ({ kind: 'done' }));

const sim = createMetaSimulator({ baseUrl: BASE });
const server = setupServer(...sim.handlers);
let t: TestPlatform;
let ctx: AppContext;
let connection: Connection;
let templateId: string;

beforeAll(async () => {
  // Small slices: several slices per campaign, so a lost chain strands real work.
  campaignTuning.slice = () => 4;
  campaignTuning.slicesPerInvocation = 1;
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform({ env: { META_GRAPH_BASE_URL: BASE, PROVIDER_TIMEOUT_MS: '150' } });
  // Limiter waits and queue delays move the test clock instead of sleeping.
  t.platform.sleep = async (ms) => t.clock.advance(ms);
  ({ ctx, connection, templateId } = await seedMetaCampaignWorld(t, sim, { accountId: 'loc-chains' }));
});

afterAll(async () => {
  server.close();
  await t?.dispose();
});

beforeEach(() => {
  sim.state.sent.length = 0;
  sim.state.sentCountByRecipient.clear();
});

const phoneOf = (n: number, i: number) => `+4479${String(20_000_000 + n * 1_000 + i).padStart(8, '0')}`;
let campaignsMade = 0;

async function startCampaign(): Promise<string> {
  const n = ++campaignsMade;
  const lines = ['phone,1,2'];
  for (let i = 0; i < RECIPIENTS; i++) lines.push(`${phoneOf(n, i)},Anna,C${i}`);
  const created = await createCampaign(ctx, {
    connection,
    templateId,
    csv: lines.join('\n'),
    overTierPolicy: 'refuse',
    dryRun: false,
  });
  if (created.dryRun) throw new Error('expected a campaign');
  return created.campaign.id;
}

/** Runs every due job, moving the clock to the next delayed one, until the queue is empty. */
async function runAll(): Promise<void> {
  for (let guard = 0; guard < 10_000; guard++) {
    const due = t.queue.takeDue();
    if (!due.length) {
      if (!t.queue.pending.length) return;
      t.clock.current = Math.max(t.clock.current, Math.min(...t.queue.pending.map((p) => p.notBefore)));
      continue;
    }
    for (const { job, attempts } of due) {
      const outcome = await runJob(ctx, job, attempts);
      if (outcome.kind === 'retry') t.queue.retry(job, attempts + 1, outcome.delaySeconds);
      else if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, attempts + 1);
    }
  }
}

const chainJobs = () => t.queue.pending.filter((p) => p.job.type === 'campaign_send');

describe('campaign chains in the outbox sweep', () => {
  it('a running campaign whose chain job was dropped completes after a sweep, each recipient sent once', async () => {
    const id = await startCampaign();
    // One slice goes out, then the chain's next job is lost (the invocation that enqueued it was killed).
    const first = t.queue.takeDue().filter((d) => d.job.type === 'campaign_send');
    expect(first.length).toBeGreaterThanOrEqual(1);
    for (const { job, attempts } of first) await runJob(ctx, job, attempts);
    expect(sim.state.sent.length).toBeGreaterThan(0);
    expect(sim.state.sent.length).toBeLessThan(RECIPIENTS);
    t.queue.pending.length = 0;
    await runAll();
    const store = new CampaignStore(t.db);
    expect((await store.get(id))?.status).toBe('running'); // stalled

    // Within the grace period the sweep leaves it alone; after it, exactly one chain is started.
    expect((await sweepOutbox(ctx)).campaigns).toBe(0);
    t.clock.advance(5 * MINUTE);
    expect((await sweepOutbox(ctx)).campaigns).toBe(1);
    expect(chainJobs()).toHaveLength(1);
    expect((await sweepOutbox(ctx)).campaigns).toBe(0); // handed out once per grace period
    await runAll();

    expect((await store.get(id))?.status).toBe('completed');
    expect(sim.state.sent).toHaveLength(RECIPIENTS);
    expect(Math.max(...sim.state.sentCountByRecipient.values())).toBe(1);
    t.clock.advance(5 * MINUTE);
    expect((await sweepOutbox(ctx)).campaigns).toBe(0); // finished campaigns are not swept
  });

  it('a chain that was only late and the swept extra chain send nobody twice', async () => {
    const id = await startCampaign();
    const original = chainJobs().length;
    expect(original).toBeGreaterThanOrEqual(1);
    t.clock.advance(5 * MINUTE); // the queue is slow: the original chain has not run yet
    expect((await sweepOutbox(ctx)).campaigns).toBe(1);
    expect(chainJobs()).toHaveLength(original + 1);
    await runAll();
    expect((await new CampaignStore(t.db).get(id))?.status).toBe('completed');
    expect(sim.state.sent).toHaveLength(RECIPIENTS);
    expect(Math.max(...sim.state.sentCountByRecipient.values())).toBe(1);
  });

  it('a healthy campaign waiting for its next slice is not given a second chain', async () => {
    const id = await startCampaign();
    for (const { job, attempts } of t.queue.takeDue()) await runJob(ctx, job, attempts);
    // The chain goes on (its next job queued, perhaps with a pacing delay): the sweep leaves it alone.
    expect(chainJobs().length).toBeGreaterThanOrEqual(1);
    const queued = chainJobs().length;
    t.clock.advance(60_000);
    expect((await sweepOutbox(ctx)).campaigns).toBe(0);
    expect(chainJobs()).toHaveLength(queued);
    await runAll();
    expect((await new CampaignStore(t.db).get(id))?.status).toBe('completed');
    expect(Math.max(...sim.state.sentCountByRecipient.values())).toBe(1);
  });

  it('reads only the partial index of live campaigns', async () => {
    const plan = await t.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM campaigns WHERE status IN ('running', 'scheduled') AND chain_due_at <= 0",
      )
      .all();
    expect(JSON.stringify(plan.results)).toContain('campaigns_chain_due');
  });
});
