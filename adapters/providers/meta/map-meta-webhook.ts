// Raw Meta webhook body → normalized ProviderEvent[] (DESIGN.md §3.4, vendors/providers.md "Webhooks").
import type * as z from 'zod/mini';
import { AppError } from '../../../src/core/errors';
import type { MessageStatus } from '../../../src/core/message';
import type { TemplateStatus } from '../../../src/core/template';
import type { ProviderEvent } from '../types';
import { customerChange, customerOf, recipientFields, senderContact } from './map-meta-customer';
import {
  metaInboundMessageSchema,
  metaMessagesValueSchema,
  metaStatusSchema,
  metaTemplateStatusValueSchema,
  metaWebhookContactSchema,
  metaWebhookEnvelopeSchema,
} from './meta-api';
import type { MetaInboundMessage, MetaStatus, MetaWebhookContact } from './meta-api';
import { metaStatusErrorInfo } from './map-meta-error';
import { editedContent, mapMetaInboundContent, revokedMessageId } from './map-meta-inbound-message';
import { mapMetaTemplateStatus } from './map-meta-template';
import { userPreferencesChange } from './map-meta-user-preferences';
import { templateCategoryChange } from './map-meta-template-category';
import { capabilityEvents } from './meta-messaging-limit';
import { mapMetaPricing } from './map-meta-pricing';
import { echoEvents, historyChunkItems, historyEvents } from './map-meta-coexistence';

const seconds = (value: string | number | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n * 1000 : undefined;
};

function malformed(message: string, issues?: z.core.$ZodIssue[]): AppError {
  return new AppError(
    'invalid_request',
    `Malformed Meta webhook: ${message}`,
    issues ? { issues } : undefined,
  );
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
    .join('; ');
}

function unreadable(
  item: unknown,
  reason: string,
  routingKey: string | undefined,
  fallbackTime: number,
): ProviderEvent {
  const loose = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  const id = typeof loose.id === 'string' && loose.id ? loose.id : undefined;
  return {
    kind: 'unreadable',
    provider: 'meta',
    ...(routingKey ? { routingKey } : {}),
    ...(id ? { providerMessageId: id } : {}),
    reason,
    raw: JSON.stringify(item) ?? String(item),
    timestamp: seconds(typeof loose.timestamp === 'string' ? loose.timestamp : undefined) ?? fallbackTime,
  };
}

function inboundEvents(
  message: MetaInboundMessage,
  routingKey: string,
  contacts: MetaWebhookContact[],
): ProviderEvent[] {
  const timestamp = seconds(message.timestamp)!;
  if (message.type === 'system') {
    const change = customerChange(message, routingKey, timestamp);
    if (change) return [change];
  }
  const contact = senderContact(message, contacts);
  const customer = customerOf(message, contact);
  if (!customer.from && !customer.userId && !customer.parentUserId)
    return [unreadable(message, 'message has neither `from` nor `from_user_id`', routingKey, timestamp)];
  const base = { routingKey, ...customer, timestamp };
  if (message.type === 'revoke') {
    // Deletion by the customer (Coexistence `revoke` webhook): the original message must be removed from our store.
    return [{ kind: 'message_deleted', ...base, providerMessageId: revokedMessageId(message) ?? message.id }];
  }
  if (message.type === 'edit') {
    const { originalId, content } = editedContent(message);
    return [{ kind: 'message_edited', ...base, providerMessageId: originalId ?? message.id, content }];
  }
  const context = message.context;
  const forwarded = context?.forwarded === true || context?.frequently_forwarded === true;
  const referral = message.referral;
  const profileName = contact?.profile?.name;
  return [
    {
      kind: 'inbound_message',
      ...base,
      providerMessageId: message.id,
      ...(profileName ? { profileName } : {}),
      content: mapMetaInboundContent(message),
      // A forwarded message has a context without a replied-to id; a reply has `context.id` (Meta text webhook reference).
      ...(context?.id ? { replyToProviderMessageId: context.id } : {}),
      ...(forwarded ? { forwarded } : {}),
      ...(referral
        ? {
            // Click-to-WhatsApp ad / Page CTA: a free entry point (DESIGN.md §3.2).
            referral: {
              sourceType: referral.source_type,
              sourceId: referral.source_id,
              sourceUrl: referral.source_url,
              headline: referral.headline,
              body: referral.body,
              ctwaClid: referral.ctwa_clid,
            },
          }
        : {}),
    },
  ];
}

