import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHighLevelSimulator } from '../../../test/mocks/highlevel';
import { assertHighLevelSpecClean } from '../../../test/mocks/highlevel/spec-check';
import { attachSpecValidation } from '../../../test/spec/msw-validation';
import { TEMPLATE_REQUIRED_REASON } from '../../../src/core/errors';
import type { CrmMessageRecord } from '../types';
import { VendorHttpError } from '../../shared/vendor-http-error';
import { createHighLevelAdapter } from './highlevel-adapter';
import { createHighLevelClient } from './highlevel-client';

const API = 'https://services.leadconnectorhq.com';
const PROVIDER_ID = 'prov-wabridge-1';
const sim = createHighLevelSimulator({
  clientId: 'c',
  clientSecret: 's',
  conversationProviderId: PROVIDER_ID,
});
const server = setupServer(...sim.handlers);
const spec = attachSpecValidation(server, { vendorBases: [{ baseUrl: API, spec: 'highlevel' }] });
const LOC = sim.state.config.locationId;
const seen: { path: string; body: unknown }[] = [];
server.events.on('request:start', async ({ request }) => {
  const text = await request.clone().text();
  seen.push({
    path: `${request.method} ${new URL(request.url).pathname}`,
    body: text ? JSON.parse(text) : undefined,
  });
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  seen.length = 0;
});
afterEach(async () => {
  server.resetHandlers();
  sim.faults.clear();
  await assertHighLevelSpecClean(spec);
});
afterAll(() => server.close());

function adapter() {
  const token = sim.seedTokens().accessToken;
  const client = createHighLevelClient({
    tokenSource: { get: async () => token, refresh: async () => token },
    sleep: async () => {},
  });
  return createHighLevelAdapter({ client, locationId: LOC, conversationProviderId: PROVIDER_ID });
}

let n = 0;
function record(over: Partial<CrmMessageRecord> = {}): CrmMessageRecord {
  n++;
  return {
    messageId: `msg-${n}`,
    direction: 'inbound',
    customerPhone: `+3725550${String(n).padStart(4, '0')}`,
    customerName: 'Mari Maasikas',
    text: 'Tere! Is the order ready?',
    attachments: [],
    providerMessageId: `wamid.${n}`,
    occurredAt: Date.UTC(2026, 0, 2, 10, 0, 0),
    status: 'delivered',
    origin: 'customer',
    ...over,
  };
}

