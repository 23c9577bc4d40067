// Blue ticks for the customer: an agent's reply marks the customer's latest message read at Meta, once per new
// inbound message, best effort (a failed receipt never touches the reply), never for Twilio nor for campaigns.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adminToken,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const CUSTOMER = '+3725550701';
let w: World;
let admin: string;
beforeEach(async () => {
  w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  admin = await adminToken(w, (await installationOf(w))!.id);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await w.t.dispose();
});

const meta = () => w.sims.meta.state;
const readIds = () => meta().reads.map((r) => r.messageId);
/** The wamid of the customer's latest message, as the simulator delivered it. */
const latestInboundWamid = () => [...meta().inbound.keys()].at(-1)!;

async function writes(number: ConnectedNumber, text: string): Promise<void> {
  expect((await customerWrites(w, number, CUSTOMER, text)).status).toBe(200);
  await w.settle();
}

/** The agent answers in HighLevel's composer: the Delivery URL call, then the queue runs. */
async function answersInHighLevel(text: string): Promise<void> {
  const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: CUSTOMER, message: text });
  expect((await w.post('/crm/highlevel/outbound', delivery)).status).toBe(200);
  await w.settle();
}

/** The agent answers from the sidebar / API. */
async function answersThroughApi(number: ConnectedNumber, text: string): Promise<void> {
  const res = await w.call('POST', '/api/messages', {
    token: admin,
    body: { connectionId: number.connectionId, to: CUSTOMER, content: { type: 'text', text } },
  });
  expect(res.status).toBe(202);
  await w.settle();
}

async function sendStates(): Promise<string[]> {
  const { results } = await w.t.db
    .prepare("SELECT send_state FROM messages WHERE direction = 'outbound' ORDER BY created_at")
    .all<{ send_state: string }>();
  return results.map((r) => r.send_state);
}

describe('read receipts on Meta', () => {
  it('marks only the latest of two customer messages read, once, and again only after new inbound', async () => {
    const number = await connectProvider(w, admin, 'meta');
    await writes(number, 'Hello?');
    await writes(number, 'Is my order on its way?');
    const latest = latestInboundWamid();
    expect(meta().inbound.size).toBe(2);

    await answersInHighLevel('Yes, it ships today.');
    expect(readIds()).toEqual([latest]);

    // A second reply with nothing new from the customer: no new receipt.
    await answersThroughApi(number, 'Tracking number follows.');
    expect(meta().sent).toHaveLength(2);
    expect(readIds()).toEqual([latest]);

    // The customer writes again: the next reply marks that message.
    await writes(number, 'Thanks!');
    await answersThroughApi(number, 'You are welcome.');
    expect(readIds()).toEqual([latest, latestInboundWamid()]);
    expect(await sendStates()).toEqual(['sent', 'sent', 'sent']);
  }, 60_000);

  it.each([
    ['an outage (500)', 500, true],
    ['a rate limit (429)', 429, false],
  ])(
    'a receipt refused with %s leaves the reply sent, is not retried, and logs no secret',
    async (_name, status, logged) => {
      const number = await connectProvider(w, admin, 'meta');
      await writes(number, 'Hello?');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      // Only the request after the reply went out (the receipt) fails: the send itself is untouched.
      const sentBefore = meta().sent.length;
      w.sims.meta.faults.add({
        status,
        match: (request) => request.url.endsWith('/messages') && meta().sent.length > sentBefore,
        body: {
          error: {
            message: 'Service unavailable',
            type: 'OAuthException',
            code: status === 429 ? 130429 : 2,
          },
        },
      });

      await answersThroughApi(number, 'On it.');
      await w.settle(); // anything re-queued would run here
      expect(w.sims.meta.faults.injected).toBe(1);
      expect(readIds()).toEqual([]);
      expect(await sendStates()).toEqual(['sent']);
      expect(w.t.queue.pending).toHaveLength(0);

      const warnings = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('read'));
      expect(warnings).toHaveLength(logged ? 1 : 0);
      for (const line of warnings) expect(line).not.toContain(w.sims.meta.config.accessToken);
    },
    60_000,
  );

  it('a campaign to a customer who wrote never marks their messages read', async () => {
    const number = await connectProvider(w, admin, 'meta');
    await writes(number, 'Any offers?');
    const template = await w.t.db
      .prepare("SELECT id FROM templates WHERE connection_id = ? AND name = 'order_shipped'")
      .bind(number.connectionId)
      .first<{ id: string }>();
    const res = await w.call('POST', '/api/campaigns', {
      token: admin,
      body: {
        connectionId: number.connectionId,
        templateId: template!.id,
        recipients: [{ phone: CUSTOMER, variables: { '1': 'Mari', '2': 'A-1001' } }],
      },
    });
    expect(res.status).toBe(201);
    await w.settle();
    expect(meta().sent.map((m) => m.type)).toEqual(['template']);
    expect(readIds()).toEqual([]);
  }, 60_000);
});

describe('read receipts elsewhere', () => {
  it('a Twilio reply makes no read attempt and logs no error', async () => {
    const number = await connectProvider(w, admin, 'twilio');
    await writes(number, 'Hello?');
    const warn = vi.spyOn(console, 'warn');
    await answersThroughApi(number, 'Hi, how can I help?');
    expect(w.sims.twilio.state.messages).toHaveLength(1);
    expect(await sendStates()).toEqual(['sent']);
    expect(readIds()).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    const contact = await w.t.db
      .prepare('SELECT read_marked_message_id FROM contacts WHERE connection_id = ?')
      .bind(number.connectionId)
      .first<{ read_marked_message_id: string | null }>();
    expect(contact?.read_marked_message_id).toBeNull();
  }, 60_000);
});
