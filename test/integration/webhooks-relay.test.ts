// Issue 3 acceptance through the real webhook routes, for Meta, Twilio and CM.com: out-of-order and duplicate
// statuses, forged signatures, late statuses (status_retry), unknown connections, and the customer service window.
import { describe, expect, it } from 'vitest';
import { HOUR } from '../helpers/platform';
import { useAppHarness, type ProviderKey } from '../contract/app-harness';
import { metaBatch, providerWire } from '../contract/webhook-wire';
import { metaInbound, metaStatus } from '../mocks/meta';

const h = useAppHarness();
const CUSTOMER = '+393331234567';

interface Row {
  id: string;
  status: string;
  status_times: string;
  provider_message_id: string | null;
  direction: string;
}

/** The customer writes, then we answer through the API and the send job: returns our message row. */
async function sentMessage(provider: ProviderKey): Promise<Row> {
  const wire = providerWire(h, provider);
  expect((await wire.inbound(CUSTOMER, 'Hello', h.t.clock.now())).res.status).toBe(200);
  const res = await h.api('POST', '/api/messages', {
    connectionId: h.connections[provider].id,
    to: CUSTOMER,
    content: { type: 'text', text: 'Hi, how can we help?' },
  });
  expect(res.status).toBe(202);
  const { message } = (await res.json()) as { message: { id: string } };
  await h.runJobs(['send_message']);
  const row = await h.t.db.prepare('SELECT * FROM messages WHERE id = ?').bind(message.id).first<Row>();
  expect(row?.provider_message_id).toBeTruthy();
  return row!;
}

async function messageRow(id: string): Promise<Row> {
  return (await h.t.db.prepare('SELECT * FROM messages WHERE id = ?').bind(id).first<Row>())!;
}

