// Campaign logging's failure paths (services/crm/crm-bulk.ts): a coalesced batch that meets the CRM's pace, an outage or
// a message HighLevel refuses still records every other message exactly once, hands the rest back as one job with
// the right attempt count, and dead-letters only the message that cannot be written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/platform/queue';
import { runJob } from '../../src/services/jobs';
import {
  adminToken,
  connectProvider,
  createWorld,
  installationOf,
  installHighLevel,
  providerReports,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();
let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => {
  await w.t.dispose();
});

const hl = () => w.sims.highlevel.state;
type Batch = Extract<Job, { type: 'crm_record_batch' }>;

/** A 3-recipient campaign, sent; returns its coalesced log job, not yet run (nothing else left in the queue). */
let number: ConnectedNumber;
async function campaignSent(): Promise<Batch> {
  expect((await installHighLevel(w)).status).toBe(302);
  const admin = await adminToken(w, (await installationOf(w))!.id);
  number = await connectProvider(w, admin, 'meta');
  const list = await w.call('GET', `/api/templates?connectionId=${number.connectionId}&status=APPROVED`, {
    token: admin,
  });
  const template = ((await list.json()) as { templates: { id: string }[] }).templates[0]!;
  const res = await w.call('POST', '/api/campaigns', {
    token: admin,
    body: {
      connectionId: number.connectionId,
      templateId: template.id,
      recipients: [1, 2, 3].map((i) => ({
        phone: `+372555010${i}`,
        variables: { '1': 'Mari', '2': `A-${i}` },
      })),
    },
  });
  expect(res.status).toBe(201);
  const batches: Batch[] = [];
  for (let round = 0; round < 200 && w.t.queue.pending.length; round++) {
    const due = w.t.queue.takeDue();
    if (!due.length) {
      w.t.clock.advance(Math.min(...w.t.queue.pending.map((p) => p.notBefore)) - w.t.clock.now());
      continue;
    }
    for (const { job, attempts } of due) {
      if (job.type === 'crm_record_batch') batches.push(job);
      else await runJob(w.ctx, job, attempts);
    }
  }
  expect(w.t.queue.pending).toEqual([]);
  expect(batches).toHaveLength(1);
  expect(batches[0]!.messageIds).toHaveLength(3);
  return batches[0]!;
}

const crmSync = async () =>
  (
    await w.t.db
      .prepare("SELECT id, crm_sync FROM messages WHERE origin = 'campaign' ORDER BY id")
      .all<{ id: string; crm_sync: string }>()
  ).results;

describe('campaign logging (coalesced bulk jobs)', () => {
  it('a CRM outage hands the whole rest back as one job, one attempt spent, and it all lands once later', async () => {
    const batch = await campaignSent();
    w.sims.highlevel.faults.add({ status: 503, times: 1 });
    expect(await runJob(w.ctx, batch, 0)).toEqual({ kind: 'done' });
    expect(w.t.queue.pending).toEqual([
      expect.objectContaining({
        job: { type: 'crm_record_batch', messageIds: batch.messageIds },
        attempts: 1,
      }),
    ]);
    expect(w.t.queue.pending[0]!.notBefore).toBeGreaterThan(w.t.clock.now());
    expect(hl().messages.size).toBe(0);

    await w.settle();
    expect((await crmSync()).map((r) => r.crm_sync)).toEqual(['done', 'done', 'done']);
    expect(hl().messages.size).toBe(3);
    expect(await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first('n')).toBe(0);
  });

  it('a message HighLevel refuses is dead-lettered alone; the others are recorded', async () => {
    const batch = await campaignSent();
    w.sims.highlevel.faults.add({ status: 422, times: 1 });
    expect(await runJob(w.ctx, batch, 0)).toEqual({ kind: 'done' });
    // The location's pace ran out for the third (the clock stands still here): it went back as the batch's rest.
    expect(w.t.queue.pending.map((p) => p.job)).toEqual([
      { type: 'crm_record_batch', messageIds: batch.messageIds.slice(2) },
    ]);
    await w.settle();
    const rows = await crmSync();
    const byId = new Map(rows.map((r) => [r.id, r.crm_sync]));
    expect(batch.messageIds.map((id) => byId.get(id))).toEqual(['dead', 'done', 'done']);
    expect(hl().messages.size).toBe(2);
    const letters = (
      await w.t.db.prepare('SELECT job_type, job FROM dead_letters').all<{ job_type: string; job: string }>()
    ).results;
    expect(letters).toHaveLength(1);
    expect(letters[0]!.job_type).toBe('crm_record_message');
    expect(JSON.parse(letters[0]!.job)).toMatchObject({ messageId: batch.messageIds[0], lane: 'bulk' });
  });

  it('while the location is held back, the batch goes back unsent for the wait, without spending an attempt', async () => {
    const batch = await campaignSent();
    const location = `crm:highlevel:${hl().config.locationId}:location`;
    await w.t.limiter.pause(location, w.t.clock.now() + 60_000);
    expect(await runJob(w.ctx, batch, 2)).toEqual({ kind: 'done' });
    expect(w.t.queue.pending).toEqual([
      expect.objectContaining({ job: batch, attempts: 2, notBefore: w.t.clock.now() + 60_000 }),
    ]);
    expect(hl().messages.size).toBe(0);
    await w.settle();
    expect(hl().messages.size).toBe(3);
  });

  it('a batch the queue gave up on is dead-lettered message by message, each row marked', async () => {
    const batch = await campaignSent();
    const { deadLetter } = await import('../../src/services/jobs');
    await deadLetter(w.ctx, batch, 'Queue retries exhausted', 11);
    expect((await crmSync()).map((r) => r.crm_sync)).toEqual(['dead', 'dead', 'dead']);
    expect(await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first('n')).toBe(3);
  });

  it("a campaign message's status waits for its log in the bulk lane instead of burning retries", async () => {
    const batch = await campaignSent();
    const sent = w.sims.meta.state.sent.map((m) => m.id);
    expect((await providerReports(w, number, sent[0]!, 'delivered')).status).toBe(200);
    const [statusJob] = w.t.queue.takeDue();
    expect(statusJob!.job).toMatchObject({ type: 'crm_record_status', lane: 'bulk' });
    // Not in HighLevel yet: nothing to update, and no retry that would spend attempts while the log waits its turn.
    expect(await runJob(w.ctx, statusJob!.job, 0)).toEqual({ kind: 'done' });
    expect(w.t.queue.pending).toEqual([]);
    // Once the log is written, it reports the status that waited (only where it is past `sent`): one bulk job.
    const ids = await w.t.db
      .prepare("SELECT id FROM messages WHERE origin = 'campaign' AND provider_message_id = ?")
      .bind(sent[0]!)
      .first<{ id: string }>();
    w.t.platform.sleep = async (ms) => w.t.clock.advance(ms); // the batch's claims wait on the test clock
    expect(await runJob(w.ctx, batch, 0)).toEqual({ kind: 'done' });
    expect(w.t.queue.pending.map((p) => p.job)).toEqual([
      { type: 'crm_record_status', messageId: ids!.id, lane: 'bulk' },
    ]);
    await w.settle();
    expect(hl().messages.size).toBe(3);
    expect(await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first('n')).toBe(0);
  });
});
