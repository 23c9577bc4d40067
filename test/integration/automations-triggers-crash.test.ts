// Issue 15: a trigger's firings are stored in the same D1 batch as their event (the customer's message, the failed
// status, the failed send). A Worker killed right after that batch loses the enqueue, never the firing: the cron's
// sweep of stranded firings fires it once, and the provider's redelivery (now a duplicate) fires nothing more.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { runTriggerCron } from '../../src/services/crm/automation-trigger-events';
import type { killable } from '../helpers/crash-points';
import { consumeSurvivingKills } from '../helpers/crash-points';
import { metaStatusError } from '../mocks/meta';
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
const PHONE = '+3725550101';
const UNDELIVERABLE_AT_SEND = {
  match: (r: { method: string; url: string }) => r.method === 'POST' && r.url.includes('/messages'),
  status: 400,
  body: {
    error: {
      message: '(#131026) Message undeliverable',
      type: 'OAuthException',
      code: 131026,
      error_data: { messaging_product: 'whatsapp', details: 'Receiver is incapable of receiving' },
      fbtrace_id: 'AbC',
    },
  },
};

let w: World;
let admin: string;
let number: ConnectedNumber;
let crash: ReturnType<typeof killable>;
let ctx: AppContext;
beforeEach(async () => {
  ({ w, admin, number, crash, ctx } = await createKillableWorld());
});
afterEach(async () => w.t.dispose());

const consume = () => consumeSurvivingKills(ctx, w.t);

const firings = () =>
  w.sims.highlevel.triggerFirings as { triggerId: string; body: Record<string, unknown> }[];
const firingRows = () =>
  w.t.db
    .prepare('SELECT event_id, state FROM automation_trigger_firings ORDER BY created_at')
    .all<{ event_id: string; state: string }>()
    .then((r) => r.results);

async function subscribe(key: string): Promise<void> {
  const event = w.sims.highlevel.buildTriggerSubscription({ key, id: `sub-${key}` });
  expect((await w.post('/automations/highlevel/triggers', event)).status).toBe(200);
}

/** Nothing fired yet; the sweep leaves a fresh firing alone, then fires it once after the grace period. */
async function expectSweepFiresOnce(): Promise<void> {
  await consume();
  expect(firings()).toHaveLength(0);
  expect((await firingRows()).map((r) => r.state)).toEqual(['pending']);
  await runTriggerCron(ctx);
  expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
  w.t.clock.advance(11 * MINUTE);
  await runTriggerCron(ctx);
  await consume();
  expect(firings()).toHaveLength(1);
  w.t.clock.advance(11 * MINUTE);
  await runTriggerCron(ctx);
  await consume();
  expect(firings()).toHaveLength(1);
  expect((await firingRows()).map((r) => r.state)).toEqual(['done']);
}

describe('a trigger firing survives a crash right after its event is stored', () => {
  it('received: killed after the message batch, the redelivered webhook is a duplicate and the sweep fires once', async () => {
    await subscribe('wabridge_message_received');
    const webhook = w.sims.meta.inboundWebhook(
      [
        {
          from: PHONE.slice(1),
          id: 'wamid.crash-1',
          timestamp: String(Math.floor(w.t.clock.now() / 1000)),
          type: 'text',
          text: { body: 'Still open?' },
        },
      ],
      'Mari Tamm',
    );
    crash.arm({ sql: /INSERT INTO messages/, when: 'after' });
    await postMetaWebhook(w.app, webhook).catch(() => undefined);
    expect(crash.fired).toBe(1);
    expect(w.t.queue.pending).toHaveLength(0); // the process died before any enqueue
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200); // Meta redelivers: a duplicate
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
    await expectSweepFiresOnce();
    expect(firings()[0]!.body).toMatchObject({ phone: PHONE, text: 'Still open?', type: 'text' });
  });

  it('failed (status webhook): killed after the status update, the redelivered status fires nothing more', async () => {
    await subscribe('wabridge_message_failed');
    await customerWrites(w, number, PHONE, 'Hi');
    const res = await w.call('POST', '/api/messages', {
      token: admin,
      body: { connectionId: number.connectionId, to: PHONE, content: { type: 'text', text: 'On its way' } },
    });
    expect(res.status).toBe(202);
    await consume();
    const sent = w.sims.meta.state.sent.at(-1)!;
    const failed = w.sims.meta.statusWebhook(sent.id, 'failed', {
      timestampMs: w.t.clock.now(),
      errors: [metaStatusError(131026, 'Message undeliverable', 'Receiver is incapable of receiving')],
    });
    crash.arm({ sql: /UPDATE messages SET status_times/, when: 'after' });
    await postMetaWebhook(w.app, failed).catch(() => undefined);
    expect(crash.fired).toBe(1);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
    expect((await postMetaWebhook(w.app, failed)).status).toBe(200);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
    await expectSweepFiresOnce();
    expect(firings()[0]!.body).toMatchObject({ phone: PHONE, code: '131026' });
  });

  it('failed (refused at send): killed after the failure write, the sweep fires once', async () => {
    await subscribe('wabridge_message_failed');
    await customerWrites(w, number, PHONE, 'Hi');
    await consume();
    w.sims.meta.faults.add(UNDELIVERABLE_AT_SEND);
    crash.arm({ sql: /UPDATE messages SET status = 'failed'/, when: 'after' });
    const res = await w.call('POST', '/api/messages', {
      token: admin,
      body: { connectionId: number.connectionId, to: PHONE, content: { type: 'text', text: 'Hi' } },
    });
    expect(res.status).toBe(202);
    await consume();
    expect(crash.fired).toBe(1);
    const row = await w.t.db
      .prepare(`SELECT status FROM messages WHERE direction = 'outbound'`)
      .first<{ status: string }>();
    expect(row?.status).toBe('failed');
    await expectSweepFiresOnce();
    expect(firings()[0]!.body).toMatchObject({ phone: PHONE, code: '131026' });
  });

  it('an event of another trigger stores no firing row', async () => {
    await subscribe('wabridge_message_failed');
    await customerWrites(w, number, PHONE, 'Hi');
    await consume();
    expect(await firingRows()).toEqual([]);
  });
});
