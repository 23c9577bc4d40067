// Issue 3 acceptance: "outside the window" from the provider (Meta 131047, Twilio 63016) surfaces as
// template_required everywhere — message row, CRM status reason, API — with the vendor's code and text kept,
// whether the provider says so synchronously (send response) or later (failed status webhook).
import { describe, expect, it } from 'vitest';
import { TEMPLATE_REQUIRED_REASON } from '../../src/core/errors';
import { queueOutbound } from '../../src/services/relay/relay-outbound';
import { useAppHarness } from '../contract/app-harness';
import { providerWire } from '../contract/webhook-wire';

// The simulators enforce the window on their side: they know nothing of the customer until told.
const h = useAppHarness({ enforceWindow: true });
const CUSTOMER = '+447911123456';

const VENDOR = {
  meta: {
    code: '131047',
    text: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    openProviderWindow: () => h.sims.meta.state.customerWrote(CUSTOMER),
  },
  twilio: {
    code: '63016',
    text: 'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
    openProviderWindow: () => h.sims.twilio.state.openSession(CUSTOMER),
  },
} as const;

interface ErrorRow {
  id: string;
  status: string;
  send_state: string | null;
  error: string | null;
  provider_message_id: string | null;
}

/** A message HighLevel handed to our Delivery URL (origin crm), queued for sending. */
async function crmMessage(provider: 'meta' | 'twilio', text: string) {
  const delivery = h.sims.highlevel.buildOutboundDelivery({ phone: CUSTOMER, message: text });
  const message = await queueOutbound(h.ctx, {
    connection: h.connections[provider],
    to: CUSTOMER,
    content: { type: 'text', text },
    origin: 'crm',
    crmMessageId: delivery.payload.messageId,
  });
  return { message, hlMessageId: delivery.payload.messageId };
}

async function row(id: string): Promise<ErrorRow & { errorInfo: Record<string, string> }> {
  const r = (await h.t.db.prepare('SELECT * FROM messages WHERE id = ?').bind(id).first<ErrorRow>())!;
  return { ...r, errorInfo: r.error ? (JSON.parse(r.error) as Record<string, string>) : {} };
}

describe.each(['meta', 'twilio'] as const)('%s: outside the window → template_required', (provider) => {
  const vendor = VENDOR[provider];

  it('from the synchronous send: message row and CRM status reason, vendor text kept', async () => {
    // Our window is open (the customer wrote to us) but the provider's is not: it refuses the free-form send.
    expect((await providerWire(h, provider).inbound(CUSTOMER, 'Hi', h.t.clock.now())).res.status).toBe(200);
    const { message, hlMessageId } = await crmMessage(provider, 'Thanks for writing!');
    await h.runJobs(['send_message', 'crm_record_status']);

    const stored = await row(message.id);
    expect(stored).toMatchObject({ status: 'failed', send_state: 'failed', provider_message_id: null });
    expect(stored.errorInfo).toMatchObject({
      kind: 'template_required',
      vendorCode: vendor.code,
      reason: TEMPLATE_REQUIRED_REASON,
    });
    expect(stored.errorInfo.vendorMessage).toContain(vendor.text);

    const updates = h.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === hlMessageId);
    expect(updates).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: { code: vendor.code, type: 'saas', message: TEMPLATE_REQUIRED_REASON },
      }),
    ]);
    // The sidebar shows the same kind and reason.
    const thread = (await (
      await h.api(
        'GET',
        `/api/contacts/${encodeURIComponent(CUSTOMER)}/messages?connectionId=${h.connections[provider].id}`,
      )
    ).json()) as {
      messages: { id: string; error: { kind: string; reason: string; vendorCode: string } | null }[];
    };
    expect(thread.messages.find((m) => m.id === message.id)?.error).toEqual({
      kind: 'template_required',
      reason: TEMPLATE_REQUIRED_REASON,
      vendorCode: vendor.code,
    });
    await h.assertSpecValid();
  });

  it('from an asynchronous failed status webhook: same kind, code and text', async () => {
    vendor.openProviderWindow();
    expect((await providerWire(h, provider).inbound(CUSTOMER, 'Hi', h.t.clock.now())).res.status).toBe(200);
    const { message, hlMessageId } = await crmMessage(provider, 'Here is your answer');
    await h.runJobs(['send_message']);
    const sent = await row(message.id);
    expect(sent.send_state).toBe('sent');

    h.t.clock.advance(2_000);
    const res = await providerWire(h, provider).status(
      sent.provider_message_id!,
      CUSTOMER,
      'failed',
      h.t.clock.now(),
      {
        code: vendor.code,
        message: vendor.text,
      },
    );
    expect(res.status).toBe(200);
    await h.runJobs(['crm_record_status']);

    const failed = await row(message.id);
    expect(failed.status).toBe('failed');
    expect(failed.errorInfo).toMatchObject({
      kind: 'template_required',
      vendorCode: vendor.code,
      reason: TEMPLATE_REQUIRED_REASON,
    });
    expect(`${failed.errorInfo.vendorMessage}`).toMatch(
      provider === 'meta' ? /Re-engagement message/ : /outside the allowed window/,
    );
    expect(
      h.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === hlMessageId).at(-1),
    ).toMatchObject({
      status: 'failed',
      error: { code: vendor.code, message: TEMPLATE_REQUIRED_REASON },
    });
    await h.assertSpecValid();
  });

  it('POST /api/messages with free text to a contact outside the window → 409 template_required, nothing queued', async () => {
    const res = await h.api('POST', '/api/messages', {
      connectionId: h.connections[provider].id,
      to: CUSTOMER,
      content: { type: 'text', text: 'Are you still interested?' },
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { window: { state: string } } };
    };
    expect(body.error).toMatchObject({ code: 'template_required', message: TEMPLATE_REQUIRED_REASON });
    expect(body.error.details.window.state).toBe('none');
    expect(await h.count('messages')).toBe(0);
    expect(h.t.queue.pending).toHaveLength(0);
  });
});
