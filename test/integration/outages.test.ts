// Outages delay, never fail (issue 17, finding 9; DESIGN.md §6). Injected clock: the queue's delays follow it.
// - Meta answering 5xx for 5.5 minutes: replies sent meanwhile show "retrying" with the next attempt and are
//   delivered once Meta recovers; a free-form reply stops only when the customer service window closes.
// - HighLevel down 3 hours: every customer message reaches it exactly once after recovery, nothing dead-lettered.
// - An outage longer than the CRM budget ends in the dead-letter list with the true attempt count; the admin's
//   redrive delivers it once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRM_RETRY_BUDGET } from '../../src/services/crm/crm';
import { HOUR } from '../helpers/platform';
import {
  adminToken,
  createConnectedWorld,
  customerWrites,
  sentKinds,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const PHONE = '+3725550700';

let w: World;
let number: ConnectedNumber;
let installationId: string;
beforeEach(async () => {
  ({ w, installationId, number } = await createConnectedWorld());
});
afterEach(async () => w.t.dispose());

const admin = () => adminToken(w, installationId);
const hl = () => w.sims.highlevel.state;
/** Every request to the simulator fails until `ms` from now. */
const downFor = (faults: { add(f: object): void }, ms: number, status = 503) => {
  const until = w.t.clock.now() + ms;
  faults.add({ status, times: 1_000_000, match: () => w.t.clock.now() < until });
};

interface PresentedMessage {
  id: string;
  text: string;
  status: string;
  sendState: string;
  retrying: { attempts: number; nextAttemptAt: number; reason: string } | null;
  error: { reason: string } | null;
}
async function thread(): Promise<PresentedMessage[]> {
  const res = await w.call(
    'GET',
    `/api/contacts/${encodeURIComponent(PHONE)}/messages?connectionId=${number.connectionId}`,
    { token: await admin() },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: PresentedMessage[] }).messages;
}
const replies = async () => (await thread()).filter((m) => m.sendState !== null);

async function reply(text: string) {
  const res = await w.call('POST', '/api/messages', {
    token: await admin(),
    body: { connectionId: number.connectionId, to: PHONE, content: { type: 'text', text } },
  });
  expect(res.status).toBe(202);
}

describe('a provider outage delays replies', () => {
  beforeEach(async () => {
    await customerWrites(w, number, PHONE, 'Hello?');
    await w.settle();
  });

  it('Meta 5xx for 5.5 minutes: 5 replies show "retrying", then are delivered once each', async () => {
    downFor(w.sims.meta.faults, 5.5 * MINUTE, 500);
    for (let i = 0; i < 5; i++) {
      await reply(`reply ${i}`);
      w.t.clock.advance(10_000);
    }
    // Run what is due for the first 3 minutes: every reply has failed at least once and is waiting.
    await w.settle(3 * MINUTE);
    const during = await replies();
    expect(during).toHaveLength(5);
    for (const m of during) {
      expect(m).toMatchObject({ status: 'pending', sendState: 'queued', error: null });
      expect(m.retrying).toMatchObject({
        attempts: expect.any(Number),
        reason: expect.stringContaining('500'),
      });
      expect(m.retrying!.nextAttemptAt).toBeGreaterThan(w.t.clock.now() - MINUTE);
    }

    await w.settle();
    const after = await replies();
    expect(after.map((m) => [m.sendState, m.retrying])).toEqual(Array(5).fill(['sent', null]));
    expect(sentKinds(w, 'meta', PHONE)).toEqual(Array(5).fill('text'));
    expect(
      w.sims.meta.state.sent.map((m) => (m.body as { text: { body: string } }).text.body).sort(),
    ).toEqual([0, 1, 2, 3, 4].map((i) => `reply ${i}`));
    // And each reached HighLevel once.
    expect([...hl().messages.values()].filter((m) => m.direction === 'outbound')).toHaveLength(5);
  });

  it('a free-form reply retries until the window closes, then fails with that reason', async () => {
    w.t.clock.advance(23 * HOUR); // the window closes in an hour
    await reply('late reply');
    downFor(w.sims.meta.faults, 3 * HOUR, 503);
    await w.settle(3 * HOUR);
    const [m] = await replies();
    expect(m).toMatchObject({ sendState: 'failed', status: 'failed', retrying: null });
    expect(m!.error!.reason).toMatch(/customer service window closed/);
    expect(sentKinds(w, 'meta', PHONE)).toEqual([]);
  });
});

describe('a CRM outage of hours delays, never drops', () => {
  it('HighLevel down 3 hours: 10 customer messages reach it exactly once after recovery', async () => {
    downFor(w.sims.highlevel.faults, 3 * HOUR, 503);
    const phones = Array.from({ length: 10 }, (_, i) => `+37255507${String(i).padStart(2, '0')}`);
    for (const phone of phones) await customerWrites(w, number, phone, `message from ${phone}`);
    await w.settle(3 * HOUR - MINUTE);
    expect(hl().messages.size).toBe(0);

    await w.settle();
    const rows = (
      await w.t.db
        .prepare("SELECT provider_message_id AS id, crm_sync FROM messages WHERE direction = 'inbound'")
        .all<{ id: string; crm_sync: string }>()
    ).results;
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.crm_sync).toBe('done');
      expect(hl().countByAltId(row.id)).toBe(1);
    }
    expect(hl().messages.size).toBe(10);
    expect(await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first('n')).toBe(0);
  }, 180_000);

  it('past the budget it is dead-lettered with its true attempt count; a redrive delivers it once', async () => {
    downFor(w.sims.highlevel.faults, 3 * 24 * HOUR, 502);
    await customerWrites(w, number, PHONE, 'Is anyone there?');
    await w.settle(3 * 24 * HOUR);
    const list = async () =>
      (
        (await (await w.call('GET', '/api/dead-letters', { token: await admin() })).json()) as {
          deadLetters: { id: string; jobType: string; attempts: number }[];
        }
      ).deadLetters;
    const [letter] = await list();
    expect(letter).toMatchObject({ jobType: 'crm_record_message', attempts: CRM_RETRY_BUDGET + 1 });
    expect(hl().messages.size).toBe(0);

    // The outage is over (3 days have passed); the admin sends it back.
    w.t.clock.advance(3 * 24 * HOUR);
    expect((await w.call('POST', `/api/dead-letters/${letter!.id}/redrive`)).status).toBe(401);
    const res = await w.call('POST', `/api/dead-letters/${letter!.id}/redrive`, { token: await admin() });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ redriven: { id: letter!.id, jobType: 'crm_record_message' } });
    expect(await list()).toEqual([]);
    const again = await w.call('POST', `/api/dead-letters/${letter!.id}/redrive`, { token: await admin() });
    expect(again.status).toBe(409);

    await w.settle();
    const row = await w.t.db
      .prepare("SELECT provider_message_id AS id, crm_sync FROM messages WHERE direction = 'inbound'")
      .first<{ id: string; crm_sync: string }>();
    expect(row!.crm_sync).toBe('done');
    expect(hl().countByAltId(row!.id)).toBe(1);
  });

  it("another installation's dead letter is not found", async () => {
    const res = await w.call('POST', '/api/dead-letters/dlq_unknown/redrive', { token: await admin() });
    expect(res.status).toBe(404);
  });
});
