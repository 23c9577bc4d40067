// Coexistence webhooks (a number shared with the WhatsApp Business app; issue 12 item 5) → provider events.
// - `smb_message_echoes`: what the business typed in the app (or a linked device), `message_echoes[]` items shaped
//   like inbound messages with `from` = the business number and `to` = the customer; edits and revokes of those
//   come the same way (…/webhooks/reference/smb_message_echoes/; docs.360dialog.com …/coexistence-webhooks).
// - `history`: past chats (up to 180 days) in phases and chunks, `history[].threads[].messages[]`; a message whose
//   `from` is the business number was sent by the business; `history_context.status` is its last status; a
//   declined share arrives as `history[].errors[]` (…/webhooks/reference/history/; dualhook.com/docs/webhook-history).
// Neither is in the v23.0 spec: schemas in test/spec/spec-patches-2026.ts.
import * as z from 'zod/mini';
import type { MessageStatus } from '../../../src/core/message';
import type { CustomerFields, ProviderEvent } from '../types';
import { phoneOf, userIdIn } from './map-meta-customer';
import { editedContent, mapMetaInboundContent, revokedMessageId } from './map-meta-inbound-message';
import { metaInboundMessageSchema } from './meta-api';
import type { MetaInboundMessage } from './meta-api';

type Unreadable = (item: unknown, reason: string, routingKey: string | undefined) => ProviderEvent;

const metadataSchema = z.looseObject({
  phone_number_id: z.string(),
  display_phone_number: z.optional(z.string()),
});

const echoesValueSchema = z.looseObject({
  metadata: metadataSchema,
  message_echoes: z.optional(z.array(z.unknown())),
});

// `to` (and, for a customer without phone, `to_user_id`: UNVERIFIED, seen only in partners' forwards) name the
// customer of an echo; the rest is an inbound message's shape.
const echoSchema = z.looseObject({
  to: z.optional(z.string()),
  to_user_id: z.optional(z.string()),
});

const historyValueSchema = z.looseObject({
  metadata: metadataSchema,
  history: z.optional(
    z.array(
      z.looseObject({
        metadata: z.optional(
          z.looseObject({
            phase: z.optional(z.number()),
            chunk_order: z.optional(z.number()),
            progress: z.optional(z.number()),
          }),
        ),
        threads: z.optional(
          z.array(z.looseObject({ id: z.string(), messages: z.optional(z.array(z.unknown())) })),
        ),
        errors: z.optional(z.array(z.unknown())),
      }),
    ),
  ),
});

const digits = (value: string | undefined) => (value ?? '').replace(/\D/g, '');

/** The customer an echo or a history message names (phone, else BSUID). */
function customerFields(phoneOrId: string | undefined, userId: string | undefined): CustomerFields {
  const phone = phoneOf(phoneOrId);
  const bsuid = userId ?? userIdIn(phoneOrId);
  return { ...(phone ? { from: phone } : {}), ...(bsuid ? { userId: bsuid } : {}) };
}

/** An echo or history item as the message it is, or its edit / revoke, for one customer and direction. */
function coexistenceEvent(
  message: MetaInboundMessage,
  routingKey: string,
  customer: CustomerFields,
  source: 'echo' | 'history',
  direction: 'inbound' | 'outbound',
  status?: MessageStatus,
): ProviderEvent {
  const timestamp = Number(message.timestamp) * 1000;
  const base = { routingKey, ...customer, timestamp };
  if (message.type === 'revoke')
    return { kind: 'message_deleted', ...base, providerMessageId: revokedMessageId(message) ?? message.id };
  if (message.type === 'edit') {
    const { originalId, content } = editedContent(message);
    return { kind: 'message_edited', ...base, providerMessageId: originalId ?? message.id, content };
  }
  return {
    kind: 'coexistence_message',
    source,
    direction,
    ...base,
    providerMessageId: message.id,
    content: mapMetaInboundContent(message),
    ...(status ? { status } : {}),
  };
}

export function echoEvents(value: unknown, unreadable: Unreadable): ProviderEvent[] {
  const parsed = echoesValueSchema.safeParse(value);
  if (!parsed.success) return [unreadable(value, '`smb_message_echoes` change is not readable', undefined)];
  const routingKey = parsed.data.metadata.phone_number_id;
  const events: ProviderEvent[] = [];
  for (const raw of parsed.data.message_echoes ?? []) {
    const message = metaInboundMessageSchema.safeParse(raw);
    const echo = echoSchema.safeParse(raw);
    const customer = echo.success ? customerFields(echo.data.to, echo.data.to_user_id) : {};
    if (!message.success || (!customer.from && !customer.userId)) {
      events.push(unreadable(raw, 'echo: neither a readable message nor a customer (`to`)', routingKey));
      continue;
    }
    events.push(coexistenceEvent(message.data, routingKey, customer, 'echo', 'outbound', 'sent'));
  }
  return events;
}

// `history_context.status` words (the message's last status); anything else is left to the direction's default.
const HISTORY_STATUS: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
  error: 'failed',
};

export function historyEvents(value: unknown, unreadable: Unreadable): ProviderEvent[] {
  const parsed = historyValueSchema.safeParse(value);
  if (!parsed.success) return [unreadable(value, '`history` change is not readable', undefined)];
  const routingKey = parsed.data.metadata.phone_number_id;
  const business = digits(parsed.data.metadata.display_phone_number);
  const events: ProviderEvent[] = [];
  // A declined share (`errors[]`, e.g. 2593109) carries no messages: nothing to import.
  for (const chunk of parsed.data.history ?? []) {
    for (const thread of chunk.threads ?? []) {
      for (const raw of thread.messages ?? []) {
        const message = metaInboundMessageSchema.safeParse(raw);
        if (!message.success) {
          events.push(unreadable(raw, 'history message is not readable', routingKey));
          continue;
        }
        const m = message.data;
        const outbound = business !== '' && digits(m.from) === business;
        const context = (raw as { history_context?: { status?: unknown } }).history_context;
        const status =
          typeof context?.status === 'string' ? HISTORY_STATUS[context.status.toLowerCase()] : undefined;
        const customer = customerFields(thread.id, undefined);
        if (!customer.from && !customer.userId) {
          events.push(unreadable(raw, 'history thread names no customer', routingKey));
          continue;
        }
        events.push(
          coexistenceEvent(
            m,
            routingKey,
            customer,
            'history',
            outbound ? 'outbound' : 'inbound',
            // A customer's message is delivered to us by definition; the business's keeps its last status.
            outbound ? (status ?? 'sent') : 'delivered',
          ),
        );
      }
    }
  }
  // Chunks may arrive out of order (chunk_order): the import is ordered by each message's own time.
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