describe('recordMessage: inbound customer messages', () => {
  it('upserts the contact, creates the conversation and adds an SMS inbound message of our provider', async () => {
    const r = record({ attachments: ['https://cdn.example/photo.jpg'] });
    const res = await adapter().recordMessage(r);
    const contact = sim.state.contactByPhone(LOC, r.customerPhone!)!;
    const msg = sim.state.messages.get(res.crmMessageId!)!;
    expect(res).toEqual({
      crmMessageId: msg.id,
      crmContactId: contact.id,
      crmConversationId: msg.conversationId,
    });
    expect(contact.name).toBe('Mari Maasikas');
    expect(msg).toMatchObject({
      direction: 'inbound',
      type: 'SMS',
      message: 'Tere! Is the order ready?',
      attachments: ['https://cdn.example/photo.jpg'],
      altId: r.providerMessageId,
      conversationProviderId: PROVIDER_ID,
      date: '2026-01-02T10:00:00.000Z',
    });
    expect(seen.map((s) => s.path)).toEqual([
      'POST /contacts/upsert',
      'POST /contacts/upsert', // new contact: the name is written once
      'GET /conversations/search',
      'POST /conversations/',
      'POST /conversations/messages/inbound',
    ]);
    expect(seen[4]!.body).toEqual({
      type: 'SMS',
      conversationProviderId: PROVIDER_ID,
      contactId: contact.id,
      conversationId: msg.conversationId,
      message: 'Tere! Is the order ready?',
      attachments: ['https://cdn.example/photo.jpg'],
      altId: r.providerMessageId,
      direction: 'inbound',
      date: '2026-01-02T10:00:00.000Z',
    });
  });

  it('reuses the contact and conversation, and never overwrites a name edited in HighLevel', async () => {
    const a = adapter();
    const first = await a.recordMessage(record({ customerPhone: '+37255500999' }));
    sim.state.contactByPhone(LOC, '+37255500999')!.name = 'Mari (VIP)';
    seen.length = 0;
    const second = await a.recordMessage(record({ customerPhone: '+37255500999', customerName: 'mari' }));
    expect(second.crmConversationId).toBe(first.crmConversationId);
    expect(second.crmContactId).toBe(first.crmContactId);
    expect(sim.state.contactByPhone(LOC, '+37255500999')!.name).toBe('Mari (VIP)');
    expect(seen.map((s) => s.path)).toEqual([
      'POST /contacts/upsert',
      'GET /conversations/search',
      'POST /conversations/messages/inbound',
    ]);
    expect(sim.state.messagesOf(first.crmConversationId!)).toHaveLength(2);
  });

  it('with known crm ids goes straight to the message; stale ids are resolved afresh once', async () => {
    const a = adapter();
    const first = await a.recordMessage(record({ customerPhone: '+37255500777' }));
    seen.length = 0;
    await a.recordMessage(
      record({
        customerPhone: '+37255500777',
        crmContactId: first.crmContactId,
        crmConversationId: first.crmConversationId,
      }),
    );
    expect(seen.map((s) => s.path)).toEqual(['POST /conversations/messages/inbound']);

    sim.state.conversations.delete(first.crmConversationId!);
    seen.length = 0;
    const r = record({
      customerPhone: '+37255500777',
      crmContactId: first.crmContactId,
      crmConversationId: first.crmConversationId,
    });
    const res = await a.recordMessage(r);
    expect(res.crmConversationId).not.toBe(first.crmConversationId);
    expect(sim.state.countByAltId(r.providerMessageId!)).toBe(1);
    expect(seen.map((s) => s.path)).toEqual([
      'POST /conversations/messages/inbound',
      'POST /contacts/upsert',
      'GET /conversations/search',
      'POST /conversations/',
      'POST /conversations/messages/inbound',
    ]);
  });

  it('is idempotent once recorded: a retry with crmMessageId adds nothing', async () => {
    const a = adapter();
    const r = record();
    const res = await a.recordMessage(r);
    seen.length = 0;
    await expect(a.recordMessage({ ...r, ...res })).resolves.toEqual(res);
    expect(seen).toEqual([]);
    expect(sim.state.countByAltId(r.providerMessageId!)).toBe(1);
  });

  it('a conversation created concurrently between search and create is picked up', async () => {
    const a = adapter();
    const r = record();
    // Another delivery creates the conversation right after our search.
    server.use(
      http.get(`${API}/conversations/search`, async () => {
        const c = sim.state.contactByPhone(LOC, r.customerPhone!)!;
        const found = sim.state.conversationOf(LOC, c.id);
        if (!found) sim.state.createConversation(LOC, c.id);
        return HttpResponse.json(
          { conversations: found ? [{ id: found.id, contactId: c.id }] : [], total: found ? 1 : 0 },
          { headers: { 'x-mock-fault': 'raced search' } },
        );
      }),
    );
    const res = await a.recordMessage(r);
    const c = sim.state.contactByPhone(LOC, r.customerPhone!)!;
    expect(res.crmConversationId).toBe(sim.state.conversationOf(LOC, c.id)!.id);
    expect([...sim.state.conversations.values()].filter((x) => x.contactId === c.id)).toHaveLength(1);
  });

  it('an empty 201 (HighLevel dropping a message, highlevel-api-docs#70) is a clear malformed_response', async () => {
    const token = sim.seedTokens().accessToken;
    const client = createHighLevelClient({
      tokenSource: { get: async () => token, refresh: async () => token },
    });
    const wrongProvider = createHighLevelAdapter({
      client,
      locationId: LOC,
      conversationProviderId: 'not-ours',
    });
    const err = await wrongProvider.recordMessage(record()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as VendorHttpError).details).toMatchObject({
      reason: 'malformed_response',
      retryable: false,
      operation: 'POST /conversations/messages/inbound',
    });
  });

  it('a 5xx on the message add is retryable and the retry records it exactly once', async () => {
    const a = adapter();
    const r = record();
    sim.faults.add({ status: 500, match: (req) => req.url.endsWith('/conversations/messages/inbound') });
    const err = await a.recordMessage(r).catch((e: unknown) => e);
    expect((err as VendorHttpError).retryable).toBe(true);
    expect(sim.state.countByAltId(r.providerMessageId!)).toBe(0);
    await a.recordMessage(r);
    expect(sim.state.countByAltId(r.providerMessageId!)).toBe(1);
  });
});

