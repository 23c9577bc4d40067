// Provider webhooks → our store (DESIGN.md §3.4, §6): store, dedupe, update the window, enqueue CRM delivery.
// Each inbound message costs a constant number of D1 round trips: connection lookup, customer lookup (plus its
// insert for a new customer), one batch (message, window, trigger firings); pinned by inbound-relay-trips.test.ts.
import { messageReceivedFirings, templateStatusFirings } from '../crm/automation-trigger-events';
import { enqueueFirings } from '../crm/automation-triggers';
import type { CustomerFields, ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import type { CustomerIdentity } from '../../core/customer-id';
import { isBsuid, isParentBsuid } from '../../core/customer-id';
import { normalizePhone } from '../../core/phone';
import { updateSummary } from '../../core/window';
import type { Connection } from '../../store/connections';
import { windowSummaryOf, type Contact } from '../../store/contacts';
import { UnreadableItemStore } from '../../store/unreadable-items';
import { applyMessageChange } from './message-changes';
import { storeCoexistenceMessage } from './coexistence';
import { receiveHistoryChunk } from './history-chunks';
import { applyStatusEvent, type StatusOutcome } from './relay-status';
import { applyMarketingPreference } from './marketing-preferences';
import { applyTemplateCategory } from '../templates/template-categories';
import { sumResults, type IngestResult } from './ingest-result';

export type ConnectionResolver = (event: ProviderEvent) => Promise<Connection | null>;

type InboundEvent = Extract<ProviderEvent, { kind: 'inbound_message' }>;
type UnreadableEvent = Extract<ProviderEvent, { kind: 'unreadable' }>;
type CustomerChangedEvent = Extract<ProviderEvent, { kind: 'customer_changed' }>;

/**
 * The customer an event names, checked: a phone that does not normalize or a BSUID of the wrong shape is dropped
 * (and the item is unreadable when nothing is left). Never parses a BSUID as a phone.
 */
export function customerIdentity(fields: CustomerFields): CustomerIdentity | null {
  const phone = fields.from ? normalizePhone(fields.from) : undefined;
  const identity: CustomerIdentity = {
    ...(phone?.ok ? { phone: phone.e164 } : {}),
    ...(fields.userId && isBsuid(fields.userId) ? { userId: fields.userId } : {}),
    ...(fields.parentUserId && isParentBsuid(fields.parentUserId)
      ? { parentUserId: fields.parentUserId }
      : {}),
    ...(fields.username ? { username: fields.username.slice(0, 100) } : {}),
  };
  return identity.phone || identity.userId || identity.parentUserId ? identity : null;
}

// STOP-style opt-out and START-style opt-in keywords (DESIGN.md §3.5), in the seeds' languages and English.
const OPT_OUT =
  /^\s*(stop|stopp|unsubscribe|cancel|end|quit|arret|arrêt|basta|disiscriviti|annulla|loobu|lõpeta)\s*[.!]?\s*$/i;
const OPT_IN = /^\s*(start|unstop|subscribe|iscriviti|alusta)\s*[.!]?\s*$/i;

export async function ingestEvents(
  ctx: AppContext,
  events: ProviderEvent[],
  resolve: ConnectionResolver,
): Promise<IngestResult> {
  const result: IngestResult = { stored: 0, duplicates: 0, statuses: 0, ignored: 0, unreadable: 0 };
  for (const event of events) {
    const connection = await resolve(event);
    if (event.kind === 'unreadable') {
      await storeUnreadable(ctx, connection, event);
      result.unreadable++;
      continue;
    }
    if (!connection) {
      // Unknown number: acknowledge and log, never retried forever by the provider.
      console.warn(
        JSON.stringify({ level: 'warn', msg: 'webhook event for unknown connection', kind: event.kind }),
      );
      result.ignored++;
      continue;
    }
    switch (event.kind) {
      case 'inbound_message': {
        const stored = await storeInbound(ctx, connection, event);
        if (stored === 'stored') result.stored++;
        else if (stored === 'duplicate') result.duplicates++;
        else result.unreadable++;
        break;
      }
      case 'customer_changed': {
        const stored = await applyCustomerChange(ctx, connection, event);
        if (stored === 'stored') result.stored++;
        else result.duplicates++;
        break;
      }
      case 'status': {
        const outcome: StatusOutcome = await applyStatusEvent(ctx, connection, event);
        if (outcome === 'duplicate') result.duplicates++;
        else result.statuses++;
        break;
      }
      case 'message_edited':
      case 'message_deleted': {
        const message = await ctx.messages.findByProviderId(connection.id, event.providerMessageId);
        if (!message) {
          result.ignored++;
          break;
        }
        // Stored with the change the CRM is owed, in one batch; a duplicate or a change of a deleted message is ignored.
        const changed = await applyMessageChange(
          ctx,
          message,
          event.kind === 'message_edited' ? { kind: 'edited', content: event.content } : { kind: 'deleted' },
          event.timestamp,
        );
        if (changed) result.stored++;
        else result.duplicates++;
        break;
      }
      case 'template_category': {
        if ((await applyTemplateCategory(ctx, connection, event)) === 'stored') result.statuses++;
        else result.duplicates++;
        break;
      }
      case 'coexistence_message': {
        // Echoes and history of a number shared with the WhatsApp Business app (issue 12 item 5).
        const stored = await storeCoexistenceMessage(ctx, connection, event, customerIdentity(event));
        if (stored === 'stored') result.stored++;
        else if (stored === 'duplicate') result.duplicates++;
        else result.unreadable++;
        break;
      }
      case 'history_chunk': {
        // Kept raw and acknowledged; its messages are imported by the history_import job (history-import.ts).
        const stored = await receiveHistoryChunk(ctx, connection, event);
        if (stored === 'stored') result.stored++;
        else if (stored === 'duplicate') result.duplicates++;
        else result.statuses++;
        break;
      }
      case 'marketing_preference': {
        const stored = await applyMarketingPreference(ctx, connection, event, customerIdentity(event));
        if (stored === 'stored') result.stored++;
        else if (stored === 'duplicate') result.duplicates++;
        else result.unreadable++;
        break;
      }
      case 'template_status': {
        // The status and its trigger firings in one batch (the firings first: they look at the status before).
        const [firings, applied] = await ctx.db.batch<{ id: string }>([
          templateStatusFirings(ctx, connection, { ...event, at: event.timestamp }),
          ctx.templates.applyStatusStatement(
            connection.id,
            event.providerTemplateId,
            event.status,
            event.reason,
            ctx.now(),
          ),
        ]);
        // A template we have not synced yet: fetch the whole list rather than invent a partial row.
        if (!applied?.meta.changes)
          await ctx.queue.send({ type: 'template_sync', connectionId: connection.id });
        else await enqueueFirings(ctx, firings);
        result.statuses++;
        break;
      }
    }
  }
  return result;
}

/** Template status events fanned out to every connection of their account (Meta: all numbers of the WABA). */
export async function ingestTemplateStatuses(
  ctx: AppContext,
  events: ProviderEvent[],
  connectionsOf: (providerAccountId: string) => Promise<Connection[]>,
): Promise<IngestResult> {
  let total: IngestResult = { stored: 0, duplicates: 0, statuses: 0, ignored: 0, unreadable: 0 };
  const byAccount = new Map<string, Promise<Connection[]>>();
  for (const event of events) {
    // Template status and category notices belong to the account (WABA): every number of it gets them.
    if (event.kind !== 'template_status' && event.kind !== 'template_category') continue;
    const key = event.routingKey ?? '';
    if (!byAccount.has(key)) byAccount.set(key, key ? connectionsOf(key) : Promise.resolve([]));
    const connections = await byAccount.get(key)!;
    if (connections.length === 0)
      total = sumResults(total, await ingestEvents(ctx, [event], async () => null));
    for (const connection of connections)
      total = sumResults(total, await ingestEvents(ctx, [event], async () => connection));
  }
  return total;
}

/** Logged (without the payload: it holds customer data) and kept for support with its raw text. */
async function storeUnreadable(
  ctx: AppContext,
  connection: Connection | null,
  event: UnreadableEvent,
): Promise<void> {
  const provider = event.provider;
  console.warn(
    JSON.stringify({
      level: 'warn',
      msg: 'unreadable webhook item stored',
      provider,
      connectionId: connection?.id,
      reason: event.reason,
    }),
  );
  await new UnreadableItemStore(ctx.db).add(
    {
      provider,
      connectionId: connection?.id ?? null,
      routingKey: event.routingKey ?? null,
      providerMessageId: event.providerMessageId ?? null,
      reason: event.reason,
      raw: event.raw,
      occurredAt: event.timestamp,
    },
    ctx.now(),
  );
}

/**
 * Re-keys the customer (new phone or BSUID) and keeps a readable note of it in their thread; the window is not
 * moved (the customer did not write). Unknown customers are simply created under the new keys.
 */
async function applyCustomerChange(
  ctx: AppContext,
  connection: Connection,
  event: CustomerChangedEvent,
): Promise<'stored' | 'duplicate'> {
  const now = ctx.now();
  const previous = customerIdentity(event.previous);
  const next = customerIdentity(event.next);
  const resolved =
    (previous && next ? await ctx.contacts.rekey(connection.id, previous, next, now) : null) ??
    (await ctx.contacts.resolve(connection.id, (next ?? previous)!, {}, now));
  const contact = resolved.contact;
  if (resolved.phoneLinked) await ctx.queue.send({ type: 'crm_link_phone', contactId: contact.id });
  await noteOtherCrmRecords(ctx, connection, contact, resolved.otherCrmContactIds, event.timestamp);
  const id = await ctx.messages.insert(
    {
      connectionId: connection.id,
      contactId: contact.id,
      direction: 'inbound',
      origin: 'customer',
      providerMessageId: event.providerMessageId,
      content: {
        type: 'unsupported',
        vendorType: event.change === 'number' ? 'user_changed_number' : 'user_changed_user_id',
        description: event.description,
      },
      status: 'delivered',
      statusTimes: { delivered: event.timestamp },
      crmSync: 'pending',
      occurredAt: event.timestamp,
    },
    now,
  );
  if (!id) return 'duplicate';
  await ctx.queue.send({ type: 'crm_record_message', messageId: id });
  return 'stored';
}

/**
 * Two records of one customer were merged and each had its own CRM record: the older one is kept (contact-identity),
 * and the thread gets a readable note, relayed to the kept CRM record like any message, naming the other one so an
 * agent can merge or archive it in the CRM (we never delete a CRM record). Once per other record: the note's id is
 * derived from both, so a redelivered webhook adds nothing.
 */
async function noteOtherCrmRecords(
  ctx: AppContext,
  connection: Connection,
  contact: Contact,
  otherCrmContactIds: string[] | undefined,
  at: number,
): Promise<void> {
  for (const other of otherCrmContactIds ?? []) {
    const id = await ctx.messages.insert(
      {
        connectionId: connection.id,
        contactId: contact.id,
        direction: 'inbound',
        origin: 'customer',
        providerMessageId: `crm-duplicate:${contact.id}:${other}`,
        content: {
          type: 'unsupported',
          vendorType: 'crm_record_duplicate',
          description:
            `This WhatsApp customer also has another CRM record (id ${other}): it was created for the same ` +
            'person under their phone number or their WhatsApp username before we knew they were one. Their ' +
            'messages now go to this record; the other one was left as it was.',
        },
        status: 'delivered',
        statusTimes: { delivered: at },
        crmSync: 'pending',
        occurredAt: at,
      },
      ctx.now(),
    );
    if (id) await ctx.queue.send({ type: 'crm_record_message', messageId: id });
  }
}

async function storeInbound(
  ctx: AppContext,
  connection: Connection,
  event: InboundEvent,
): Promise<'stored' | 'duplicate' | 'unreadable'> {
  const identity = customerIdentity(event);
  if (!identity) {
    await storeUnreadable(ctx, connection, {
      kind: 'unreadable',
      provider: connection.provider,
      routingKey: event.routingKey,
      providerMessageId: event.providerMessageId,
      reason: 'the sender is neither a valid phone number nor a business-scoped user ID',
      raw: JSON.stringify(event),
      timestamp: event.timestamp,
    });
    return 'unreadable';
  }
  const now = ctx.now();
  const { contact, phoneLinked, otherCrmContactIds } = await ctx.contacts.resolve(
    connection.id,
    identity,
    { name: event.profileName ?? null, username: identity.username ?? null },
    now,
  );
  // A username customer known to the CRM shared their phone: it goes onto the same CRM contact, never a new one.
  if (phoneLinked) await ctx.queue.send({ type: 'crm_link_phone', contactId: contact.id });
  await noteOtherCrmRecords(ctx, connection, contact, otherCrmContactIds, event.timestamp - 1);
  const summary = updateSummary(windowSummaryOf(contact), {
    direction: 'inbound',
    at: event.timestamp,
    kind: 'free_form',
    freeEntryPoint: event.referral !== undefined,
  });
  const id = ctx.messages.newId();
  const [inserted, , firings] = await ctx.db.batch<{ id: string }>([
    ctx.messages.insertStatement(
      id,
      {
        connectionId: connection.id,
        contactId: contact.id,
        direction: 'inbound',
        origin: 'customer',
        providerMessageId: event.providerMessageId,
        content: event.content,
        status: 'delivered',
        statusTimes: { delivered: event.timestamp },
        crmSync: 'pending',
        occurredAt: event.timestamp,
      },
      now,
    ),
    // Guarded by the insert: a redelivery (Twilio's carries no time of its own) must not move the window.
    ctx.contacts.windowStatement(contact.id, summary, now, id),
    // Its workflow trigger firings too, so a crash after the batch leaves them for the cron (never lost).
    messageReceivedFirings(ctx, connection, contact, id, event),
  ]);
  if (!inserted?.results.length) return 'duplicate';

  if (event.content.type === 'text') {
    if (OPT_OUT.test(event.content.text)) await ctx.contacts.setOptOut(contact.id, event.timestamp, now);
    else if (OPT_IN.test(event.content.text)) await ctx.contacts.setOptIn(contact.id, event.timestamp, now);
  }
  await ctx.queue.send({ type: 'crm_record_message', messageId: id });
  await enqueueFirings(ctx, firings);
  return 'stored';
}