const STATUS_WORDS: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

function statusEvent(status: MetaStatus, routingKey: string): ProviderEvent | undefined {
  const timestamp = seconds(status.timestamp)!;
  if (status.status === 'deleted') {
    // Legacy `deleted` status: the customer deleted a message they sent (DESIGN.md §3.4).
    return {
      kind: 'message_deleted',
      routingKey,
      providerMessageId: status.id,
      ...recipientFields(status, 'from'),
      timestamp,
    };
  }
  const isWarning = status.status === 'warning';
  const mapped = isWarning ? 'sent' : STATUS_WORDS[status.status];
  if (!mapped) return undefined; // a future status word: ignore rather than guess
  const pricing = status.pricing;
  const conversation = status.conversation;
  return {
    kind: 'status',
    routingKey,
    providerMessageId: status.id,
    status: mapped,
    timestamp,
    ...recipientFields(status, 'recipient'),
    ...(mapped === 'failed' ? { error: metaStatusErrorInfo(status.errors?.[0]) } : {}),
    // `warning` (catalog item problem) is kept as a flag on an otherwise unchanged status (DESIGN.md §3.4).
    ...(isWarning ? { warning: metaStatusErrorInfo(status.errors?.[0]).reason } : {}),
    ...(pricing ? { pricing: mapMetaPricing(pricing) } : {}),
    ...(conversation
      ? {
          conversation: {
            id: conversation.id,
            expiresAt: seconds(conversation.expiration_timestamp),
            originType: conversation.origin?.type,
          },
        }
      : {}),
  };
}

function messagesChange(value: unknown, receivedAt: number): ProviderEvent[] {
  const parsed = metaMessagesValueSchema.safeParse(value);
  // Without `metadata.phone_number_id` nothing in the change can be routed: one unreadable item, kept for support.
  if (!parsed.success)
    return [
      unreadable(value, `\`messages\` change: ${describeIssues(parsed.error.issues)}`, undefined, receivedAt),
    ];
  const v = parsed.data;
  const routingKey = v.metadata.phone_number_id;
  const contacts: MetaWebhookContact[] = [];
  for (const raw of v.contacts ?? []) {
    const contact = metaWebhookContactSchema.safeParse(raw);
    if (contact.success) contacts.push(contact.data);
  }
  const events: ProviderEvent[] = [];
  // Item by item: one message or status we cannot read never sinks the rest of the batch (issue 11 item 4).
  for (const raw of v.messages ?? []) {
    const message = metaInboundMessageSchema.safeParse(raw);
    if (!message.success)
      events.push(
        unreadable(raw, `message: ${describeIssues(message.error.issues)}`, routingKey, receivedAt),
      );
    else events.push(...inboundEvents(message.data, routingKey, contacts));
  }
  for (const raw of v.statuses ?? []) {
    const status = metaStatusSchema.safeParse(raw);
    if (!status.success) {
      events.push(unreadable(raw, `status: ${describeIssues(status.error.issues)}`, routingKey, receivedAt));
      continue;
    }
    const event = statusEvent(status.data, routingKey);
    if (event) events.push(event);
  }
  // Value-level `errors` (no message id, e.g. an account problem) have no event kind: they are not per-message.
  return events;
}

