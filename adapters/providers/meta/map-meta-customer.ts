// Who a Meta webhook item names (issue 11): phone and / or business-scoped user ID, the sender's contacts[] entry,
// the status recipient, and the system messages that re-key a customer. Field names: meta-api.ts.
import { isBsuid, isUserIdAddress } from '../../../src/core/customer-id';
import type { CustomerFields, ProviderEvent } from '../types';
import { metaSystemSchema } from './meta-api';
import type { MetaInboundMessage, MetaStatus, MetaWebhookContact } from './meta-api';

/** A Meta user id field → E.164 phone, or undefined when it holds a BSUID or is missing (issue 11). */
export function phoneOf(waId: string | undefined): string | undefined {
  if (!waId || isUserIdAddress(waId)) return undefined;
  const digits = waId.replace(/\D/g, '');
  return digits ? `+${digits}` : undefined;
}

/** A BSUID found where a phone used to be (`from` / `wa_id` "may hold a BSUID", vendors/whatsapp-2026.md §1.1). */
export function userIdIn(value: string | undefined): string | undefined {
  return value && isBsuid(value) ? value : undefined;
}

/** The `contacts[]` entry of the message's sender: by phone, by BSUID, or the only one. */
export function senderContact(
  message: MetaInboundMessage,
  contacts: MetaWebhookContact[],
): MetaWebhookContact | undefined {
  return (
    contacts.find(
      (c) =>
        (message.from !== undefined && c.wa_id === message.from) ||
        (message.from_user_id !== undefined && c.user_id === message.from_user_id),
    ) ?? (contacts.length === 1 ? contacts[0] : undefined)
  );
}

export function customerOf(
  message: MetaInboundMessage,
  contact: MetaWebhookContact | undefined,
): CustomerFields {
  const from = phoneOf(message.from) ?? phoneOf(contact?.wa_id);
  const userId =
    message.from_user_id ?? contact?.user_id ?? userIdIn(message.from) ?? userIdIn(contact?.wa_id);
  const parentUserId = contact?.parent_user_id;
  const username = contact?.profile?.username;
  return {
    ...(from ? { from } : {}),
    ...(userId ? { userId } : {}),
    ...(parentUserId ? { parentUserId } : {}),
    ...(username ? { username } : {}),
  };
}

// System messages that re-key the customer (Meta changelog 2026-08-11; …/webhooks/reference/messages/system/).
// Which BSUID is new: `system.user_id` when present, else the message's `from_user_id` unless it is the one named
// `previous_user_id` (UNVERIFIED against a live payload: the reference page shows only the phone example).
export function customerChange(
  message: MetaInboundMessage,
  routingKey: string,
  timestamp: number,
): ProviderEvent | undefined {
  const system = metaSystemSchema.safeParse((message as Record<string, unknown>).system);
  if (!system.success) return undefined;
  const sys = system.data;
  if (sys.type !== 'user_changed_number' && sys.type !== 'user_changed_user_id') return undefined;
  const previousUserId = sys.previous_user_id ?? (sys.user_id ? message.from_user_id : undefined);
  const nextUserId =
    sys.user_id ?? (message.from_user_id !== previousUserId ? message.from_user_id : undefined);
  const previousPhone = phoneOf(message.from);
  const nextPhone = sys.type === 'user_changed_number' ? phoneOf(sys.wa_id) : undefined;
  const previous: CustomerFields = {
    ...(previousPhone ? { from: previousPhone } : {}),
    ...(previousUserId ? { userId: previousUserId } : {}),
    ...(sys.previous_parent_user_id ? { parentUserId: sys.previous_parent_user_id } : {}),
  };
  const next: CustomerFields = {
    ...(nextPhone ? { from: nextPhone } : {}),
    ...(nextUserId ? { userId: nextUserId } : {}),
    ...(sys.parent_user_id ? { parentUserId: sys.parent_user_id } : {}),
  };
  return {
    kind: 'customer_changed',
    routingKey,
    providerMessageId: message.id,
    change: sys.type === 'user_changed_number' ? 'number' : 'user_id',
    previous,
    next,
    timestamp,
    description:
      sys.body ??
      (sys.type === 'user_changed_number'
        ? 'The customer changed their WhatsApp phone number'
        : 'The customer’s WhatsApp account changed'),
  };
}

/** The status's customer: `recipient_id` (phone, or absent for a username customer) and the BSUID fields. */
export function recipientFields(status: MetaStatus, phoneKey: 'from' | 'recipient'): Record<string, string> {
  const phone = phoneOf(status.recipient_id);
  const userId = status.recipient_user_id ?? userIdIn(status.recipient_id);
  const parent = status.recipient_parent_user_id;
  const userKey = phoneKey === 'from' ? 'userId' : 'recipientUserId';
  const parentKey = phoneKey === 'from' ? 'parentUserId' : 'recipientParentUserId';
  return {
    ...(phone ? { [phoneKey]: phone } : {}),
    ...(userId ? { [userKey]: userId } : {}),
    ...(parent ? { [parentKey]: parent } : {}),
  };
}
