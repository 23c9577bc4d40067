// The outbox sweep also owes the CRM its status reports (issue 17): an invocation killed between recording a send's
// outcome and queuing the status job would leave HighLevel showing "pending" for ever. The sweep finds the message
// (its status ranks above what was reported), re-enqueues the status job once, and the CRM gets the status once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { redriveDeadLetter } from '../../src/services/operations/dead-letters';
import { deadLetter, runJob } from '../../src/services/jobs';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import type { killable } from '../helpers/crash-points';
import { consumeSurvivingKills } from '../helpers/crash-points';
import {
  adminToken,
  createKillableWorld,
  customerWrites,
  installationOf,
  postMetaWebhook,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const PHONE = '+3725550123';
/** Meta refuses the send for good (a failed status is owed to HighLevel). */
const UNDELIVERABLE = {
  status: 400,
  body: {
    error: {
      message: '(#131026) Message Undeliverable.',
      type: 'OAuthException',
      code: 131026,
      error_data: { messaging_product: 'whatsapp', details: 'Message Undeliverable.' },
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    },
  },
};
const NOTHING = { sends: 0, crmWrites: 0, deliveries: 0, statuses: 0, campaigns: 0 };

let w: World;
let ctx: AppContext;
let crash: ReturnType<typeof killable>;
let number: ConnectedNumber;

beforeEach(async () => {
  ({ w, number, crash, ctx } = await createKillableWorld());
});
afterEach(async () => w.t.dispose());

const consume = () => consumeSurvivingKills(ctx, w.t);

const agentRow = () =>
  w.t.db
    .prepare("SELECT id, crm_message_id, status, crm_status_rank FROM messages WHERE origin = 'crm'")
    .first<{ id: string; crm_message_id: string; status: string; crm_status_rank: number | null }>();
const statusUpdatesOf = (crmMessageId: string) =>
  w.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === crmMessageId);

describe('a status report whose job was lost', () => {
  beforeEach(async () => {
    await customerWrites(w, number, PHONE, 'Hi');
    await consume();
  });

  it('between the outcome write and the status enqueue: the sweep reports it once, the next sweep does nothing', async () => {
    w.sims.meta.faults.add(UNDELIVERABLE);
    crash.arm({ enqueue: 'crm_record_status', when: 'before' });
    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: PHONE, message: 'Agent here' });
    expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
    await consume();
    expect(crash.fired).toBe(1);
    const row = (await agentRow())!;
    expect(row.status).toBe('failed');
    expect(statusUpdatesOf(row.crm_message_id)).toEqual([]); // HighLevel still shows it pending

    // Within the grace period the sweep leaves the report to its own job.
    expect(await sweepOutbox(ctx)).toEqual(NOTHING);
    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual({ ...NOTHING, statuses: 1 });
    await consume();
    expect(statusUpdatesOf(row.crm_message_id)).toHaveLength(1);
    expect(statusUpdatesOf(row.crm_message_id)[0]).toMatchObject({ status: 'failed' });
    expect((await agentRow())!.crm_status_rank).toBe(2);

    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual(NOTHING);
    await consume();
    expect(statusUpdatesOf(row.crm_message_id)).toHaveLength(1);
  });

  it('between a status webhook and its status enqueue: the sweep reports delivered once', async () => {
    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: PHONE, message: 'Agent here' });
    expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
    await consume();
    const row = (await agentRow())!;
    const before = statusUpdatesOf(row.crm_message_id).length;
    crash.arm({ enqueue: 'crm_record_status', when: 'before' });
    const sent = w.sims.meta.state.sent.at(-1)!;
    await postMetaWebhook(w.app, w.sims.meta.statusWebhook(sent.id, 'delivered')).catch(() => undefined);
    await consume();
    expect(crash.fired).toBe(1);
    expect((await agentRow())!.status).toBe('delivered');
    expect(statusUpdatesOf(row.crm_message_id)).toHaveLength(before);

    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual({ ...NOTHING, statuses: 1 });
    await consume();
    expect(statusUpdatesOf(row.crm_message_id).slice(before)).toEqual([
      expect.objectContaining({ status: 'delivered' }),
    ]);
    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual(NOTHING);
  });

  it('a late job and its swept copy report the status once', async () => {
    w.sims.meta.faults.add(UNDELIVERABLE);
    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: PHONE, message: 'Agent here' });
    expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
    // Run the Delivery URL and send jobs only: the status job stays queued (a slow queue).
    for (let i = 0; i < 3; i++) {
      const due = w.t.queue.takeDue();
      for (const { job, attempts } of due) {
        if (job.type === 'crm_record_status') w.t.queue.retry(job, attempts, 0);
        else await runJob(ctx, job, attempts);
      }
    }
    expect(w.t.queue.pending.map((p) => p.job.type)).toContain('crm_record_status');
    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual({ ...NOTHING, statuses: 1 });
    await consume();
    expect(statusUpdatesOf((await agentRow())!.crm_message_id)).toHaveLength(1);
  });

  it('a dead-lettered status job is not swept again; a redrive reports it once', async () => {
    w.sims.meta.faults.add(UNDELIVERABLE);
    crash.arm({ enqueue: 'crm_record_status', when: 'before' });
    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: PHONE, message: 'Agent here' });
    expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
    await consume();
    const row = (await agentRow())!;
    await deadLetter(ctx, { type: 'crm_record_status', messageId: row.id }, 'HighLevel down', 60);
    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual(NOTHING);

    const letter = await w.t.db
      .prepare("SELECT id FROM dead_letters WHERE job_type = 'crm_record_status'")
      .first<{ id: string }>();
    await redriveDeadLetter(ctx, (await installationOf(w))!.id, letter!.id);
    await consume();
    expect(statusUpdatesOf(row.crm_message_id)).toEqual([expect.objectContaining({ status: 'failed' })]);
    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual(NOTHING);
  });

  it('a message recorded in the CRM with its status owes no separate report', async () => {
    expect(
      (
        await w.call('POST', '/api/messages', {
          token: await adminToken(w, (await installationOf(w))!.id),
          body: {
            connectionId: number.connectionId,
            to: PHONE,
            content: { type: 'text', text: 'From the API' },
          },
        })
      ).status,
    ).toBe(202);
    await consume();
    w.t.clock.advance(5 * MINUTE);
    expect(await sweepOutbox(ctx)).toEqual(NOTHING);
  });

  it('reads only the partial index of owed reports', async () => {
    const plan = await w.t.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM messages WHERE direction = 'outbound' AND crm_message_id IS NOT NULL
         AND (CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
           > COALESCE(crm_status_rank, 0)`,
      )
      .all();
    expect(JSON.stringify(plan.results)).toContain('messages_outbox_crm_status');
  });
});
