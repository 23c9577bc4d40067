// Queue consumer side of an outbound message: pace, send once, record the outcome (DESIGN.md §3.5, §6).
import { messageFailedFirings } from '../crm/automation-trigger-events';
import { enqueueFirings } from '../crm/automation-triggers';
import type { AppContext } from '../../context';
import type { OutboundMessage, ProviderErrorInfo } from '../../core/message';
import { applyStatus } from '../../core/status';
import { opensFreeEntryPoint, windowFromSummary } from '../../core/window';
import type { Connection } from '../../store/connections';
import { windowSummaryOf, type Contact } from '../../store/contacts';
import { openFreeEntryPointStatement } from '../../store/free-entry-point';
import type { StoredMessage } from '../../store/messages';
import { OutboxStore } from '../../store/outbox';
import { connectionDisabledError, isSendable } from './connection-state';
import type { JobOutcome } from '../job-outcome';
import { retryDelaySeconds, type RetryPolicy } from '../../platform/retry-policy';
import { afterStoppedBySend, stoppedBySendStatement } from './marketing-preferences';
import { markCustomerMessagesRead } from './mark-read';
import { providerAdapterFor } from './providers';
import { errorInfo, outboundMessage, sendOne, type SendAnswer } from './send-one';

/** Waits shorter than this are slept through in the consumer; longer ones go back to the queue with a delay. */
const MAX_INLINE_WAIT_MS = 1_000;

/**
 * Retries of one provider send (and of other provider calls that stand for a person's action): doubling from 1 s with
 * equal jitter, at least the provider's Retry-After. Capped at 256 s — the old `min(300, 2 ** min(attempt, 8))` never
 * got past 2 ** 8 — because a reply should go out soon after the outage; no attempt count: a send is retried while
 * it can still be delivered (`deliverableUntil`).
 */
export const SEND_RETRY: RetryPolicy = { firstMs: 1_000, maxMs: 256_000 };

async function toOutbound(
  ctx: AppContext,
  connection: Connection,
  message: StoredMessage,
): Promise<{ outbound: OutboundMessage; contact: Contact }> {
  const contact = (await ctx.contacts.get(message.contactId))!;
  const content = message.content!;
  const template =
    content.type === 'template'
      ? await ctx.templates.get(connection.id, content.templateId, connection.provider)
      : null;
  return { outbound: outboundMessage(message.id, contact.address, content, template), contact };
}

/** Sends a queued message at most once. */
export async function runSendJob(ctx: AppContext, messageId: string, attempt: number): Promise<JobOutcome> {
  const message = await ctx.messages.get(messageId);
  if (!message || message.direction !== 'outbound' || message.campaignId) return { kind: 'done' };
  if (message.sendState === 'sending') return resumeClaimedSend(ctx, message);
  if (message.sendState !== 'queued') return { kind: 'done' };
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(message.connectionId);
  if (!connection) return { kind: 'done' };
  if (!isSendable(connection)) {
    // Queued before the number was disabled (uninstall): it fails now with the reason, it is never claimed.
    await ctx.messages.fail(
      message.id,
      connectionDisabledError(connection),
      applyStatus(message.statusTimes, 'failed', ctx.now()),
      ctx.now(),
    );
    await afterOutcome(ctx, message);
    return { kind: 'done' };
  }

  // A person's send reserves from the whole bucket; campaigns leave it a share (send-pacing.ts).
  const waitMs = await ctx.platform.limiter.reserve(connection.id, connection.rateLimitPerSecond);
  if (waitMs > MAX_INLINE_WAIT_MS)
    return { kind: 'retry', delaySeconds: Math.ceil(waitMs / 1000), countsAsAttempt: false };
  if (waitMs > 0) await ctx.sleep(waitMs);

  const adapter = await providerAdapterFor(ctx, connection);
  const { outbound, contact } = await toOutbound(ctx, connection, message);
  // The claim is the last step before the request: a send that dies after it may have left (its outcome is unknown).
  const outbox = new OutboxStore(ctx.db);
  if (!(await outbox.claimSend(message.id, ctx.now()))) return { kind: 'done' };
  const answer = await sendOne(ctx, adapter, connection.id, outbound);
  if (answer.kind !== 'accepted')
    return handleSendError(ctx, connection, message, answer, Math.max(attempt, message.sendAttempts));
  const { result } = answer;
  // The message left. A failure from here on (D1) must not look like a failed send: the job throws, the claim stays,
  // and after its lease the send is `unknown` — never sent again.
  const times = applyStatus(message.statusTimes, result.status, ctx.now());
  await ctx.messages.markSent(message.id, result.providerMessageId, times, result.status, ctx.now());
  // Our reply to a customer who came from an ad / Page within the window opens the 72-hour free entry point.
  const sentAt = ctx.now();
  if (opensFreeEntryPoint(windowSummaryOf(contact), sentAt))
    await openFreeEntryPointStatement(ctx.db, contact.id, sentAt, sentAt).run();
  await afterOutcome(ctx, message);
  // Only after the outcome is recorded: the read receipt can neither delay nor fail the reply.
  await markCustomerMessagesRead(ctx, adapter, message);
  return { kind: 'done' };
}

