// How long a CRM Delivery URL job keeps retrying (issue 17: outages delay, never fail). A delivery is an
// agent's reply, so it gets the budget of every other reply (send-job.ts deliverableUntil): while the customer's
// window is open it retries until the window closes; otherwise (it would go out as a matched template) for the
// template retry period from when the CRM called us. A fixed attempt count (8, about 20 minutes) gave up during
// a short outage while the reply could still be delivered.
import { isVendorHttpError } from '../../../adapters/shared/vendor-http-error';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { normalizePhone } from '../../core/phone';
import { windowFromSummary } from '../../core/window';
import type { Connection } from '../../store/connections';
import { windowSummaryOf } from '../../store/contacts';
import type { StoredDelivery } from '../../store/crm-deliveries';
import { pacedOutcome } from './crm-pacing';
import type { JobOutcome } from '../job-outcome';
import { retryDelaySeconds } from '../../platform/retry-policy';
import { SEND_RETRY } from '../relay/send-job';

/** Until when the delivery may still reach the customer (and so is worth retrying). */
export async function deliveryRetryUntil(
  ctx: AppContext,
  connection: Connection | null,
  delivery: StoredDelivery,
): Promise<number> {
  const templateUntil = delivery.createdAt + ctx.config.TEMPLATE_SEND_RETRY_MS;
  const phone = normalizePhone(delivery.payload.phone);
  if (!connection || !phone.ok) return templateUntil;
  const contact = await ctx.contacts.find(connection.id, phone.e164);
  const closesAt = contact ? windowFromSummary(windowSummaryOf(contact), ctx.now()).closesAt : null;
  return closesAt !== null && closesAt > ctx.now() ? closesAt : templateUntil;
}

/** A failed attempt: retried (with backoff) while the reply can still be delivered, dead-lettered after. */
export function deliveryFailure(error: unknown, attempt: number, now: number, until: number): JobOutcome {
  const paced = pacedOutcome(error);
  if (paced) return paced;
  const reason = error instanceof Error ? error.message : 'The CRM delivery failed';
  const retryable = !(error instanceof AppError) || (isVendorHttpError(error) && error.retryable);
  if (retryable) {
    const retryAfterMs = isVendorHttpError(error) ? error.retryAfterMs : undefined;
    const delaySeconds = retryDelaySeconds(SEND_RETRY, attempt, retryAfterMs);
    if (now + delaySeconds * 1000 < until)
      return { kind: 'retry', delaySeconds, countsAsAttempt: true, reason };
    return {
      kind: 'dead',
      reason: `${reason} (${attempt + 1} attempts; the reply can no longer be delivered)`,
    };
  }
  return { kind: 'dead', reason };
}
