// Issue 11 through the real routes: a username-only customer (BSUID, no phone) writes in, shares a batch with an
// ordinary customer and an unreadable item, is linked when a phone appears, and is re-keyed by system messages.
import { beforeEach, describe, expect, it } from 'vitest';
import { useAppHarness } from '../contract/app-harness';
import { HOUR } from '../helpers/platform';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import { buildCmInbound } from '../mocks/cm';
import { simBsuidOf } from '../mocks/sim-bsuid';
import { buildTwilioInbound, buildTwilioStatusFor } from '../mocks/twilio';

const h = useAppHarness();
const BSUID = 'US.13491208655302741918';
const PARENT = 'US.ENT.11815799212886844830';
const PHONE = '+393331234567';

interface ContactRow {
  id: string;
  phone: string;
  user_id: string | null;
  parent_user_id: string | null;
  username: string | null;
  last_inbound_at: number | null;
}

const contacts = async () =>
  (await h.t.db.prepare('SELECT * FROM contacts ORDER BY created_at, id').all<ContactRow>()).results;

beforeEach(async () => {
  await h.t.db.prepare('DELETE FROM unreadable_webhook_items').run();
});

describe('Meta webhooks with business-scoped user IDs', () => {
  it('a mixed batch (username-only, ordinary, unparseable) → 200 and 3 entries stored, 1 of them unreadable', async () => {
    const at = h.t.clock.now();
    const res = await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.text(
          { userId: BSUID, username: 'sheena.shop', timestampMs: at },
          'I only have a username',
        ),
        metaInbound.text({ from: PHONE, timestampMs: at }, 'I have a phone'),
        {
          from: '393331234568',
          id: 'wamid.BROKEN',
          timestamp: 'yesterday',
          type: 'text',
          text: { body: 'x' },
        },
      ]),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 2, unreadable: 1 });
    expect(await h.count('messages')).toBe(2);
    const unreadable = await h.rows('unreadable_webhook_items');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatchObject({
      provider: 'meta',
      connection_id: h.connections.meta.id,
      provider_message_id: 'wamid.BROKEN',
    });
    expect(String(unreadable[0]!.raw)).toContain('yesterday');
    expect(String(unreadable[0]!.reason)).toContain('timestamp');
    const rows = await contacts();
    expect(rows.map((c) => [c.phone, c.user_id, c.username]).sort()).toEqual([
      [PHONE, null, null],
      [BSUID, BSUID, 'sheena.shop'],
    ]);

    // An admin of the installation can read it (reason and raw payload) for support.
    const listed = await h.api('GET', '/api/unreadable-items');
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { items: { reason: string; raw: string }[] }).items).toEqual([
      expect.objectContaining({
        providerMessageId: 'wamid.BROKEN',
        raw: expect.stringContaining('yesterday'),
      }),
    ]);

    // Meta redelivers the batch: nothing is stored twice, the unreadable item included.
    const again = await h.postMeta(
      metaMessagesWebhook({}, [
        {
          from: '393331234568',
          id: 'wamid.BROKEN',
          timestamp: 'yesterday',
          type: 'text',
          text: { body: 'x' },
        },
      ]),
    );
    expect(again.status).toBe(200);
    expect(await h.count('unreadable_webhook_items')).toBe(1);
  });

  it('a signed body that is not a WhatsApp webhook envelope is still refused with 400', async () => {
    const res = await h.postMeta({ object: 'whatsapp_business_account' });
    expect(res.status).toBe(400);
  });

  it('a username-only customer is stored once, readable by BSUID, and their second message finds them', async () => {
    const at = h.t.clock.now();
    const base = { userId: BSUID, parentUserId: PARENT, username: 'sheena.shop' };
    expect(
      (await h.postMeta(metaMessagesWebhook({}, [metaInbound.text({ ...base, timestampMs: at }, 'one')])))
        .status,
    ).toBe(200);
    h.t.clock.advance(60_000);
    expect(
      (
        await h.postMeta(
          metaMessagesWebhook({}, [metaInbound.text({ ...base, timestampMs: at + 60_000 }, 'two')]),
        )
      ).status,
    ).toBe(200);
    expect(await contacts()).toHaveLength(1);
    const res = await h.api('GET', `/api/contacts/${BSUID}/messages?connectionId=${h.connections.meta.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: { text: string }[]; contact: Record<string, unknown> };
    expect(body.messages.map((m) => m.text)).toEqual(['one', 'two']);
    expect(body.contact).toMatchObject({ phone: null, userId: BSUID, username: 'sheena.shop' });
    const window = await h.api('GET', `/api/contacts/${BSUID}/window?connectionId=${h.connections.meta.id}`);
    expect(window.status).toBe(200);
    expect(await window.json()).toMatchObject({
      freeFormAllowed: true,
      username: 'sheena.shop',
      phoneRequiredFor: ['AUTHENTICATION'],
    });
  });

  it('a customer known by phone, then seen with phone + BSUID, then BSUID alone: one customer, one thread', async () => {
    const at = h.t.clock.now();
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ from: PHONE, timestampMs: at }, 'by phone')]),
    );
    await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.text({ from: PHONE, userId: BSUID, timestampMs: at + 1000 }, 'both'),
      ]),
    );
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ userId: BSUID, timestampMs: at + 2000 }, 'bsuid')]),
    );
    const rows = await contacts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ phone: PHONE, user_id: BSUID });
    expect(await h.count('messages')).toBe(3);
  });

  it('two records that turn out to be one person are merged: thread, window and CRM link kept', async () => {
    const at = h.t.clock.now();
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ from: PHONE, timestampMs: at - 2 * HOUR }, 'by phone')]),
    );
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ userId: BSUID, timestampMs: at }, 'by bsuid')]),
    );
    await h.t.db.prepare("UPDATE contacts SET crm_contact_id = 'hl-1' WHERE phone = ?").bind(PHONE).run();
    expect(await contacts()).toHaveLength(2);
    await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.text({ from: PHONE, userId: BSUID, timestampMs: at - HOUR }, 'linked'),
      ]),
    );
    const rows = await contacts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      phone: PHONE,
      user_id: BSUID,
      last_inbound_at: Math.floor(at / 1000) * 1000,
    });
    const row = await h.t.db
      .prepare('SELECT crm_contact_id FROM contacts')
      .first<{ crm_contact_id: string }>();
    expect(row?.crm_contact_id).toBe('hl-1');
    const thread = await h.t.db
      .prepare('SELECT COUNT(*) AS n FROM messages WHERE contact_id = ?')
      .bind(rows[0]!.id)
      .first<{ n: number }>();
    expect(thread?.n).toBe(3);
  });

  it('user_changed_number and user_changed_user_id re-key the customer; thread, window and CRM link stay', async () => {
    const at = h.t.clock.now();
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ from: PHONE, userId: BSUID, timestampMs: at }, 'hello')]),
    );
    await h.t.db.prepare("UPDATE contacts SET crm_contact_id = 'hl-7'").run();
    const [before] = await contacts();
    await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.changedNumber(
          { from: PHONE, userId: BSUID, timestampMs: at + 1000 },
          {
            phone: '+393339999999',
            userId: 'IT.55501',
          },
        ),
      ]),
    );
    let rows = await contacts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: before!.id, phone: '+393339999999', user_id: 'IT.55501' });
    expect(rows[0]!.last_inbound_at).toBe(before!.last_inbound_at);

    await h.postMeta(
      metaMessagesWebhook({}, [
        metaInbound.changedUserId({ userId: 'IT.55501', timestampMs: at + 2000 }, 'IT.55502'),
      ]),
    );
    rows = await contacts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: before!.id, phone: '+393339999999', user_id: 'IT.55502' });
    const link = await h.t.db
      .prepare('SELECT crm_contact_id FROM contacts')
      .first<{ crm_contact_id: string }>();
    expect(link?.crm_contact_id).toBe('hl-7');
    // A later message by the new BSUID alone lands in the same thread; the window is still open.
    await h.postMeta(
      metaMessagesWebhook({}, [metaInbound.text({ userId: 'IT.55502', timestampMs: at + 3000 }, 'still me')]),
    );
    expect(await contacts()).toHaveLength(1);
    const res = await h.api('GET', `/api/contacts/IT.55502/messages?connectionId=${h.connections.meta.id}`);
    const body = (await res.json()) as { messages: { text: string }[] };
    expect(body.messages.map((m) => m.text)).toEqual([
      'hello',
      expect.stringContaining('changed'),
      expect.stringContaining('changed'),
      'still me',
    ]);
  });
});

describe('Twilio webhooks carry the BSUID of every customer (ExternalUserId, vendors/whatsapp-2026.md §2)', () => {
  it('a phone customer is stored with their BSUID; their later username-only message finds the same customer', async () => {
    const to = h.connections.twilio.senderPhone;
    const phone = '+393337654321';
    const bsuid = simBsuidOf(phone);
    expect((await h.postTwilio(buildTwilioInbound({ to, from: phone, body: 'by phone' }))).status).toBe(200);
    const row = (await contacts()).find((c) => c.phone === phone);
    expect(row).toMatchObject({ phone, user_id: bsuid });
    // Later the customer adopts a username: Twilio withholds the phone and addresses them as whatsapp:CC.…
    expect((await h.postTwilio(buildTwilioInbound({ to, from: bsuid, body: 'by username' }))).status).toBe(
      200,
    );
    const mine = (await contacts()).filter((c) => c.phone === phone || c.user_id === bsuid);
    expect(mine).toHaveLength(1);
    const { results } = await h.t.db
      .prepare('SELECT content FROM messages WHERE contact_id = ? ORDER BY occurred_at, id')
      .bind(mine[0]!.id)
      .all<{ content: string }>();
    // Twilio's webhooks carry no time of their own: both are stamped with the (unmoved) test clock.
    expect(results.map((r) => (JSON.parse(r.content) as { text: string }).text).sort()).toEqual([
      'by phone',
      'by username',
    ]);
    // The simulator's status callbacks carry it too.
    const status = buildTwilioStatusFor(
      { sid: 'SMx', to: `whatsapp:${phone}`, from: `whatsapp:${to}` } as never,
      'delivered',
    );
    expect(status.ExternalUserId).toBe(bsuid);
  });
});

describe('CM.com MO with a BSUID (preview contract, developers.cm.com/messaging/docs/whatsapp-business-scoped-user-ids)', () => {
  it('a username customer without number is stored by BSUID; a reply is refused with phone_required', async () => {
    const bsuid = 'NL.5550001112223334';
    const inbound = buildCmInbound({
      from: '',
      userId: bsuid,
      username: 'mari.shop',
      name: 'Mari',
      to: h.connections.cm.senderPhone,
      content: { type: 'text', text: 'hallo' },
    });
    expect((await h.postCm(inbound)).status).toBe(200);
    expect((await h.postCm(inbound)).status).toBe(200); // CM.com retries: stored once
    const mine = (await contacts()).filter((c) => c.user_id === bsuid);
    expect(mine).toEqual([expect.objectContaining({ phone: bsuid, username: 'mari.shop' })]);
    const { results } = await h.t.db
      .prepare('SELECT id FROM messages WHERE contact_id = ?')
      .bind(mine[0]!.id)
      .all();
    expect(results).toHaveLength(1);
    expect(await h.count('unreadable_webhook_items')).toBe(0);
    const res = await h.api('POST', '/api/messages', {
      connectionId: h.connections.cm.id,
      to: bsuid,
      content: { type: 'text', text: 'Hello' },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('phone_required');
    expect(h.sims.cm.state.sent).toHaveLength(0);
  });
});
