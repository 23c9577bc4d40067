// Acceptance (issue 4): the whole HighLevel flow on each WhatsApp provider — install via OAuth → connection →
// inbound message in HighLevel → agent reply via the Delivery URL as free-form → 25 h later the same reply fails back
// with the window-closed reason → a reply matching an approved template goes out as that template → statuses flow
// back in order even when the provider sends them out of order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_REQUIRED_REASON } from '../../src/core/errors';
import type { ProviderName } from '../../src/core/template';
import { HOUR } from '../helpers/platform';
import {
  adminToken,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  lastSent,
  PROVIDER_ID,
  providerReports,
  sentCount,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const CUSTOMER = '+3725550101';

describe.each<ProviderName>(['meta', 'twilio', 'cm'])('HighLevel ⇄ WhatsApp on %s', (provider) => {
  let w: World;
  let number: ConnectedNumber;
  beforeAll(async () => {
    w = await createWorld();
  });
  afterAll(async () => w.t.dispose());

  const hl = () => w.sims.highlevel.state;
  const LOCATION = () => hl().config.locationId;
  const statusesOf = (messageId: string) =>
    hl()
      .statusUpdates.filter((u) => u.messageId === messageId)
      .map((u) => u.status);

  /** An agent in HighLevel replies through our provider; returns HighLevel's message id. */
  async function agentReplies(text: string): Promise<string> {
    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: CUSTOMER, message: text });
    const res = await w.post('/crm/highlevel/outbound', delivery);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, status: 'queued' });
    return delivery.payload.messageId;
  }

  it('installs via OAuth and lands on the admin page', async () => {
    const res = await installHighLevel(w);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/admin?crm=highlevel');
    const installation = await installationOf(w);
    expect(installation).toMatchObject({ accountType: 'location', status: 'active', hasTokens: true });
    expect(installation!.settings.conversationProviderId).toBe(PROVIDER_ID);
    expect(hl().tokenRequests).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', userType: 'Location', ok: true }),
    ]);
    number = await connectProvider(w, await adminToken(w, installation!.id), provider);
  });

  it('shows an inbound WhatsApp message in HighLevel with the right contact and conversation', async () => {
    expect((await customerWrites(w, number, CUSTOMER, 'Tere! Where is my order?')).status).toBe(200);
    await w.settle();
    const contact = hl().contactByPhone(LOCATION(), CUSTOMER)!;
    expect(contact).toMatchObject({ phone: CUSTOMER, name: 'Mari Tamm' });
    const conversation = hl().conversationOf(LOCATION(), contact.id)!;
    const [message] = hl().messagesOf(conversation.id);
    expect(message).toMatchObject({
      direction: 'inbound',
      type: 'SMS',
      message: 'Tere! Where is my order?',
      conversationProviderId: PROVIDER_ID,
      contactId: contact.id,
    });
    const stored = await w.t.db
      .prepare(
        "SELECT provider_message_id, crm_message_id, crm_sync FROM messages WHERE direction = 'inbound'",
      )
      .first<{ provider_message_id: string; crm_message_id: string; crm_sync: string }>();
    expect(message!.altId).toBe(stored!.provider_message_id);
    expect(stored).toMatchObject({ crm_message_id: message!.id, crm_sync: 'done' });
  });

  it('sends an agent reply inside the window as free-form, and reports its statuses', async () => {
    const before = sentCount(w, provider);
    const messageId = await agentReplies('Your parcel left the warehouse today.');
    // Acknowledged without calling the provider: the send waits for the queue.
    expect(sentCount(w, provider)).toBe(before);
    await w.settle();
    const sent = lastSent(w, provider)!;
    expect(sentCount(w, provider)).toBe(before + 1);
    expect(sent).toMatchObject({ kind: 'text', text: 'Your parcel left the warehouse today.' });
    for (const status of ['sent', 'delivered', 'read'] as const) {
      expect((await providerReports(w, number, sent.providerMessageId, status)).status).toBe(200);
      await w.settle();
    }
    // `pending` is the provider's acceptance: HighLevel has no "sent", so it only moves to delivered and read.
    expect(statusesOf(messageId)).toEqual(['pending', 'delivered', 'read']);
    expect(hl().messages.get(messageId)!.status).toBe('read');
  });

  it('25 h later fails the same reply back to HighLevel with the window-closed reason, sending nothing', async () => {
    w.t.clock.advance(25 * HOUR);
    const before = sentCount(w, provider);
    const messageId = await agentReplies('Your parcel left the warehouse today.');
    await w.settle();
    expect(sentCount(w, provider)).toBe(before);
    const updates = hl().statusUpdates.filter((u) => u.messageId === messageId);
    expect(updates).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: { code: 'template_required', type: 'saas', message: TEMPLATE_REQUIRED_REASON },
      }),
    ]);
    expect(TEMPLATE_REQUIRED_REASON).toMatch(
      /24-hour.*closed.*approved WhatsApp template.*WhatsApp sidebar/s,
    );
  });

  it('sends a reply that matches an approved template as that template, statuses in order despite the provider', async () => {
    const messageId = await agentReplies('Hi Mari, your order A-1001 has shipped.');
    await w.settle();
    const sent = lastSent(w, provider)!;
    expect(sent).toMatchObject({ kind: 'template', params: ['Mari', 'A-1001'] });
    expect(sent.templateName).toBe('order_shipped');
    // The provider reports read before delivered: HighLevel never sees a downgrade.
    for (const status of ['read', 'delivered', 'sent'] as const) {
      expect((await providerReports(w, number, sent.providerMessageId, status)).status).toBe(200);
      await w.settle();
    }
    expect(statusesOf(messageId)).toEqual(['pending', 'read']);
    expect(hl().messages.get(messageId)!.status).toBe('read');
  });

  it('reports only messages that came from HighLevel and refreshed the expired token once', async () => {
    // Inbound messages got no status PUT; the 25 h jump expired the day-long token: one rotation, no loss.
    const inbound = [...hl().messages.values()].filter((m) => m.origin === 'api').map((m) => m.id);
    expect(hl().statusUpdates.filter((u) => inbound.includes(u.messageId))).toEqual([]);
    expect(hl().tokenRequests.filter((r) => r.grantType === 'refresh_token')).toEqual([
      expect.objectContaining({ ok: true, userType: 'Location' }),
    ]);
    const dead = await w.t.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').first<{ n: number }>();
    expect(dead!.n).toBe(0);
  });
});
