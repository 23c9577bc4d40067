// Provider status events → the message's per-status times, through the lattice (DESIGN.md §3.4): statuses
// arrive late and out of order; each keeps its own time and a late `delivered` never downgrades `read`.
import type { ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { messageFailedFirings } from '../crm/automation-trigger-events';
import { enqueueFirings } from '../crm/automation-triggers';
import { providerCharge } from '../../core/pricing';
import { afterCampaignCap, campaignCapStatements } from '../campaigns/campaign-caps';
import { CampaignSendStore } from '../../store/campaign-sends';
import { afterStoppedBySend, stoppedBySendStatement, WHATSAPP_OPT_OUT_REASON } from './marketing-preferences';
import { applyStatus, effectiveStatus } from '../../core/status';
import { openFreeEntryPointStatement } from '../../store/free-entry-point';
import type { Connection } from '../../store/connections';
import { mayRetry, retryDelaySeconds, type RetryPolicy } from '../../platform/retry-policy';

type StatusEvent = Extract<ProviderEvent, { kind: 'status' }>;
export type StatusOutcome = 'applied' | 'duplicate' | 'deferred';

/**
 * A status for a message whose send response has not been stored yet is parked and looked at again: every 20 s (the
 * send job writes the provider id within its own run; nothing to back off from), 15 times (5 minutes).
 */
export const STATUS_RETRY: RetryPolicy = {
  firstMs: 20_000,
  growth: 'fixed',
  maxMs: 20_000,
  jitter: 'none',
  retries: 15,
};

export async function applyStatusEvent(
  ctx: AppContext,
  connection: Connection,
  event: StatusEvent,
  attempt = 0,
): Promise<StatusOutcome> {
  for (let round = 0; round < 5; round++) {
    const message = await ctx.messages.findByProviderId(connection.id, event.providerMessageId);
    if (!message) {
      // The webhook can beat our own write of the provider id: park it instead of dropping it.
      if (mayRetry(STATUS_RETRY, attempt)) {
        await ctx.queue.send(
          { type: 'status_retry', connectionId: connection.id, event, attempt: attempt + 1 },
          { delaySeconds: retryDelaySeconds(STATUS_RETRY, attempt) },
        );
      }
      return 'deferred';
    }
    const times = applyStatus(message.statusTimes, event.status, event.timestamp);
    // Pricing and warnings travel with a status the first time it is seen: a repeat changes nothing.
    if (times === message.statusTimes) return 'duplicate';
    const status = effectiveStatus(times);
    const update = ctx.messages.updateStatusStatement(
      message.id,
      message.statusTimes,
      times,
      status,
      event.status === 'failed' ? (event.error ?? null) : null,
      {
        pricing: event.pricing,
        warning: event.warning ?? null,
        // The provider's pricing replaces our estimate whole: category and charge (estimate kept, messages.ts).
        ...(event.pricing ? providerCharge(event.pricing) : {}),
        pricingType: event.pricing?.type ?? null,
      },
      ctx.now(),
    );
    // Meta priced it free because of a free entry point: the 72-hour window runs from the reply (issue 12 item 6).
    const fep =
      event.pricing?.type === 'free_entry_point' && message.direction === 'outbound'
        ? [
            openFreeEntryPointStatement(
              ctx.db,
              message.contactId,
              times.sent ?? message.occurredAt,
              ctx.now(),
            ),
          ]
        : [];
    // A failure's trigger firings are stored with the status (only if it applied): a crash after it loses neither.
    const fails = status === 'failed' && message.status !== 'failed' && message.direction === 'outbound';
    // A campaign send capped by the per-user marketing limit: its recipient's retry (or final `capped`) is written
    // with the status (issue 12 item 3, campaign-caps.ts).
    const capped =
      fails && message.origin === 'campaign' && event.error?.kind === 'capped'
        ? campaignCapStatements(ctx, message.id)
        : [];
    // Refused because the customer stopped marketing messages: their stop (and a campaign recipient's
    // `opted_out`) is written with the status too (issue 12).
    const stopped = fails && event.error?.kind === 'marketing_opted_out';
    const stop = stopped
      ? [
          stoppedBySendStatement(ctx, message.id),
          ...(message.origin === 'campaign'
            ? [
                new CampaignSendStore(ctx.db).optedOutStatement(
                  message.id,
                  WHATSAPP_OPT_OUT_REASON,
                  ctx.now(),
                ),
              ]
            : []),
        ]
      : [];
    const [updated, firings, cap] = fails
      ? await ctx.db.batch<{ id: string }>([
          update,
          await messageFailedFirings(ctx, connection, message, event.error ?? null, JSON.stringify(times)),
          ...capped,
          ...stop,
        ])
      : fep.length
        ? await ctx.db.batch<{ id: string }>([update, ...fep])
        : [await update.run<{ id: string }>()];
    const swapped = updated?.meta.changes === 1;
    if (!swapped) continue; // a concurrent status landed first: recompute from the newer times
    if (status !== message.status && message.direction === 'outbound' && message.origin !== 'customer') {
      // A campaign message's status is bulk work (platform/queue.ts laneOf).
      await ctx.queue.send({
        type: 'crm_record_status',
        messageId: message.id,
        ...(message.origin === 'campaign' ? { lane: 'bulk' as const } : {}),
      });
    }
    if (fails) await enqueueFirings(ctx, firings);
    if (capped.length) await afterCampaignCap(ctx, cap);
    // A failure is either capped or stopped: the stop's answer is the third, where a cap's would be.
    if (stopped) await afterStoppedBySend(ctx, cap);
    return 'applied';
  }
  return 'deferred';
}

export type { StatusEvent };
