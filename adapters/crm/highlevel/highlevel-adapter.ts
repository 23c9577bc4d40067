// CrmAdapter for HighLevel: WhatsApp messages become SMS-type messages of our custom conversation provider
// (docs/ConversationProviders.md). Flow per vendors/highlevel.md §2: contact upsert → conversation search or create
// → POST /conversations/messages/inbound; statuses of HighLevel-originated messages via PUT .../status.
import type {
  CrmAdapter,
  CrmCustomerRef,
  CrmDeliveryResult,
  CrmMarketingPreference,
  CrmMessageChange,
  CrmMessageRecord,
} from '../types';
import { whatsappDndUpdate } from './highlevel-dnd';
import { highLevelError } from './highlevel-errors';
import { VendorHttpError } from '../../shared/vendor-http-error';
import {
  addMessageResponseSchema,
  conversationMessagesResponseSchema,
  createConversationResponseSchema,
  searchConversationsResponseSchema,
  updateMessageStatusResponseSchema,
  upsertContactResponseSchema,
} from './highlevel-api';
import { contactResponseSchema, searchContactsResponseSchema } from './highlevel-api';
import type { AddMessageRequest, CreateContactRequest, UpsertContactRequest } from './highlevel-api';
import type { HighLevelClient } from './highlevel-client';
import { buildStatusUpdate } from './map-highlevel-status';

/** Tag holding the customer's BSUID (HighLevel stores tags lowercased, so it is written and searched lowercased). */
export function bsuidTag(userId: string): string {
  return `whatsapp bsuid: ${userId.toLowerCase()}`;
}

/** Newest messages of the conversation read when looking for a write whose answer was lost. */
const LOOKUP_LIMIT = 50;
/** HighLevel's clock against ours, when it dates a message itself. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The text of a message in the HighLevel thread. A coexistence message says where it came from (HighLevel has no
 * field for it): typed in the WhatsApp Business app, or imported from its history.
 */
export function threadText(record: Pick<CrmMessageRecord, 'text' | 'coexistence' | 'direction'>): string {
  if (record.coexistence === 'history')
    return record.direction === 'outbound'
      ? `📱 Sent from the WhatsApp Business app (imported history)\n${record.text}`
      : `📱 Imported from the WhatsApp Business app history\n${record.text}`;
  if (record.coexistence === 'echo') return `📱 Sent from the WhatsApp Business app\n${record.text}`;
  return record.text;
}

export interface HighLevelAdapterOptions {
  client: HighLevelClient;
  locationId: string;
  /** The provider's "ID" from the marketplace app (required for an extra provider, harmless for the default one). */
  conversationProviderId: string;
  /** `source` written on contacts we create. */
  contactSource?: string;
}

