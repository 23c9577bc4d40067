// The outbox cannot lose (issue 17, finding 6): an invocation killed at any point between a D1 write and the work it
// owes leaves a row the periodic sweep finds and resumes — exactly once, and a send that may have left is never
// resent (DESIGN.md §3.5). The queue here is at its worst: a killed invocation's queue message is gone as well.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import type { killable } from '../helpers/crash-points';
import { consumeSurvivingKills, type CrashPoint } from '../helpers/crash-points';
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
const PHONE = '+3725550123';

let w: World;
let ctx: AppContext;
let crash: ReturnType<typeof killable>;
let number: ConnectedNumber;
let admin: string;

beforeEach(async () => {
  ({ w, admin, number, crash, ctx } = await createKillableWorld());
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel.state;
const hlMessages = (direction: 'inbound' | 'outbound') =>
  [...hl().messages.values()].filter((m) => m.direction === direction);

const consume = () => consumeSurvivingKills(ctx, w.t);

/** The Worker restarted with an empty queue; the cron sweeps every few minutes until nothing is owed. */
async function sweepUntilSettled(): Promise<number> {
  w.t.queue.pending.length = 0;
  let swept = 0;
  for (let i = 0; i < 12; i++) {
    w.t.clock.advance(5 * MINUTE);
    const result = await sweepOutbox(ctx);
    swept += result.sends + result.crmWrites + result.deliveries;
    await consume();
  }
  return swept;
}

async function reply(text: string): Promise<Response> {
  return w.call('POST', '/api/messages', {
    token: admin,
    body: { connectionId: number.connectionId, to: PHONE, content: { type: 'text', text } },
  });
}

const messageRow = (direction: 'inbound' | 'outbound') =>
  w.t.db
    .prepare(
      `SELECT id, provider_message_id, send_state, crm_sync, crm_message_id, crm_write_uncertain_at FROM messages
       WHERE direction = ? ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(direction)
    .first<{
      id: string;
      provider_message_id: string | null;
      send_state: string | null;
      crm_sync: string;
      crm_message_id: string | null;
      crm_write_uncertain_at: number | null;
    }>();

describe('a customer message whose invocation died reaches HighLevel exactly once after a sweep', () => {
  const points: [string, CrashPoint][] = [
    ['after store, before enqueue', { enqueue: 'crm_record_message', when: 'before' }],
    ['after the CRM claim, before the HighLevel call', { sql: /SET crm_claimed_at = \?1,/, when: 'after' }],
    [
      'after the HighLevel call, before the outcome write',
      { sql: /^UPDATE messages SET crm_sync = \?1/, when: 'before' },
    ],
  ];
  it.each(points)('%s', async (_, point) => {
    crash.arm(point);
    await customerWrites(w, number, PHONE, 'Where is my parcel?');
    await consume();
    expect(crash.fired).toBe(1);
    const stranded = await messageRow('inbound');
    expect(stranded!.crm_sync).toBe('pending');

    // Within the grace period (and the claim's lease) the sweep leaves the row to its own job.
    expect(await sweepOutbox(ctx)).toEqual({
      sends: 0,
      crmWrites: 0,
      deliveries: 0,
      statuses: 0,
      campaigns: 0,
    });
    expect(await sweepUntilSettled()).toBeGreaterThanOrEqual(1);

    const row = await messageRow('inbound');
    expect(row).toMatchObject({ crm_sync: 'done' });
    expect(hlMessages('inbound')).toHaveLength(1);
    expect(hl().countByAltId(row!.provider_message_id!)).toBe(1);
    expect(hlMessages('inbound')[0]!.id).toBe(row!.crm_message_id);
    // A write that may have happened is looked up before it is posted again.
    if (point.when === 'before' && point.sql) expect(hl().messageLists).toBe(1);
    // Settled: later sweeps find nothing.
    expect(await sweepOutbox(ctx)).toEqual({
      sends: 0,
      crmWrites: 0,
      deliveries: 0,
      statuses: 0,
      campaigns: 0,
    });
  });
});

describe("an agent's reply whose invocation died", () => {
  beforeEach(async () => {
    await customerWrites(w, number, PHONE, 'Hello?');
    await consume();
    expect(hlMessages('inbound')).toHaveLength(1);
  });

  it('after store, before enqueue: sent once and recorded once', async () => {
    crash.arm({ enqueue: 'send_message', when: 'before' });
    expect((await reply('On its way!')).status).toBe(500);
    await consume();
    expect(sentKinds(w, 'meta', PHONE)).toEqual([]);
    expect(await sweepUntilSettled()).toBeGreaterThanOrEqual(1);
    expect(sentKinds(w, 'meta', PHONE)).toEqual(['text']);
    expect(await messageRow('outbound')).toMatchObject({ send_state: 'sent', crm_sync: 'done' });
    expect(hlMessages('outbound').map((m) => m.message)).toEqual(['On its way!']);
  });

  const unknownPoints: [string, CrashPoint, number][] = [
    ['after the claim, before the provider call', { sql: /SET send_state = 'sending'/, when: 'after' }, 0],
    [
      'after the provider call, before the outcome write',
      { sql: /SET provider_message_id = \?1/, when: 'before' },
      1,
    ],
  ];
  it.each(unknownPoints)('%s: never resent, unknown, recorded once', async (_, point, sent) => {
    crash.arm(point);
    expect((await reply('On its way!')).status).toBe(202);
    await consume();
    expect(crash.fired).toBe(1);
    expect(await messageRow('outbound')).toMatchObject({ send_state: 'sending', crm_sync: 'pending' });
    expect(await sweepOutbox(ctx)).toEqual({
      sends: 0,
      crmWrites: 0,
      deliveries: 0,
      statuses: 0,
      campaigns: 0,
    });

    expect(await sweepUntilSettled()).toBeGreaterThanOrEqual(1);
    expect(sentKinds(w, 'meta', PHONE)).toHaveLength(sent);
    expect(await messageRow('outbound')).toMatchObject({ send_state: 'unknown', crm_sync: 'done' });
    expect(hlMessages('outbound')).toHaveLength(1);
  });
});

describe('the sweep and the normal path together', () => {
  it('a job that is only late and a swept copy of it do the work once', async () => {
    await customerWrites(w, number, PHONE, 'First');
    expect((await reply('Reply')).status).toBe(202);
    w.t.clock.advance(10 * MINUTE); // the queue is slow: both jobs still wait
    const swept = await sweepOutbox(ctx);
    expect(swept).toMatchObject({ sends: 1, crmWrites: 1 });
    expect(w.t.queue.pending).toHaveLength(4); // each job twice
    await consume();
    await sweepUntilSettled();
    expect(sentKinds(w, 'meta', PHONE)).toEqual(['text']);
    expect(hlMessages('inbound')).toHaveLength(1);
    expect(hlMessages('outbound')).toHaveLength(1);
  });

  it('a HighLevel Delivery URL call stored without its job is delivered after a sweep', async () => {
    await customerWrites(w, number, PHONE, 'Hi');
    await consume();
    crash.arm({ enqueue: 'crm_outbound', when: 'before' });
    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: PHONE, message: 'Agent here' });
    expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBeGreaterThanOrEqual(500);
    await sweepUntilSettled();
    expect(sentKinds(w, 'meta', PHONE)).toEqual(['text']);
  });

  it('reads only the partial indexes of unfinished rows', async () => {
    const plans = await Promise.all(
      [
        "SELECT id FROM messages WHERE send_state = 'queued' AND campaign_id IS NULL AND COALESCE(send_next_at, created_at) <= 0",
        "SELECT id FROM messages WHERE send_state = 'sending' AND campaign_id IS NULL AND COALESCE(send_claimed_at, updated_at) <= 0",
        "SELECT id FROM messages WHERE crm_sync = 'pending' AND COALESCE(crm_next_at, created_at) <= 0",
        "SELECT id FROM crm_deliveries WHERE state = 'queued' AND COALESCE(next_at, created_at) <= 0",
      ].map(async (sql) => JSON.stringify((await w.t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all()).results)),
    );
    expect(plans[0]).toContain('messages_outbox_queued');
    expect(plans[1]).toContain('messages_outbox_sending');
    expect(plans[2]).toContain('messages_outbox_crm');
    expect(plans[3]).toContain('crm_deliveries_outbox');
  });
});
