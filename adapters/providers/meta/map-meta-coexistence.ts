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

/** Meta's code for a declined history share (dualhook.com/docs/webhook-history; Meta's history reference). */
export const HISTORY_DECLINED_CODE = 2593109;

const historyErrorSchema = z.looseObject({
  code: z.number(),
  title: z.optional(z.string()),
  message: z.optional(z.string()),
  error_data: z.optional(z.looseObject({ details: z.optional(z.string()) })),
});

// What a stored chunk keeps: its routing key, the business number (tells the business's messages apart) and the
// threads exactly as Meta sent them (read item by item only when imported).
const storedChunkSchema = z.object({
  routingKey: z.string(),
  business: z.string(),
  threads: z.array(z.unknown()),
});
const threadSchema = z.looseObject({ id: z.string(), messages: z.optional(z.array(z.unknown())) });

/**
 * Most characters of threads one stored part holds: D1 keeps at most 2 MB in a row (developers.cloudflare.com/d1/
 * platform/limits/), and a character is up to 4 bytes of UTF-8.
 */
export const HISTORY_PART_CHARS = 400_000;

type HistoryThread = { id: string; messages?: unknown[] | undefined };

/** Threads cut into parts of at most `limit` characters; a thread larger than that is cut between its messages. */
function historyParts(threads: HistoryThread[], limit: number): HistoryThread[][] {
  const parts: HistoryThread[][] = [];
  let current: HistoryThread[] = [];
  let size = 0;
  const add = (thread: HistoryThread, length: number) => {
    if (size + length > limit && current.length) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(thread);
    size += length;
  };
  for (const thread of threads) {
    const length = JSON.stringify(thread).length;
    if (length <= limit) {
      add(thread, length);
      continue;
    }
    let slice: unknown[] = [];
    let sliceSize = 0;
    for (const message of thread.messages ?? []) {
      const messageLength = JSON.stringify(message).length;
      if (sliceSize + messageLength > limit && slice.length) {
        add({ ...thread, messages: slice }, sliceSize);
        slice = [];
        sliceSize = 0;
      }
      slice.push(message);
      sliceSize += messageLength;
    }
    add({ ...thread, messages: slice }, sliceSize);
  }
  if (current.length || parts.length === 0) parts.push(current);
  return parts;
}

/**
 * A `history` change → `history_chunk` events, kept raw: their messages are read later by historyChunkItems (a chunk
 * may hold thousands; Meta asks to capture first, then process asynchronously). One per `history[]` item, or more
 * when its threads would not fit one stored row (HISTORY_PART_CHARS).
 */
export function historyEvents(
  value: unknown,
  unreadable: Unreadable,
  receivedAt: number,
  partChars: number = HISTORY_PART_CHARS,
): ProviderEvent[] {
  const parsed = historyValueSchema.safeParse(value);
  if (!parsed.success) return [unreadable(value, '`history` change is not readable', undefined)];
  const routingKey = parsed.data.metadata.phone_number_id;
  const business = digits(parsed.data.metadata.display_phone_number);
  return (parsed.data.history ?? []).flatMap((chunk): ProviderEvent[] => {
    const meta = chunk.metadata;
    // A declined share (`errors[]`, 2593109) carries no messages; any other error is kept with its code too.
    const error = (chunk.errors ?? [])
      .map((e) => historyErrorSchema.safeParse(e))
      .find((e) => e.success)?.data;
    const declined =
      error || chunk.errors?.length
        ? {
            declined: {
              code: error?.code ?? 0,
              reason: (
                error?.error_data?.details ??
                error?.message ??
                error?.title ??
                'history not shared'
              ).slice(0, 500),
            },
          }
        : {};
    return historyParts(chunk.threads ?? [], partChars).map((threads) => ({
      kind: 'history_chunk',
      routingKey,
      timestamp: receivedAt,
      ...(meta?.phase !== undefined ? { phase: meta.phase } : {}),
      ...(meta?.chunk_order !== undefined ? { chunkOrder: meta.chunk_order } : {}),
      ...(meta?.progress !== undefined ? { progress: meta.progress } : {}),
      raw: JSON.stringify({ routingKey, business, threads }),
      ...declined,
    }));
  });
}

/** A stored chunk's messages, item by item (an unreadable one is kept as such), in time order. */
export function historyChunkItems(raw: string, unreadable: Unreadable): ProviderEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = storedChunkSchema.safeParse(json);
  if (!parsed.success) return [unreadable(raw, 'stored history chunk is not readable', undefined)];
  const { routingKey, business } = parsed.data;
  const events: ProviderEvent[] = [];
  for (const rawThread of parsed.data.threads) {
    const thread = threadSchema.safeParse(rawThread);
    if (!thread.success) {
      events.push(unreadable(rawThread, 'history thread is not readable', routingKey));
      continue;
    }
    for (const raw of thread.data.messages ?? []) {
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
      const customer = customerFields(thread.data.id, undefined);
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
  // Chunks may arrive out of order (chunk_order): the import is ordered by each message's own time. Stable: the
  // import job pages through this list, so the same chunk must always give the same order.
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
