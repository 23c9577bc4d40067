// Issue 12 flows over a target (the app in Node, or the Worker in workerd through local mode): a frequency-capped
// status (131049) makes our reply `capped`, not a plain failure; a click-to-WhatsApp ad customer answered by us runs
// the free entry point (GET …/window); a `history` chunk is imported in time order (the history_import job). Every
// webhook is signed with the demo Meta app secret; its forged twin is refused 401 and changes nothing. The Node
// target runs no queue jobs: there the reply is never sent and the import never runs, so the cases assert what
// happens before the job (workerd runs the queue consumer and asserts the whole flow).
import { describe, expect, it } from 'vitest';
import {
  META_CAP_ERROR,
  metaHistoryWebhook,
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
  status: string | null;
  coexistence: string | null;
  error: { kind: string; vendorCode: string | number | null } | null;
  providerMessageId: string | null;
  occurredAt: number;
}
interface WindowAnswer {
  state: string;
  freeEntryPoint: { active: boolean; closesAt: number | null; awaitingReply: boolean } | null;
}

const AD = { source_type: 'ad', source_id: '120226305854810726', source_url: 'https://fb.me/3cr4Wqqkv' };

export function whatsapp2026FlowsSuite(ref: TargetRef): void {
  describe(`issue 12 flows: caps, free entry point, history (${ref.kind})`, () => {
    const post = (payload: unknown, secret?: string) => postMetaWebhookTo(ref.current, payload, secret);
    /** Signed with another secret first (401, nothing changes), then with the app's. */
    async function postForgedThenSigned(payload: unknown, unchanged: () => Promise<unknown>) {
      const before = await unchanged();
      expect((await post(payload, 'not-the-meta-app-secret')).status).toBe(401);
      expect(await unchanged()).toEqual(before);
      expect((await post(payload)).status).toBe(200);
    }
    const api = <T>(path: string, init: RequestInit = {}) => adminApi<T>(ref.current, path, init);
    const meta = () => ref.current.seed.highlevel.connections.meta.id;
    const messagesOf = async (phone: string) =>
      (
        await api<{ messages: Message[] }>(
          `/api/contacts/${encodeURIComponent(phone)}/messages?connectionId=${meta()}`,
        )
      ).body.messages;
    const windowOf = async (phone: string) =>
      (await api<WindowAnswer>(`/api/contacts/${encodeURIComponent(phone)}/window?connectionId=${meta()}`))
        .body;
    async function customerWrites(phone: string, text: string, referral?: Record<string, string>) {
      const target = ref.current;
      const inbound = metaInbound.text(
        { from: phone, timestampMs: target.now(), ...(referral ? { referral } : {}) },
        text,
      );
      await postForgedThenSigned(metaMessagesWebhook(target.sims.meta.config, [inbound]), () =>
        messagesOf(phone),
      );
    }
    /** Our reply through the API; in workerd, once the queue consumer really sent it. */
    async function reply(phone: string, text: string): Promise<Message | undefined> {
      const sent = await api('/api/messages', {
        method: 'POST',
        body: JSON.stringify({ connectionId: meta(), to: phone, content: { type: 'text', text } }),
      });
      expect(sent.status).toBe(202);
      if (ref.kind === 'node') return undefined;
      return eventually(async () =>
        (await messagesOf(phone)).find((m) => m.direction === 'outbound' && m.providerMessageId),
      );
    }

    it('a 131049 status makes our reply capped (error kind capped, code 131049), not a plain failure', async () => {
      const target = ref.current;
      const phone = '+447911000901';
      await customerWrites(phone, 'Any offers?');
      const sent = await reply(phone, 'Here is our offer');
      if (!sent) return; // Node: no send job ran, so there is no provider message to report on
      const status = metaStatusesWebhook(target.sims.meta.config, [
        metaStatus({
          id: sent.providerMessageId!,
          status: 'failed',
          recipient: phone,
          timestampMs: target.now(),
          errors: [META_CAP_ERROR],
        }),
      ]);
      await postForgedThenSigned(status, () => messagesOf(phone));
      const capped = (await messagesOf(phone)).find((m) => m.providerMessageId === sent.providerMessageId);
      expect(capped).toMatchObject({ status: 'failed', error: { kind: 'capped' } });
      expect(String(capped!.error!.vendorCode)).toBe('131049');
    });

    it('an ad referral, then our reply → GET …/window shows freeEntryPoint.active', async () => {
      const phone = '+447911000902';
      await customerWrites(phone, 'Hi, I saw your ad', AD);
      expect((await windowOf(phone)).freeEntryPoint).toMatchObject({ active: false, awaitingReply: true });
      const sent = await reply(phone, 'Thanks for reaching out!');
      if (!sent) return; // Node: the reply is queued, not sent; free-entry-point.test.ts runs the job in Node
      expect((await windowOf(phone)).freeEntryPoint).toMatchObject({ active: true, awaitingReply: false });
    });

    it('a history chunk is imported by its job, messages stored in time order and marked history', async () => {
      const target = ref.current;
      const phone = '+447911000903';
      // Whole seconds: Meta's timestamps are epoch seconds.
      const t0 = Math.floor(target.now() / 1000) * 1000 - 3 * 24 * 3_600_000;
      // Listed newest first: the import must order them.
      const webhook = metaHistoryWebhook(
        target.sims.meta.config,
        { phase: 0, chunkOrder: 1, progress: 100 },
        [
          {
            customer: phone,
            messages: [
              { by: 'customer', text: 'Thanks, received', timestampMs: t0 + 3_000 },
              { by: 'business', text: 'Your order shipped', timestampMs: t0 + 2_000 },
              { by: 'customer', text: 'Where is my order?', timestampMs: t0 + 1_000 },
            ],
          },
        ],
      );
      await postForgedThenSigned(webhook, () => messagesOf(phone));
      if (ref.kind === 'node') return; // the history_import job does not run in the Node target
      const imported = await eventually(async () => {
        const messages = await messagesOf(phone);
        return messages.length === 3 ? messages : undefined;
      });
      expect(imported.map((m) => [m.direction, m.text, m.occurredAt, m.coexistence])).toEqual([
        ['inbound', 'Where is my order?', t0 + 1_000, 'history'],
        ['outbound', 'Your order shipped', t0 + 2_000, 'history'],
        ['inbound', 'Thanks, received', t0 + 3_000, 'history'],
      ]);
    });
  });
}