export function createHighLevelAdapter(options: HighLevelAdapterOptions): CrmAdapter {
  const { client, locationId, conversationProviderId } = options;

  async function upsertContact(body: UpsertContactRequest) {
    return client.request({
      method: 'POST',
      path: '/contacts/upsert',
      body,
      schema: upsertContactResponseSchema,
    });
  }

  /** Upsert by phone only, so an agent's edits to the contact's name are never overwritten by a WhatsApp profile
   * name; the name is written only on a contact this call just created. */
  async function resolveContact(record: CrmMessageRecord): Promise<string> {
    const phone = record.customerPhone;
    if (!phone) return resolveUsernameContact(record);
    const res = await upsertContact({
      locationId,
      phone,
      source: options.contactSource,
    });
    const name = record.customerName?.trim();
    if (res.new && name) {
      await upsertContact({ locationId, phone, name });
    }
    return res.contact.id;
  }

  /**
   * A customer with a WhatsApp username and no phone (issue 11): upsert needs a phone or an email, so the contact is
   * looked up by its BSUID tag and created without phone otherwise. The caller remembers the id it returns, so this
   * runs once per customer; the tag lookup keeps a second contact from being created if that memory is lost.
   */
  async function resolveUsernameContact(record: CrmMessageRecord): Promise<string> {
    const userId = record.customerUserId;
    if (!userId) {
      throw highLevelError('The customer has neither a phone nor a business-scoped user ID', {
        reason: 'rejected',
        retryable: false,
      });
    }
    const tag = bsuidTag(userId);
    const found = await client.request({
      method: 'POST',
      path: '/contacts/search',
      body: { locationId, pageLimit: 1, filters: [{ field: 'tags', operator: 'eq', value: tag }] },
      schema: searchContactsResponseSchema,
    });
    const existing = found.contacts[0];
    if (existing) return existing.id;
    const username = record.customerUsername;
    const created = await client.request({
      method: 'POST',
      path: '/contacts/',
      body: {
        locationId,
        name: record.customerName?.trim() || (username ? `@${username}` : 'WhatsApp user'),
        tags: [tag, ...(username ? [`whatsapp username: @${username}`] : [])],
        source: options.contactSource,
      } satisfies CreateContactRequest,
      schema: contactResponseSchema,
    });
    return created.contact.id;
  }

  /** The phone a username customer later shared goes onto the same contact (PUT /contacts/{id}, UpdateContactDto). */
  async function linkPhone(crmContactId: string, phone: string): Promise<void> {
    await client.request({
      method: 'PUT',
      path: `/contacts/${encodeURIComponent(crmContactId)}`,
      body: { phone },
      schema: contactResponseSchema,
    });
  }

  async function findConversation(contactId: string): Promise<string | undefined> {
    const res = await client.request({
      method: 'GET',
      path: '/conversations/search',
      query: { locationId, contactId },
      schema: searchConversationsResponseSchema,
    });
    return res.conversations.find((c) => !c.contactId || c.contactId === contactId)?.id;
  }

  async function resolveConversation(contactId: string): Promise<string> {
    const existing = await findConversation(contactId);
    if (existing) return existing;
    try {
      const created = await client.request({
        method: 'POST',
        path: '/conversations/',
        body: { locationId, contactId },
        schema: createConversationResponseSchema,
      });
      return created.conversation.id;
    } catch (err) {
      // "One conversationId is maintained per contact" (ConversationProviders.md): a concurrent delivery may have
      // created it between our search and create; look again before failing.
      if (err instanceof VendorHttpError && !err.retryable) {
        const raced = await findConversation(contactId);
        if (raced) return raced;
      }
      throw err;
    }
  }

  async function addMessage(record: CrmMessageRecord, contactId: string, conversationId: string) {
    const body: AddMessageRequest = {
      type: 'SMS',
      conversationProviderId,
      contactId,
      conversationId,
      message: threadText(record),
      attachments: record.attachments.length > 0 ? record.attachments : undefined,
      altId: record.providerMessageId ?? record.messageId,
      direction: record.direction,
      date: new Date(record.occurredAt).toISOString(),
    };
    // The documented "add an outbound message" endpoint only takes type "Call" (conversations.json
    // ProcessOutboundMessageBodyDto), so messages sent from our sidebar or campaigns are added through the inbound
    // endpoint with direction "outbound", which HighLevel logs on the outbound side (highlevel-api-docs#271).
    // POST /conversations/messages would instead re-trigger our own Delivery URL and send the message twice.
    return client.request({
      method: 'POST',
      path: '/conversations/messages/inbound',
      body,
      schema: addMessageResponseSchema,
    });
  }

  /**
   * An earlier POST of this message lost its answer: HighLevel may hold it. Its message objects carry no `altId`, so
   * the conversation's latest messages are searched for ours: same provider, direction and text, dated with the
   * `date` we sent (or, where HighLevel stamps its own time, not before the lost attempt).
   */
  async function findAdded(record: CrmMessageRecord, conversationId: string, since: number) {
    const messages = await client.request({
      method: 'GET',
      path: `/conversations/${encodeURIComponent(conversationId)}/messages`,
      query: { limit: String(LOOKUP_LIMIT) },
      schema: conversationMessagesResponseSchema,
    });
    const ours = messages.filter(
      (m) =>
        m.direction === record.direction &&
        (m.body ?? '') === threadText(record) &&
        (m.conversationProviderId === undefined || m.conversationProviderId === conversationProviderId),
    );
    const at = (m: { dateAdded?: string }) => (m.dateAdded ? Date.parse(m.dateAdded) : NaN);
    return ours.find((m) => at(m) === record.occurredAt) ?? ours.find((m) => at(m) >= since - CLOCK_SKEW_MS);
  }

  async function recordMessage(record: CrmMessageRecord): Promise<CrmDeliveryResult> {
    // Already in HighLevel: a message HighLevel sent through our Delivery URL, or a retry after a recorded delivery.
    if (record.crmMessageId) {
      return {
        crmMessageId: record.crmMessageId,
        crmContactId: record.crmContactId,
        crmConversationId: record.crmConversationId,
      };
    }
    if (record.origin === 'crm') {
      throw highLevelError('A HighLevel-originated message has no HighLevel message id', {
        reason: 'rejected',
        retryable: false,
      });
    }
    const cached = record.crmContactId && record.crmConversationId;
    let contactId = record.crmContactId ?? (await resolveContact(record));
    let conversationId = record.crmConversationId ?? (await resolveConversation(contactId));
    if (record.crmWriteUncertainSince !== undefined) {
      const added = await findAdded(record, conversationId, record.crmWriteUncertainSince);
      if (added)
        return { crmMessageId: added.id, crmContactId: contactId, crmConversationId: conversationId };
    }
    let res;
    try {
      res = await addMessage(record, contactId, conversationId);
    } catch (err) {
      // Ids remembered from an earlier message may point at a deleted contact or conversation: resolve them afresh once.
      if (!(cached && err instanceof VendorHttpError && !err.retryable && err.reason === 'rejected'))
        throw err;
      contactId = await resolveContact(record);
      conversationId = await resolveConversation(contactId);
      res = await addMessage(record, contactId, conversationId);
    }
    return {
      crmMessageId: res.messageId,
      crmContactId: res.contactId ?? contactId,
      crmConversationId: res.conversationId,
    };
  }

  async function recordStatus(record: CrmMessageRecord): Promise<void> {
    // Only messages HighLevel handed to our Delivery URL have a HighLevel status to move; the caller guarantees
    // statuses only move forward (DESIGN.md §3.4).
    if (record.origin !== 'crm' || !record.crmMessageId) return;
    const body = buildStatusUpdate(record.status, record.error);
    if (!body) return;
    await client.request({
      method: 'PUT',
      path: `/conversations/messages/${encodeURIComponent(record.crmMessageId)}/status`,
      body,
      schema: updateMessageStatusResponseSchema,
      // HighLevel answers 403 until the message has been "downstreamed" to the provider, seconds after the Delivery
      // URL call (highlevel-api-docs#4): try again later rather than fail.
      retryableStatuses: [403],
    });
  }

  async function recordChange(
    record: CrmMessageRecord,
    change: CrmMessageChange,
  ): Promise<CrmDeliveryResult> {
    // HighLevel cannot edit or delete a message (conversations.json has no such operation; PUT .../attachments is
    // for call recordings only), so the thread gets one more message saying what the customer did, written like any
    // other message of ours (altId = the change id, looked up before a retry where recordMessage does so).
    const when = new Date(record.occurredAt).toISOString().slice(0, 16).replace('T', ' ');
    // A message the business typed in the WhatsApp Business app was edited or deleted there (coexistence echo).
    const whose =
      record.direction === 'outbound' ? 'in the WhatsApp Business app the message' : 'their message';
    const text =
      change.kind === 'edited'
        ? `✏️ Edited ${whose} of ${when} UTC: ${record.text}`
        : `🗑 Deleted ${whose} of ${when} UTC (its content and attachment were removed).`;
    return recordMessage({
      ...record,
      messageId: change.id,
      providerMessageId: undefined,
      crmMessageId: undefined,
      text,
      attachments: [],
      occurredAt: change.occurredAt,
      coexistence: undefined,
      origin: record.origin === 'crm' ? 'app' : record.origin,
      crmWriteUncertainSince: change.crmWriteUncertainSince,
    });
  }

  /** WhatsApp marketing stop / resume → the contact's WhatsApp DND set / cleared (highlevel-dnd.ts). */
  async function recordMarketingPreference(
    customer: CrmCustomerRef,
    preference: CrmMarketingPreference,
  ): Promise<CrmDeliveryResult> {
    const crmContactId =
      customer.crmContactId ??
      (await resolveContact({
        ...customer,
        messageId: '',
        direction: 'inbound',
        text: '',
        attachments: [],
        occurredAt: preference.at,
        status: 'delivered',
        origin: 'customer',
      }));
    await client.request({
      method: 'PUT',
      path: `/contacts/${encodeURIComponent(crmContactId)}`,
      body: whatsappDndUpdate(preference),
      schema: contactResponseSchema,
    });
    return { crmContactId };
  }

  return {
    crm: 'highlevel',
    recordMessage,
    recordStatus,
    recordChange,
    linkPhone,
    recordMarketingPreference,
  };
}
