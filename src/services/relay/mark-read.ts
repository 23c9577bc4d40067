// Blue ticks for the customer: when an agent's reply has gone out, the customer's latest message is marked read at
// the provider (which marks every earlier one too). Best effort by design: the reply's outcome is recorded before,
// a failure is only logged, and nothing retries it (the customer's next message, once answered, covers this one).
import type { ProviderAdapter } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { ProviderError } from '../../core/errors';
import type { StoredMessage } from '../../store/messages';

/** Marks the replied-to customer's latest inbound message read, at most once per inbound message. Never throws. */
export async function markCustomerMessagesRead(
  ctx: AppContext,
  adapter: ProviderAdapter,
  reply: StoredMessage,
): Promise<void> {
  // Campaigns are business-initiated, not answers: the customer's messages stay unread for the agent to see.
  if (!adapter.markRead || reply.origin === 'campaign') return;
  let providerMessageId: string | null = null;
  try {
    providerMessageId = await ctx.contacts.claimReadMark(reply.contactId, ctx.now());
    if (!providerMessageId) return;
    await adapter.markRead(providerMessageId);
  } catch (raw) {
    const error = raw instanceof ProviderError ? raw : adapter.normalizeError(raw);
    // A rate limit is not worth a warning: the receipt is cosmetic and the send limiter must not pause for it.
    if (error.kind === 'rate_limited') return;
    // Ids and the vendor's code only: never the error's raw body or the adapter's request (they carry no use here
    // and may carry credentials).
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'marking the customer message read failed',
        connectionId: reply.connectionId,
        messageId: reply.id,
        kind: error.kind,
        vendorCode: error.vendorCode,
        httpStatus: error.httpStatus,
      }),
    );
  }
}
