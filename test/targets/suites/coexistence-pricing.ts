// Issue 12 items 5 and 6 over a target (the app in Node, or the Worker in workerd through local mode): a signed
// smb_message_echoes is stored as the business's outbound message, marked, without a send and without moving the
// window (in workerd the queue consumer also writes it to the HighLevel thread); a status carrying Meta's PMP
// pricing replaces the message's category and charge (workerd: the reply is really sent by the consumer first).
import { describe, expect, it } from 'vitest';
import {
  metaEcho,
  metaEchoesWebhook,
  metaInbound,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
} from '../../mocks/meta';
import { eventually } from '../../helpers/eventually';
import { adminApi, postMetaWebhookTo, type TargetRef } from '../use-target';

interface Message {
  direction: string;
  text: string;
  origin: string;
  coexistence: string | null;
  sendState: string | null;
  category: string | null;
  billable: boolean | null;
  providerMessageId: string | null;
}

export function coexistencePricingSuite(ref: TargetRef): void {
  describe(`coexistence echoes and PMP pricing (${ref.kind})`, () => {
    const post = (payload: unknown) => postMetaWebhookTo(ref.current, payload);
    const api = <T>(path: string, init: RequestInit = {}) => adminApi<T>(ref.current, path, init);
    const messagesOf = async (phone: string, connectionId: string) =>
      (
        await api<{ messages: Message[] }>(
          `/api/contacts/${encodeURIComponent(phone)}/messages?connectionId=${connectionId}`,
        )
      ).body.messages;

    it('an echo is stored as the business’s message, marked, never sent, window untouched', async () => {
      const target = ref.current;
      const meta = target.seed.highlevel.connections.meta.id;
      const phone = '+447911000888';
      const cfg = target.sims.meta.config;
      const sentBefore = target.sims.meta.state.sent.length;
      const window = async () =>
        (
          await api<{ state: string }>(
            `/api/contacts/${encodeURIComponent(phone)}/window?connectionId=${meta}`,
          )
        ).body.state;
      const echo = metaEcho(cfg).text({ to: phone, timestampMs: target.now() }, 'Typed on my phone');
      const res = await post(metaEchoesWebhook(cfg, [echo]));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, stored: 1 });
      expect(await messagesOf(phone, meta)).toEqual([
        expect.objectContaining({
          direction: 'outbound',
          text: 'Typed on my phone',
          coexistence: 'echo',
          sendState: null,
        }),
      ]);
      expect(await window()).toBe('none');
      expect(target.sims.meta.state.sent.length).toBe(sentBefore);
      if (target.kind === 'workerd') {
        const hl = target.sims.highlevel.state;
        await eventually(async () => {
          const contact = hl.contactByPhone(hl.config.locationId, phone);
          const conversation = contact && hl.conversationOf(hl.config.locationId, contact.id);
          const bodies = conversation ? hl.messagesOf(conversation.id).map((m) => m.message) : [];
          return bodies.includes('📱 Sent from the WhatsApp Business app\nTyped on my phone')
            ? true
            : undefined;
        });
        expect(target.sims.meta.state.sent.length).toBe(sentBefore);
      }
    });

    // The reply must really leave (the queue consumer) before Meta can price it: workerd only; in Node the same
    // flow is free-entry-point.test.ts.
    it.skipIf(ref.kind === 'node')(
      'a sent status priced utility/regular makes the reply UTILITY and charged',
      async () => {
        const target = ref.current;
        const meta = target.seed.highlevel.connections.meta.id;
        const phone = '+447911000889';
        const cfg = target.sims.meta.config;
        expect(
          (
            await post(
              metaMessagesWebhook(cfg, [metaInbound.text({ from: phone, timestampMs: target.now() }, 'Hi')]),
            )
          ).status,
        ).toBe(200);
        const sent = await api('/api/messages', {
          method: 'POST',
          body: JSON.stringify({ connectionId: meta, to: phone, content: { type: 'text', text: 'Hello!' } }),
        });
        expect(sent.status).toBe(202);
        const reply = await eventually(async () =>
          (await messagesOf(phone, meta)).find((m) => m.direction === 'outbound' && m.providerMessageId),
        );
        expect(reply).toMatchObject({ category: 'SERVICE', billable: false });
        const status = metaStatusesWebhook(cfg, [
          metaStatus({
            id: reply.providerMessageId!,
            status: 'sent',
            recipient: phone,
            pricing: { pricing_model: 'PMP', category: 'utility', type: 'regular' },
          }),
        ]);
        expect((await post(status)).status).toBe(200);
        const priced = (await messagesOf(phone, meta)).find(
          (m) => m.providerMessageId === reply.providerMessageId,
        );
        expect(priced).toMatchObject({ category: 'UTILITY', billable: true });
      },
    );
  });
}
