// Issue 12 item 5 acceptance (HighLevel): on a number shared with the WhatsApp Business app, what the business typed
// in the app (smb_message_echoes) and its past chats (history) reach our store and the HighLevel thread in time
// order, marked as such; nothing is sent to Meta, no window moves, no read receipt, no workflow trigger fires; an
// echoed edit / revoke updates them; the number is then paced at 20 msg/s.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metaEcho, metaEchoesWebhook, metaHistoryWebhook } from '../mocks/meta';
import {
  createConnectedWorld,
  customerWrites,
  postMetaWebhook,
  sentCount,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
let number: ConnectedNumber;
let admin: string;
beforeEach(async () => {
  ({ w, admin, number } = await createConnectedWorld());
});
afterEach(async () => w.t.dispose());

const CUSTOMER = '+393331234567';
const H = 3_600_000;
const hl = () => w.sims.highlevel;

async function windowOf() {
  const res = await w.call(
    'GET',
    `/api/contacts/${encodeURIComponent(CUSTOMER)}/window?connectionId=${number.connectionId}`,
    { token: admin },
  );
  return (await res.json()) as { state: string; lastInboundAt: number | null };
}

/** The thread as HighLevel lists it (GET /conversations/{id}/messages, newest first), oldest first. */
async function thread(): Promise<{ body: string; direction: string; dateAdded: string }[]> {
  const state = hl().state;
  const contact = state.contactByPhone(state.config.locationId, CUSTOMER)!;
  const conversation = state.conversationOf(state.config.locationId, contact.id)!;
  const token = hl().seedTokens().accessToken;
  const res = await fetch(
    `https://services.leadconnectorhq.com/conversations/${conversation.id}/messages?limit=100`,
    { headers: { authorization: `Bearer ${token}`, version: '2021-04-15' } },
  );
  const json = (await res.json()) as { messages: { body: string; direction: string; dateAdded: string }[] };
  return json.messages.reverse();
}

async function subscribeMessageReceived() {
  const res = await w.post(
    '/automations/highlevel/triggers',
    hl().buildTriggerSubscription({ key: 'wabridge_message_received', id: 'sub-received' }),
  );
  expect(res.status).toBe(200);
}

describe('coexistence: echoes and history reach HighLevel (issue 12 item 5)', () => {
  it('history and echoes → store and thread in time order, marked; nothing sent, no window, no trigger', async () => {
    await subscribeMessageReceived();
    const cfg = w.sims.meta.config;
    const now = w.t.clock.now();
    // Chunk 2 arrives before chunk 1 (Meta does not promise order): the thread is still in time order.
    const chunk2 = metaHistoryWebhook(cfg, { phase: 1, chunkOrder: 2, progress: 100 }, [
      {
        customer: CUSTOMER,
        messages: [
          { by: 'business', text: 'We open at 9', timestampMs: now - 20 * H, id: 'wamid.H3', status: 'READ' },
        ],
      },
    ]);
    const chunk1 = metaHistoryWebhook(cfg, { phase: 1, chunkOrder: 1, progress: 50 }, [
      {
        customer: CUSTOMER,
        messages: [
          {
            by: 'customer',
            text: 'Hello, are you open tomorrow?',
            timestampMs: now - 30 * H,
            id: 'wamid.H1',
          },
          { by: 'business', text: 'Yes!', timestampMs: now - 29 * H, id: 'wamid.H2' },
        ],
      },
    ]);
    expect((await postMetaWebhook(w.app, chunk2)).status).toBe(200);
    expect((await postMetaWebhook(w.app, chunk1)).status).toBe(200);
    // History is not a customer writing now: no window (its last customer message is 30 h old anyway — and even a
    // recent one would not count: the window is ours, from live webhooks).
    expect((await windowOf()).state).toBe('none');

    // The customer writes live: the window opens at that time.
    w.t.clock.advance(60_000);
    expect((await customerWrites(w, number, CUSTOMER, 'Can I book for 8?')).status).toBe(200);
    const opened = await windowOf();
    expect(opened.state).toBe('open');

    // The business answers from its phone: an echo. Redelivered by Meta: stored once.
    w.t.clock.advance(60_000);
    const echo = metaEcho(cfg).text(
      { to: CUSTOMER, id: 'wamid.E1', timestampMs: w.t.clock.now() },
      'Booked, see you at 8',
    );
    expect((await postMetaWebhook(w.app, metaEchoesWebhook(cfg, [echo]))).status).toBe(200);
    expect((await postMetaWebhook(w.app, metaEchoesWebhook(cfg, [echo]))).status).toBe(200);
    // Echoes never move the window.
    expect(await windowOf()).toMatchObject({ state: 'open', lastInboundAt: opened.lastInboundAt });

    await w.settle();

    // Store: every message once, in time order, marked.
    const { results } = await w.t.db
      .prepare(
        `SELECT provider_message_id, direction, coexistence, send_state FROM messages
         WHERE connection_id = ? ORDER BY occurred_at`,
      )
      .bind(number.connectionId)
      .all<{
        provider_message_id: string;
        direction: string;
        coexistence: string | null;
        send_state: string | null;
      }>();
    expect(
      results.map((r) => [
        r.provider_message_id.startsWith('wamid.IN') ? 'live' : r.provider_message_id,
        r.direction,
        r.coexistence,
      ]),
    ).toEqual([
      ['wamid.H1', 'inbound', 'history'],
      ['wamid.H2', 'outbound', 'history'],
      ['wamid.H3', 'outbound', 'history'],
      [expect.any(String), 'inbound', null],
      ['wamid.E1', 'outbound', 'echo'],
    ]);
    expect(results.filter((r) => r.coexistence).every((r) => r.send_state === null)).toBe(true);

    // HighLevel's thread, as it lists it: the same order, the business app's messages marked.
    expect((await thread()).map((m) => [m.direction, m.body])).toEqual([
      ['inbound', '📱 Imported from the WhatsApp Business app history\nHello, are you open tomorrow?'],
      ['outbound', '📱 Sent from the WhatsApp Business app (imported history)\nYes!'],
      ['outbound', '📱 Sent from the WhatsApp Business app (imported history)\nWe open at 9'],
      ['inbound', 'Can I book for 8?'],
      ['outbound', '📱 Sent from the WhatsApp Business app\nBooked, see you at 8'],
    ]);
    // Nothing went to Meta: no send, no read receipt. One trigger firing: the live message only.
    expect(sentCount(w, 'meta')).toBe(0);
    expect(w.sims.meta.state.reads).toHaveLength(0);
    // (triggerId is the workflow's subscription id.)
    expect(hl().triggerFirings.map((f) => (f as { triggerId: string }).triggerId)).toEqual(['sub-received']);
    // The number learned it is shared with the WhatsApp Business app: 20 msg/s from now on.
    const connection = (await w.call('GET', '/api/connections', { token: admin }).then((r) => r.json())) as {
      connections: { id: string; rateLimitPerSecond: number; coexistence: { source: string } | null }[];
    };
    expect(connection.connections.find((c) => c.id === number.connectionId)).toMatchObject({
      rateLimitPerSecond: 20,
      coexistence: { source: 'webhook' },
    });
  });

  it('an echoed edit and revoke reach the thread as an edit and a deletion line, once', async () => {
    const cfg = w.sims.meta.config;
    const echo = metaEcho(cfg);
    const at = w.t.clock.now();
    await postMetaWebhook(
      w.app,
      metaEchoesWebhook(cfg, [echo.text({ to: CUSTOMER, id: 'wamid.E9', timestampMs: at }, 'Price is 40€')]),
    );
    await w.settle();
    w.t.clock.advance(60_000);
    const edit = echo.edit({ to: CUSTOMER, timestampMs: w.t.clock.now() }, 'wamid.E9', 'Price is 45€');
    await postMetaWebhook(w.app, metaEchoesWebhook(cfg, [edit]));
    await postMetaWebhook(w.app, metaEchoesWebhook(cfg, [edit]));
    await w.settle();
    w.t.clock.advance(60_000);
    await postMetaWebhook(
      w.app,
      metaEchoesWebhook(cfg, [echo.revoke({ to: CUSTOMER, timestampMs: w.t.clock.now() }, 'wamid.E9')]),
    );
    await w.settle();
    const bodies = (await thread()).map((m) => m.body);
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toBe('📱 Sent from the WhatsApp Business app\nPrice is 40€');
    expect(bodies[1]).toMatch(/^✏️ Edited in the WhatsApp Business app the message of .* UTC: Price is 45€$/);
    expect(bodies[2]).toMatch(/^🗑 Deleted in the WhatsApp Business app the message of .* UTC/);
    const row = await w.t.db
      .prepare("SELECT content, deleted_at FROM messages WHERE provider_message_id = 'wamid.E9'")
      .first<{ content: string | null; deleted_at: number | null }>();
    expect(row).toMatchObject({ content: null, deleted_at: expect.any(Number) });
    expect(sentCount(w, 'meta')).toBe(0);
  });

  it('an admin can mark a number as shared (20 msg/s) and unmark it (back to its rate)', async () => {
    const put = (enabled: unknown) =>
      w.call('PUT', `/api/connections/${number.connectionId}/coexistence`, {
        token: admin,
        body: { enabled },
      });
    const on = (await (await put(true)).json()) as {
      connection: { rateLimitPerSecond: number; coexistence: { source: string } };
    };
    expect(on.connection).toMatchObject({ rateLimitPerSecond: 20, coexistence: { source: 'admin' } });
    const off = (await (await put(false)).json()) as {
      connection: { rateLimitPerSecond: number; coexistence: null };
    };
    expect(off.connection).toMatchObject({ rateLimitPerSecond: 80, coexistence: null });
    expect((await put('yes')).status).toBe(400);
    expect(
      (
        await w.call('PUT', '/api/connections/conn_other/coexistence', {
          token: admin,
          body: { enabled: true },
        })
      ).status,
    ).toBe(404);
  });
});
