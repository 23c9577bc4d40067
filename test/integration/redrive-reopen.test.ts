// Redrive from the admin's failed deliveries resumes the owed work (issue 17, nothing stranded): a dead workflow
// trigger firing and a dead WhatsApp marketing-preference write finished their rows, so the redrive reopens the row in
// the same D1 batch as its claim. A Worker killed before the redriven job is enqueued leaves a row the crons find.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { runTriggerCron } from '../../src/services/crm/automation-trigger-events';
import { runJob } from '../../src/services/jobs';
import { redriveDeadLetter } from '../../src/services/operations/dead-letters';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import type { killable } from '../helpers/crash-points';
import { consumeSurvivingKills, Killed } from '../helpers/crash-points';
import { metaUserPreferencesWebhook } from '../mocks/meta';
import {
  createKillableWorld,
  customerWrites,
  postMetaWebhook,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const PHONE = '+3725550166';

let w: World;
let ctx: AppContext;
let crash: ReturnType<typeof killable>;
let installationId: string;
let number: ConnectedNumber;

beforeEach(async () => {
  ({ w, installationId, number, crash, ctx } = await createKillableWorld());
});
afterEach(async () => w.t.dispose());

const consume = () => consumeSurvivingKills(ctx, w.t, { untilIdle: true, rounds: 500 });

async function deadLetterOf(jobType: string): Promise<{ id: string }> {
  const dead = (await ctx.events.listDeadLetters(installationId, 50)).filter((d) => d.jobType === jobType);
  expect(dead).toHaveLength(1);
  return dead[0]!;
}

describe('a redrive whose enqueue was lost is resumed by the crons', () => {
  it('a dead workflow trigger firing: redriven, killed before the enqueue, fired once by the cron', async () => {
    const subscription = w.sims.highlevel.buildTriggerSubscription({
      key: 'wabridge_message_received',
      id: 'sub-redrive',
    });
    expect((await w.post('/automations/highlevel/triggers', subscription)).status).toBe(200);
    w.sims.highlevel.faults.add({
      match: (r) => new URL(r.url).pathname.includes('/triggers/execute'),
      times: 1000,
      status: 503,
      body: { message: 'Service Unavailable' },
    });
    await customerWrites(w, number, PHONE, 'Still open?');
    await consume();
    expect(w.sims.highlevel.triggerFirings).toHaveLength(0);
    const dead = await deadLetterOf('crm_fire_trigger');

    w.sims.highlevel.faults.clear();
    crash.arm({ enqueue: 'crm_fire_trigger', when: 'before' });
    await expect(redriveDeadLetter(ctx, installationId, dead.id)).rejects.toBeInstanceOf(Killed);
    for (let i = 0; i < 6; i++) {
      w.t.clock.advance(5 * MINUTE);
      await runTriggerCron(ctx);
      await consume();
    }
    expect(w.sims.highlevel.triggerFirings).toHaveLength(1);
  });

  it('a dead marketing-preference write: listed for the installation, redriven, resumed by the outbox sweep', async () => {
    await customerWrites(w, number, PHONE, 'Hi');
    await consume();
    w.sims.highlevel.faults.add({
      match: (r) => new URL(r.url).pathname.includes('/contacts'),
      times: 1000,
      status: 503,
      body: { message: 'Service Unavailable' },
    });
    const stop = metaUserPreferencesWebhook({}, [
      { from: PHONE, preference: 'stop', timestampMs: w.t.clock.now() },
    ]);
    expect((await postMetaWebhook(w.app, stop)).status).toBe(200);
    await consume();
    const dndOf = () =>
      [...w.sims.highlevel.state.contacts.values()].find((c) => c.phone === PHONE)?.dndSettings?.WhatsApp;
    expect(dndOf()).toBeUndefined();
    const dead = await deadLetterOf('crm_marketing_preference');

    w.sims.highlevel.faults.clear();
    crash.arm({ enqueue: 'crm_marketing_preference', when: 'before' });
    await expect(redriveDeadLetter(ctx, installationId, dead.id)).rejects.toBeInstanceOf(Killed);
    for (let i = 0; i < 6; i++) {
      w.t.clock.advance(5 * MINUTE);
      await sweepOutbox(ctx);
      await consume();
    }
    expect(dndOf()).toMatchObject({ status: 'active' });
  });
});

describe('a marketing-preference write and its swept copy', () => {
  it('the original job, late, and the copy the sweep hands out, run at once, call HighLevel once', async () => {
    await customerWrites(w, number, PHONE, 'Hi');
    await consume();
    const puts = () =>
      w.sims.highlevel.state.requests.filter((r) => r.method === 'PUT' && r.path.includes('/contacts/'));
    const before = puts().length;
    const stop = metaUserPreferencesWebhook({}, [
      { from: PHONE, preference: 'stop', timestampMs: w.t.clock.now() },
    ]);
    expect((await postMetaWebhook(w.app, stop)).status).toBe(200);
    w.t.clock.advance(10 * MINUTE); // the queue is slow: the job still waits
    await sweepOutbox(ctx);
    const copies = w.t.queue.takeDue().filter((d) => d.job.type === 'crm_marketing_preference');
    expect(copies).toHaveLength(2);
    // Two consumers run them at once: both read the write as owed, one claims it.
    await Promise.all(copies.map((d) => runJob(ctx, d.job, d.attempts)));
    expect(puts().length - before).toBe(1);
    const row = await w.t.db
      .prepare('SELECT crm_sync FROM marketing_preferences')
      .first<{ crm_sync: string }>();
    expect(row?.crm_sync).toBe('done');
  });
});