/**
 * A send found claimed: its holder is still within the lease (come back when it ends), or died after the claim —
 * the request may have gone out, so it is never resent blindly (DESIGN.md §3.5): `unknown`, and the CRM is told.
 */
async function resumeClaimedSend(ctx: AppContext, message: StoredMessage): Promise<JobOutcome> {
  const leaseEnds = (message.sendClaimedAt ?? 0) + ctx.config.SEND_CLAIM_LEASE_MS;
  if (message.sendClaimedAt !== null && leaseEnds > ctx.now())
    return { kind: 'retry', delaySeconds: Math.ceil((leaseEnds - ctx.now()) / 1000), countsAsAttempt: false };
  const abandoned = await new OutboxStore(ctx.db).abandonStaleSend(
    message.id,
    message.sendClaimedAt,
    {
      kind: 'unknown_outcome',
      reason: 'The send was interrupted after it started; it may or may not have been delivered.',
    },
    ctx.now(),
  );
  if (abandoned) await afterOutcome(ctx, message);
  return { kind: 'done' };
}

/**
 * Until when a send may still be retried (DESIGN.md §6: an outage delays, never fails): a free-form message while
 * the customer service window is open, a template for `TEMPLATE_SEND_RETRY_MS` after it was queued.
 */
async function deliverableUntil(ctx: AppContext, message: StoredMessage): Promise<number> {
  if (message.content?.type === 'template') return message.occurredAt + ctx.config.TEMPLATE_SEND_RETRY_MS;
  const contact = await ctx.contacts.get(message.contactId);
  return contact ? (windowFromSummary(windowSummaryOf(contact), ctx.now()).closesAt ?? 0) : 0;
}

async function handleSendError(
  ctx: AppContext,
  connection: Connection,
  message: StoredMessage,
  answer: Exclude<SendAnswer, { kind: 'accepted' }>,
  attempt: number,
): Promise<JobOutcome> {
  const now = ctx.now();
  const { error } = answer;
  if (answer.kind === 'unknown') {
    // The request left and no answer came back: never resend blindly (DESIGN.md §3.5).
    await ctx.messages.setSendState(message.id, 'unknown', now, errorInfo(error));
    await afterOutcome(ctx, message);
    return { kind: 'done' };
  }
  if (answer.kind === 'retryable') {
    const delaySeconds = retryDelaySeconds(SEND_RETRY, attempt, answer.retryAfterMs);
    const until = await deliverableUntil(ctx, message);
    if (now + delaySeconds * 1000 < until) {
      const outbox = new OutboxStore(ctx.db);
      await outbox.scheduleSendRetry(message.id, now + delaySeconds * 1000, attempt + 1, error.message, now);
      return { kind: 'retry', delaySeconds, countsAsAttempt: true };
    }
    // Out of time: the last reason, and why we stopped.
    const info = errorInfo(error);
    const stopped =
      message.content?.type === 'template'
        ? 'gave up retrying after the template retry period'
        : 'gave up retrying: the customer service window closed (a template can still reach the customer)';
    const reason = `${info.reason} (${attempt + 1} attempts; ${stopped})`;
    await failWithFirings(ctx, connection, message, { ...info, reason }, info, now);
    return { kind: 'done' };
  }
  // Refused (also a cap or a refused sender: a person's message is not held back for them). A marketing stop is the
  // customer's: it is stored with the failure, as when it comes in a status webhook (relay-status.ts, issue 12).
  const stop = answer.kind === 'opted_out' ? stoppedBySendStatement(ctx, message.id) : null;
  await failWithFirings(ctx, connection, message, errorInfo(error), errorInfo(error), now, stop);
  return { kind: 'done' };
}

/** Marks the send failed and stores its "message failed" trigger firings in one batch: a crash after it loses neither. */
async function failWithFirings(
  ctx: AppContext,
  connection: Connection,
  message: StoredMessage,
  stored: ProviderErrorInfo,
  reported: ProviderErrorInfo,
  now: number,
  /** The customer's marketing stop, written in the same batch. */
  stop: D1PreparedStatement | null = null,
): Promise<void> {
  const firings = await messageFailedFirings(ctx, connection, message, reported);
  const [, fired, stopped] = await ctx.db.batch<{ id: string }>([
    ctx.messages.failStatement(message.id, stored, applyStatus(message.statusTimes, 'failed', now), now),
    firings,
    ...(stop ? [stop] : []),
  ]);
  await afterOutcome(ctx, message);
  await enqueueFirings(ctx, fired);
  if (stop) await afterStoppedBySend(ctx, stopped);
}

/** Tell the CRM: a CRM-originated message gets its status, anything else is logged as a new message. */
async function afterOutcome(ctx: AppContext, message: StoredMessage): Promise<void> {
  if (message.origin === 'crm') await ctx.queue.send({ type: 'crm_record_status', messageId: message.id });
  else await ctx.queue.send({ type: 'crm_record_message', messageId: message.id });
}
