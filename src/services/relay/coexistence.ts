// Coexistence (issue 12 item 5; vendors/whatsapp-2026.md §1.6): a number shared with the WhatsApp Business app.
// What the business typed in the app (echoes) and its past chats (history) are stored like our messages and
// recorded in the CRM, marked as such — never sent through our send path, and without touching the customer service
// window (the app and the API do not share window state), read receipts or workflow triggers.
import type { ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import type { CustomerIdentity } from '../../core/customer-id';
import type { Connection } from '../../store/connections';
import { coexistenceStatements } from '../../store/coexistence';

type CoexistenceEvent = Extract<ProviderEvent, { kind: 'coexistence_message' }>;

export async function storeCoexistenceMessage(
  ctx: AppContext,
  connection: Connection,
  event: CoexistenceEvent,
  /** The customer the event names, checked by the caller (relay-inbound customerIdentity); null = unreadable. */
  identity: CustomerIdentity | null,
): Promise<'stored' | 'duplicate' | 'unreadable'> {
  if (!identity) return 'unreadable';
  const now = ctx.now();
  const { contact, phoneLinked } = await ctx.contacts.resolve(connection.id, identity, {}, now);
  if (phoneLinked) await ctx.queue.send({ type: 'crm_link_phone', contactId: contact.id });
  const id = ctx.messages.newId();
  const status = event.status ?? (event.direction === 'outbound' ? 'sent' : 'delivered');
  const [inserted] = await ctx.db.batch<{ id: string }>([
    ctx.messages.insertStatement(
      id,
      {
        connectionId: connection.id,
        contactId: contact.id,
        direction: event.direction,
        // Outbound: the business's own message (shown as sent from the WhatsApp Business app, never by our panel).
        origin: event.direction === 'outbound' ? 'app' : 'customer',
        providerMessageId: event.providerMessageId,
        content: event.content,
        status,
        statusTimes: { [status]: event.timestamp },
        // No send state: nothing of ours sends it, the outbox never owes a send for it.
        sendState: null,
        crmSync: 'pending',
        occurredAt: event.timestamp,
      },
      now,
    ),
    // Only when the insert happened (a redelivered webhook changes nothing): where it came from, and the number
    // learns it is shared with the app (paced at 20 msg/s from now on).
    ...coexistenceStatements(ctx.db, id, event.source, connection.id, now),
  ]);
  if (!inserted?.results.length) return 'duplicate';
  // The imported past is bulk work: it waits behind people's messages (platform/queue.ts laneOf).
  await ctx.queue.send({
    type: 'crm_record_message',
    messageId: id,
    ...(event.source === 'history' ? { lane: 'bulk' as const } : {}),
  });
  return 'stored';
}