describe('recordMessage: outbound messages', () => {
  it('a message sent from our sidebar or a campaign is added on the outbound side of the thread', async () => {
    const r = record({
      direction: 'outbound',
      origin: 'app',
      text: 'Your order is ready',
      status: 'pending',
    });
    const res = await adapter().recordMessage(r);
    expect(sim.state.messages.get(res.crmMessageId!)).toMatchObject({
      direction: 'outbound',
      type: 'SMS',
      altId: r.providerMessageId,
    });
    expect(seen.at(-1)!.body).toMatchObject({ direction: 'outbound' });
  });

  it('a HighLevel-originated message is already there: no call', async () => {
    const delivery = sim.buildOutboundDelivery({ phone: '+37255501234', message: 'Hello from HighLevel' });
    const r = record({
      direction: 'outbound',
      origin: 'crm',
      crmMessageId: delivery.payload.messageId,
      crmContactId: delivery.payload.contactId,
    });
    await expect(adapter().recordMessage(r)).resolves.toMatchObject({
      crmMessageId: delivery.payload.messageId,
    });
    expect(seen).toEqual([]);
  });
});

describe('recordStatus', () => {
  it('moves a HighLevel-originated message through delivered and read', async () => {
    const a = adapter();
    const d = sim.buildOutboundDelivery({ phone: '+37255501235', message: 'Hi' });
    const base = record({ direction: 'outbound', origin: 'crm', crmMessageId: d.payload.messageId });
    await a.recordStatus({ ...base, status: 'sent' }); // HighLevel has no "sent": nothing to say
    await a.recordStatus({ ...base, status: 'delivered' });
    await a.recordStatus({ ...base, status: 'read' });
    expect(
      sim.state.statusUpdates.filter((u) => u.messageId === d.payload.messageId).map((u) => u.status),
    ).toEqual(['delivered', 'read']);
    expect(seen.map((s) => s.path)).toEqual([
      `PUT /conversations/messages/${d.payload.messageId}/status`,
      `PUT /conversations/messages/${d.payload.messageId}/status`,
    ]);
  });

  it('reports a failure with the ErrorDto and our human reason', async () => {
    const d = sim.buildOutboundDelivery({ phone: '+37255501236', message: 'Late reply' });
    await adapter().recordStatus(
      record({
        direction: 'outbound',
        origin: 'crm',
        crmMessageId: d.payload.messageId,
        status: 'failed',
        error: { kind: 'template_required', vendorCode: '131047', reason: TEMPLATE_REQUIRED_REASON },
      }),
    );
    expect(sim.state.statusUpdates.at(-1)).toMatchObject({
      messageId: d.payload.messageId,
      status: 'failed',
      error: { code: '131047', type: 'saas', message: TEMPLATE_REQUIRED_REASON },
    });
    expect(sim.state.messages.get(d.payload.messageId)!.status).toBe('failed');
  });

  it('ignores messages that did not come from HighLevel', async () => {
    await adapter().recordStatus(
      record({ direction: 'outbound', origin: 'app', crmMessageId: 'x', status: 'read' }),
    );
    await adapter().recordStatus(record({ direction: 'outbound', origin: 'crm', status: 'read' }));
    expect(seen).toEqual([]);
  });

  it('a 403 (message not yet downstreamed, highlevel-api-docs#4) is retryable', async () => {
    const d = sim.buildOutboundDelivery({ phone: '+37255501237', message: 'Quick' });
    sim.faults.add({
      status: 403,
      body: { statusCode: 403, message: 'No conversation provider found for this message' },
      headers: { 'x-mock-fault': '403' },
    });
    const err = await adapter()
      .recordStatus(
        record({
          direction: 'outbound',
          origin: 'crm',
          crmMessageId: d.payload.messageId,
          status: 'delivered',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as VendorHttpError).details).toMatchObject({ status: 403, retryable: true });
  });
});
