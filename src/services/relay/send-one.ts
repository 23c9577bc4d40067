// The one send path (issue 13): one message through the provider adapter, and what the provider's answer means
// (DESIGN.md §3.5). Single sends (send-job.ts: agent replies, API/sidebar, CRM deliveries, automations) and campaign
// slices (campaign-slice.ts) both send through `sendOne` and act on its `SendAnswer`; each keeps its own pacing
// before the call (people before bulk: send-pacing.ts) and its own persistence after it (the outbox row of a single
// send; one batched statement per campaign slice) and its own retry numbers (retry-policy.ts).
import type { ProviderAdapter, SendResult } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { ProviderError, TEMPLATE_REQUIRED_REASON } from '../../core/errors';
import {
  outboundTemplateOf,
  type MessageContent,
  type OutboundMessage,
  type ProviderErrorInfo,
} from '../../core/message';
import type { Template } from '../../core/template';

/** The shortest hold of a sender after a throughput 429, whatever its Retry-After says (0 would be no hold). */
export const MIN_SENDER_HOLD_MS = 1_000;

/** What one send's answer means for the message (and, for a throughput 429, for its sender). */
export type SendAnswer =
  /** The provider took the message. */
  | { kind: 'accepted'; result: SendResult }
  /** The request left and no answer came back (timeout, lost connection): it may have been delivered, so it is
   * never sent again blindly (DESIGN.md §3.5). */
  | { kind: 'unknown'; error: ProviderError }
  /** The customer reached their per-user marketing limit (Meta 131049): not delivered, not a failure of the message;
   * whether to send again later is the campaign's choice (campaign-caps.ts). */
  | { kind: 'capped'; error: ProviderError }
  /** The customer stopped this business's marketing inside WhatsApp (Meta 131050): an opt-out, never retried. */
  | { kind: 'opted_out'; error: ProviderError }
  /** The provider refused the sender itself (credentials, account): nothing of this sender can go out now. */
  | { kind: 'sender_refused'; error: ProviderError }
  /**
   * Refused for now (a 429, a 5xx before the message was taken): the same message may be sent again later, not
   * before `retryAfterMs`. `senderHoldUntil`: a throughput 429 of the whole sender, whose send bucket is paused
   * until then (every send of the number, people's and campaigns', waits it out); null for a recipient-scoped limit
   * or a transient failure.
   */
  | {
      kind: 'retryable';
      error: ProviderError;
      retryAfterMs: number | undefined;
      senderHoldUntil: number | null;
    }
  /** Refused for good (invalid recipient, template mismatch, window closed, …): this message only. */
  | { kind: 'refused'; error: ProviderError };

/** What the provider's refusal means (pure; `now` places a sender hold). */
export function classifySendError(
  error: ProviderError,
  now: number,
): Exclude<SendAnswer, { kind: 'accepted' }> {
  switch (error.kind) {
    case 'unknown_outcome':
      return { kind: 'unknown', error };
    case 'capped':
      return { kind: 'capped', error };
    case 'marketing_opted_out':
      return { kind: 'opted_out', error };
    case 'auth':
      return { kind: 'sender_refused', error };
  }
  if (!error.retryable) return { kind: 'refused', error };
  const senderWide = error.kind === 'rate_limited' && error.rateLimitScope !== 'recipient';
  return {
    kind: 'retryable',
    error,
    retryAfterMs: error.retryAfterMs,
    senderHoldUntil: senderWide
      ? now + Math.max(error.retryAfterMs ?? MIN_SENDER_HOLD_MS, MIN_SENDER_HOLD_MS)
      : null,
  };
}

/** The provider request for one message: its content, and the template's send identity for a template. */
export function outboundMessage(
  reference: string,
  to: string,
  content: MessageContent,
  template: Template | null | undefined,
): OutboundMessage {
  const outbound: OutboundMessage = { reference, to, content };
  if (content.type === 'template' && template) outbound.template = outboundTemplateOf(template);
  return outbound;
}

/**
 * Sends one message and classifies the answer. Anything the adapter throws becomes a ProviderError through the
 * adapter's own mapping (a timeout there is `unknown_outcome`). A sender-wide 429 pauses the number's send bucket
 * here, before the caller decides about this message: the provider's hold applies to every send of the number.
 */
export async function sendOne(
  ctx: AppContext,
  adapter: ProviderAdapter,
  connectionId: string,
  outbound: OutboundMessage,
): Promise<SendAnswer> {
  let result: SendResult;
  try {
    result = await adapter.send(outbound);
  } catch (raw) {
    const error = raw instanceof ProviderError ? raw : adapter.normalizeError(raw);
    const answer = classifySendError(error, ctx.now());
    if (answer.kind === 'retryable' && answer.senderHoldUntil !== null)
      await ctx.platform.limiter.pause(connectionId, answer.senderHoldUntil);
    return answer;
  }
  return { kind: 'accepted', result };
}

/** A provider failure as stored on the message and shown in the CRM. */
export function errorInfo(error: ProviderError): ProviderErrorInfo {
  return {
    kind: error.kind,
    vendorCode: error.vendorCode,
    vendorMessage: error.vendorMessage,
    // One wording for "outside the window" whatever the vendor or path (DESIGN.md §3.4): the CRM and sidebar show it.
    reason: error.kind === 'template_required' ? TEMPLATE_REQUIRED_REASON : error.message,
  };
}