describe.each(['meta', 'twilio', 'cm'] as const)('%s webhooks through the routes', (provider) => {
  const wire = () => providerWire(h, provider);

  it('applies out-of-order statuses (read, delivered, sent) through the lattice, keeping all three times', async () => {
    const sent = await sentMessage(provider);
    const base = h.t.clock.now();
    const order: ['read' | 'delivered' | 'sent', number][] = [
      ['read', base + 3_000],
      ['delivered', base + 2_000],
      ['sent', base + 1_000],
    ];
    for (const [status, at] of order) {
      h.t.clock.advance(1_000);
      const res = await wire().status(sent.provider_message_id!, CUSTOMER, status, at);
      expect(res.status).toBe(200);
    }
    const row = await messageRow(sent.id);
    expect(row.status).toBe('read');
    const times = JSON.parse(row.status_times) as Record<string, number>;
    expect(Object.keys(times)).toEqual(expect.arrayContaining(['sent', 'delivered', 'read']));
    if (wire().statusHasVendorTime) {
      // Each status keeps the vendor's own time (whole seconds on Meta, CM.com's seconds too).
      expect(Math.floor(times.read! / 1000)).toBe(Math.floor((base + 3_000) / 1000));
      expect(Math.floor(times.delivered! / 1000)).toBe(Math.floor((base + 2_000) / 1000));
      expect(Math.floor(times.sent! / 1000)).toBe(Math.floor((base + 1_000) / 1000));
    }
    await h.assertSpecValid();
  });

  it('changes nothing when the same webhook is posted twice (inbound and status)', async () => {
    const sent = await sentMessage(provider);
    const inboundAt = h.t.clock.now();
    const first = await wire().inbound(CUSTOMER, 'Are you open today?', inboundAt);
    expect(first.res.status).toBe(200);
    await wire().status(sent.provider_message_id!, CUSTOMER, 'delivered', inboundAt);
    const before = { messages: await h.rows('messages'), contacts: await h.rows('contacts') };
    const queued = h.t.queue.pending.length;

    h.t.clock.advance(60_000); // a redelivery arrives later
    expect((await wire().inbound(CUSTOMER, 'Are you open today?', inboundAt, first.id)).res.status).toBe(200);
    expect((await wire().status(sent.provider_message_id!, CUSTOMER, 'delivered', inboundAt)).status).toBe(
      200,
    );

    expect({ messages: await h.rows('messages'), contacts: await h.rows('contacts') }).toEqual(before);
    expect(h.t.queue.pending.length).toBe(queued); // no second CRM delivery either
  });

  it.each(['wrong', 'missing'] as const)(
    'answers a %s signature with 401 and stores nothing',
    async (kind) => {
      const before = { messages: await h.count('messages'), contacts: await h.count('contacts') };
      const res = await wire().forged(CUSTOMER, 'I am not who I say', kind);
      // CM.com's proof is a URL segment: without it the request does not reach a webhook route at all.
      const expected = provider === 'cm' && kind === 'missing' ? 'not_found' : 'unauthorized';
      expect(res.status).toBe(expected === 'unauthorized' ? 401 : 404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(expected);
      expect({ messages: await h.count('messages'), contacts: await h.count('contacts') }).toEqual(before);
      expect(h.t.queue.pending).toHaveLength(0);
    },
  );

  it('parks a status that beats our own write of the send, and applies it later (status_retry)', async () => {
    const providerId =
      provider === 'cm'
        ? 'lateref0001'
        : provider === 'meta'
          ? 'wamid.LATE0001'
          : 'SMlate0000000000000000000000000001';
    const res = await wire().status(providerId, CUSTOMER, 'delivered', h.t.clock.now());
    expect(res.status).toBe(200);
    expect(await h.count('messages')).toBe(0);
    expect(h.t.queue.pending.map((p) => p.job.type)).toEqual(['status_retry']);

    // Now the send's result is recorded (the send job and the webhook raced).
    const contact = await h.ctx.contacts.ensure(h.connections[provider].id, CUSTOMER, null, h.t.clock.now());
    const id = h.ctx.messages.newId();
    await h.ctx.messages
      .insertStatement(
        id,
        {
          connectionId: h.connections[provider].id,
          contactId: contact.id,
          direction: 'outbound',
          origin: 'app',
          providerMessageId: providerId,
          content: { type: 'text', text: 'Your order shipped' },
          status: 'pending',
          sendState: 'sent',
          occurredAt: h.t.clock.now(),
        },
        h.t.clock.now(),
      )
      .run();
    h.t.clock.advance(30_000);
    expect((await h.runJobs(['status_retry'])).map((j) => j.type)).toEqual(['status_retry']);
    expect((await messageRow(id)).status).toBe('delivered');
  });

  it('opens the customer service window on inbound, and it is closed 25 h later', async () => {
    const window = async () =>
      (await (
        await h.api(
          'GET',
          `/api/contacts/${encodeURIComponent(CUSTOMER)}/window?connectionId=${h.connections[provider].id}`,
        )
      ).json()) as {
        state: string;
        freeFormAllowed: boolean;
        templateRequired: boolean;
        lastInboundAt: number | null;
      };
    expect((await window()).state).toBe('none');
    const at = h.t.clock.now();
    expect((await wire().inbound(CUSTOMER, 'Hi there', at)).res.status).toBe(200);
    expect(await window()).toMatchObject({ state: 'open', freeFormAllowed: true, templateRequired: false });
    expect(Math.floor((await window()).lastInboundAt! / 1000)).toBe(Math.floor(at / 1000));
    h.t.clock.advance(25 * HOUR);
    expect(await window()).toMatchObject({ state: 'closed', freeFormAllowed: false, templateRequired: true });
  });
});

describe('Meta specifics', () => {
  it('handles every entry and every change of a batched POST', async () => {
    const sent = await sentMessage('meta');
    const now = h.t.clock.now();
    const payload = metaBatch([
      [
        { messages: [metaInbound.text({ from: '+4915112345678', id: 'wamid.B1', timestampMs: now }, 'one')] },
        {
          statuses: [
            metaStatus({
              id: sent.provider_message_id!,
              status: 'delivered',
              recipient: CUSTOMER,
              timestampMs: now,
            }),
          ],
        },
      ],
      [
        { messages: [metaInbound.text({ from: '+4915112345679', id: 'wamid.B2', timestampMs: now }, 'two')] },
        {
          messages: [
            metaInbound.text({ from: '+4915112345680', id: 'wamid.B3', timestampMs: now }, 'three'),
            metaInbound.text({ from: '+4915112345680', id: 'wamid.B4', timestampMs: now }, 'four'),
          ],
        },
      ],
    ]);
    const res = await h.postMeta(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 4, statuses: 1 });
    const ids = (await h.rows('messages')).map((r) => r.provider_message_id);
    expect(ids).toEqual(expect.arrayContaining(['wamid.B1', 'wamid.B2', 'wamid.B3', 'wamid.B4']));
    expect((await messageRow(sent.id)).status).toBe('delivered');
  });

  it('acknowledges an event for an unknown phone number id with 200 and stores nothing', async () => {
    const res = await h.postMeta(
      metaBatch([
        [
          {
            phoneNumberId: '999999999999999',
            messages: [metaInbound.text({ from: CUSTOMER, id: 'wamid.X' }, 'hello?')],
          },
        ],
      ]),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 0, ignored: 1 });
    expect(await h.count('messages')).toBe(0);
    expect(await h.count('contacts')).toBe(0);
    expect(h.t.queue.pending).toHaveLength(0);
  });

  it('acknowledges a status for an unknown phone number id without parking it', async () => {
    const res = await h.postMeta(
      metaBatch([
        [
          {
            phoneNumberId: '999999999999999',
            statuses: [metaStatus({ id: 'wamid.Y', status: 'read', recipient: CUSTOMER })],
          },
        ],
      ]),
    );
    expect(res.status).toBe(200);
    expect(h.t.queue.pending).toHaveLength(0);
  });
});

describe.each(['twilio', 'cm'] as const)(
  '%s: a webhook URL for a connection that does not exist',
  (provider) => {
    it('is refused like a forged one (the URL is the only routing key) and stores nothing', async () => {
      const res =
        provider === 'twilio'
          ? await h.postTwilio(
              { MessageSid: 'SMx', From: `whatsapp:${CUSTOMER}`, Body: 'hi' },
              { connectionId: 'con_gone' },
            )
          : await h.postCm({ reference: 'r' }, { connectionId: 'con_gone' });
      expect(res.status).toBe(401);
      expect(await h.count('messages')).toBe(0);
    });
  },
);