// FLAGGED: quality warning, the template stays sendable until Meta pauses it; REINSTATED: back to approved after a
// pause or appeal (message_template_status_update reference). LOCKED only blocks editing: the status is unchanged.
const TEMPLATE_EVENTS: Record<string, TemplateStatus | null> = {
  FLAGGED: 'APPROVED',
  REINSTATED: 'APPROVED',
  LOCKED: null,
};

function templateChange(value: unknown, wabaId: string, time: number | undefined): ProviderEvent[] {
  const parsed = metaTemplateStatusValueSchema.safeParse(value);
  if (!parsed.success)
    throw malformed('`message_template_status_update` change is not readable', parsed.error.issues);
  const v = parsed.data;
  const event = v.event.toUpperCase();
  const status = event in TEMPLATE_EVENTS ? TEMPLATE_EVENTS[event] : mapMetaTemplateStatus(event);
  if (status === null || status === undefined) return [];
  const reasons = [
    v.reason && v.reason !== 'NONE' ? v.reason : undefined,
    v.rejection_info?.reason,
    v.rejection_info?.recommendation,
    v.other_info?.description ?? v.other_info?.title,
    event === 'FLAGGED' ? 'Flagged for low quality: Meta pauses it if quality does not improve' : undefined,
  ].filter((r): r is string => !!r);
  return [
    {
      kind: 'template_status',
      routingKey: wabaId,
      providerTemplateId: String(v.message_template_id),
      ...(v.message_template_name ? { name: v.message_template_name } : {}),
      ...(v.message_template_language ? { language: v.message_template_language } : {}),
      status,
      ...(reasons.length ? { reason: reasons.join(' — ') } : {}),
      timestamp: time !== undefined ? time * 1000 : Date.now(),
    },
  ];
}

/**
 * Parses a whole webhook POST: Meta batches several `entry[]` and `changes[]` per request, all are handled, item by
 * item. Throws only when the envelope is not a webhook (not JSON, no `object` / `entry[].changes[]`).
 */
export function parseMetaWebhook(rawBody: string, now: () => number = Date.now): ProviderEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw malformed('body is not JSON');
  }
  const envelope = metaWebhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw malformed('missing `object` / `entry[].changes[]`', envelope.error.issues);
  if (envelope.data.object !== 'whatsapp_business_account') return [];
  const events: ProviderEvent[] = [];
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      if (change.field === 'messages') events.push(...messagesChange(change.value, now()));
      else if (change.field === 'message_template_status_update') {
        try {
          events.push(...templateChange(change.value, entry.id, entry.time));
        } catch (error) {
          const reason = error instanceof Error ? error.message : 'unreadable template update';
          events.push(unreadable(change.value, reason, undefined, now()));
        }
      } else if (change.field === 'template_category_update') {
        try {
          events.push(...templateCategoryChange(change.value, entry.id, entry.time, now()));
        } catch {
          events.push(
            unreadable(change.value, '`template_category_update` change is not readable', undefined, now()),
          );
        }
      } else if (change.field === 'user_preferences')
        events.push(
          ...userPreferencesChange(change.value, now(), (item, reason, key) =>
            unreadable(item, reason, key, now()),
          ),
        );
      else if (change.field === 'business_capability_update')
        events.push(...capabilityEvents(change.value, entry.id, entry.time, now()));
      else if (change.field === 'smb_message_echoes' || change.field === 'history') {
        const fallback = (item: unknown, reason: string, key: string | undefined) =>
          unreadable(item, reason, key, now());
        events.push(
          ...(change.field === 'history'
            ? historyEvents(change.value, fallback, now())
            : echoEvents(change.value, fallback)),
        );
      }
      // Other fields (quality, groups, account alerts) are not events of this app.
    }
  }
  return events;
}

/** A stored `history` chunk (history_chunk event's raw) read item by item, when its import job runs. */
export function parseMetaHistoryChunk(raw: string, now: () => number = Date.now): ProviderEvent[] {
  return historyChunkItems(raw, (item, reason, key) => unreadable(item, reason, key, now()));
}
