// DESIGN.md §8: a signed inbound message is acknowledged in a small, constant number of D1 round trips (a db.batch is
// one trip): the connection lookup, the customer read (and its insert when new), the message's batch (insert, window,
// automation trigger firings). The count does not grow with history. A read-only customer lookup stays a plain read:
// folding insert-if-new + read into one write batch measured slower in local mode (a write transaction per request).
import { describe, expect, it } from 'vitest';
import { useAppHarness } from '../contract/app-harness';
import { providerWire } from '../contract/webhook-wire';

const h = useAppHarness();

const KNOWN_CUSTOMER_TRIPS = 3;

async function inboundTrips(from: string, text: string, id?: string) {
  h.counter.reset();
  h.t.clock.advance(1_000);
  const { res, id: providerId } = await providerWire(h, 'meta').inbound(from, text, h.t.clock.now(), id);
  expect(res.status).toBe(200);
  return { trips: h.counter.trips, batches: h.counter.batches, log: [...h.counter.log], providerId };
}

describe('inbound relay request path (Meta, signed)', () => {
  it('costs three D1 round trips per text from a known customer, four from a new one', async () => {
    const first = await inboundTrips('+393331110001', 'Hello');
    const again = await inboundTrips('+393331110001', 'Again');
    const other = await inboundTrips('+393331110002', 'Someone else');
    for (const call of [first, other]) {
      expect(call.trips, call.log.join('\n')).toBe(KNOWN_CUSTOMER_TRIPS + 1);
      expect(call.batches).toBe(1);
    }
    expect(again.trips, again.log.join('\n')).toBe(KNOWN_CUSTOMER_TRIPS);
    expect(again.batches).toBe(1);
    // One batch: the message insert, the window and the automation trigger firings (automation-trigger-events.ts).
    expect(again.log.at(-1)).toMatch(
      /^INSERT INTO messages .* ; UPDATE contacts .* ; INSERT INTO automation_trigger_firings/,
    );
    // The outcomes are the ordinary ones: two customers, three messages, each owed to the CRM once.
    const contacts = await h.t.db
      .prepare(
        "SELECT phone, last_inbound_at FROM contacts WHERE phone IN ('+393331110001', '+393331110002')",
      )
      .all<{ phone: string; last_inbound_at: number | null }>();
    expect(contacts.results).toHaveLength(2);
    expect(contacts.results.every((c) => c.last_inbound_at)).toBe(true);
    const messages = await h.t.db
      .prepare('SELECT provider_message_id FROM messages WHERE provider_message_id IN (?, ?, ?)')
      .bind(first.providerId, again.providerId, other.providerId)
      .all();
    expect(messages.results).toHaveLength(3);
    const owed = h.t.queue.pending.filter((j) => j.job.type === 'crm_record_message');
    expect(owed.length).toBeGreaterThanOrEqual(3);
  });

  it('costs no more for a redelivery, and stores nothing twice', async () => {
    const first = await inboundTrips('+393331110003', 'Once');
    const before = await h.rows('messages');
    const redelivered = await inboundTrips('+393331110003', 'Once', first.providerId);
    expect(redelivered.trips).toBeLessThanOrEqual(KNOWN_CUSTOMER_TRIPS);
    expect(await h.rows('messages')).toEqual(before);
  });

  it("records a known customer's message in the CRM with one batch for all its bookkeeping (queue consumer)", async () => {
    await inboundTrips('+393331110004', 'First');
    await h.runJobs();
    await inboundTrips('+393331110004', 'Second');
    h.counter.reset();
    const ran = await h.runJobs(['crm_record_message']);
    expect(ran.map((j) => j.type)).toEqual(['crm_record_message']);
    // Message, claim, reload, connection, installation, contact, tokens (installation + its tokens), one batch.
    expect(h.counter.trips, h.counter.log.join('\n')).toBe(9);
    expect(h.counter.log.at(-1)).toMatch(
      /^UPDATE messages SET crm_sync .* ; UPDATE messages SET crm_status_rank/,
    );
  });
});
