// What each provider posts to our webhook routes, built with the simulators' own builders and signers, in one
// shape per provider so route-level tests run unchanged over Meta, Twilio and CM.com.
import type { AppHarness, ProviderKey } from './app-harness';
import { APP_BASE, SENDERS } from './app-harness';
import {
  META_SIM_DEFAULTS,
  metaEnvelope,
  metaInbound,
  metaMessagesWebhook,
  metaStatus,
  metaStatusError,
  metaStatusesWebhook,
} from '../mocks/meta';
import { buildTwilioInbound, buildTwilioStatus, newMessageSid } from '../mocks/twilio';
import { buildCmInbound, buildCmStatusReport } from '../mocks/cm';
import { CM_STATUS, postCmWebhook, type WireStatus } from '../helpers/provider-side';

export interface WireError {
  /** Vendor code as the vendor writes it (Meta 131047, Twilio 63016). */
  code: string;
  message: string;
}

export interface ProviderWire {
  provider: ProviderKey;
  /** Posts a signed inbound text from `from` (E.164) at `atMs`; returns the response and the provider message id. */
  inbound(from: string, text: string, atMs: number, id?: string): Promise<{ res: Response; id: string }>;
  /** Posts a signed status for a message we sent. */
  status(
    providerMessageId: string,
    to: string,
    status: WireStatus,
    atMs: number,
    error?: WireError,
  ): Promise<Response>;
  /** The same inbound with a forged proof of origin (wrong secret / token), and with none at all. */
  forged(from: string, text: string, kind: 'wrong' | 'missing'): Promise<Response>;
  /** Whether the vendor's status carries its own time (Twilio's callbacks do not: we stamp them on receipt). */
  statusHasVendorTime: boolean;
}

export function providerWire(h: AppHarness, provider: ProviderKey): ProviderWire {
  switch (provider) {
    case 'meta': {
      const inboundPayload = (from: string, text: string, atMs: number, id: string) =>
        metaMessagesWebhook({}, [metaInbound.text({ from, id, timestampMs: atMs }, text)]);
      // What Meta really delivered: the simulator accepts read receipts for these ids only.
      const delivered = (from: string, text: string, atMs: number, id: string) => {
        const payload = inboundPayload(from, text, atMs, id);
        h.sims.meta.state.recordInbound([{ id, from: from.replace(/\D/g, '') }]);
        return payload;
      };
      return {
        provider,
        statusHasVendorTime: true,
        async inbound(from, text, atMs, id = `wamid.IN${Math.random().toString(36).slice(2)}`) {
          return { res: await h.postMeta(delivered(from, text, atMs, id)), id };
        },
        status: (id, to, status, atMs, error) =>
          h.postMeta(
            metaStatusesWebhook({}, [
              metaStatus({
                id,
                status,
                recipient: to,
                timestampMs: atMs,
                ...(error
                  ? { errors: [metaStatusError(Number(error.code), 'Re-engagement message', error.message)] }
                  : {}),
              }),
            ]),
          ),
        forged: (from, text, kind) =>
          h.postMeta(inboundPayload(from, text, Date.now(), 'wamid.FORGED'), {
            signature: kind === 'missing' ? null : `sha256=${'0'.repeat(64)}`,
          }),
      };
    }
    case 'twilio': {
      const inboundParams = (from: string, text: string, sid: string) =>
        buildTwilioInbound({ to: SENDERS.twilio, from, body: text, messageSid: sid });
      return {
        provider,
        statusHasVendorTime: false,
        async inbound(from, text, _atMs, id = newMessageSid()) {
          return { res: await h.postTwilio(inboundParams(from, text, id)), id };
        },
        status: (sid, to, status, _atMs, error) =>
          h.postTwilio(
            buildTwilioStatus({
              messageSid: sid,
              status: status === 'failed' ? 'undelivered' : status,
              from: SENDERS.twilio,
              to,
              errorCode: error?.code,
              errorMessage: error?.message,
            }),
          ),
        forged: (from, text, kind) =>
          h.postTwilio(inboundParams(from, text, newMessageSid()), {
            signWith: kind === 'missing' ? null : 'not-the-auth-token-0123456789',
          }),
      };
    }
    case 'cm': {
      const inboundBody = (from: string, text: string, atMs: number, reference: string) =>
        buildCmInbound({ from, to: SENDERS.cm, content: { type: 'text', text }, reference, at: atMs });
      return {
        provider,
        statusHasVendorTime: true,
        async inbound(from, text, atMs, id = crypto.randomUUID()) {
          return { res: await h.postCm(inboundBody(from, text, atMs, id)), id };
        },
        status: (reference, to, status, atMs, error) =>
          h.postCm(
            buildCmStatusReport({
              reference,
              to,
              status: CM_STATUS[status],
              at: atMs,
              errorCode: error?.code,
              errorDescription: error?.message,
            }),
          ),
        // CM.com signs nothing: the proof is the per-connection token in the URL (a wrong one, or a truncated URL).
        forged: async (from, text, kind) =>
          kind === 'wrong'
            ? h.postCm(inboundBody(from, text, Date.now(), crypto.randomUUID()), {
                token: 'wrong-token-0123456789abcdef',
              })
            : postCmWebhook(
                h.app,
                `${APP_BASE}/webhooks/cm/${h.connections.cm.id}/`,
                inboundBody(from, text, Date.now(), crypto.randomUUID()),
              ),
      };
    }
  }
}

/** A Meta POST with several entries, each with several changes (Meta batches: every entry and change counts). */
export function metaBatch(
  items: {
    phoneNumberId?: string;
    messages?: Record<string, unknown>[];
    statuses?: Record<string, unknown>[];
  }[][],
) {
  return metaEnvelope(
    items.map((changes) => ({
      id: META_SIM_DEFAULTS.wabaId,
      changes: changes.map((c) => {
        const base = c.messages
          ? (metaMessagesWebhook({ phoneNumberId: c.phoneNumberId }, c.messages) as {
              entry: { changes: { value: unknown }[] }[];
            })
          : (metaStatusesWebhook({ phoneNumberId: c.phoneNumberId }, c.statuses ?? []) as {
              entry: { changes: { value: unknown }[] }[];
            });
        return { field: 'messages', value: base.entry[0]!.changes[0]!.value };
      }),
    })),
  );
}
