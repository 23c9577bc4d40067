// The outbox sweep (DESIGN.md §6: nothing stored is ever stranded). A row is written to D1 before its queue message
// is sent; an invocation that dies in between (or a queue message lost with a killed local runtime) leaves a row
// that owes a provider send or a CRM write and that nothing would ever look at again. The cron trigger runs this
// sweep: it re-enqueues every such row that has been due longer than the grace period and is not claimed within
// its lease. It is idempotent with the normal path: the jobs claim their row (compare-and-swap) before working, so a
// swept row whose original job was only late is still done once.
import type { AppContext } from '../../context';
import type { Job } from '../../platform/queue';
import { CampaignChainStore } from '../../store/campaign-chains';
import { OutboxStore } from '../../store/outbox';
import { enqueueCampaignLogs } from '../crm/crm-bulk';
import { sweepPhoneLinks } from '../crm/crm-link-phone';
import { sweepHistoryImports } from '../relay/history-import';
import { sweepMarketingPreferences } from '../relay/marketing-preferences';

/** Rows per kind and sweep; a backlog larger than this is taken over the next sweeps. */
const SWEEP_LIMIT = 500;

export interface SweepResult {
  sends: number;
  crmWrites: number;
  deliveries: number;
  statuses: number;
  campaigns: number;
}

export async function sweepOutbox(ctx: AppContext, limit = SWEEP_LIMIT): Promise<SweepResult> {
  const now = ctx.now();
  const { OUTBOX_GRACE_MS, OUTBOX_BULK_GRACE_MS, SEND_CLAIM_LEASE_MS, CRM_CLAIM_LEASE_MS } = ctx.config;
  const dueBefore = now - OUTBOX_GRACE_MS;
  const outbox = new OutboxStore(ctx.db);
  const sends = await outbox.sweepSends(now, dueBefore, now - SEND_CLAIM_LEASE_MS, limit);
  const crmWrites = await outbox.sweepCrmWrites(
    now,
    { dueBefore, bulkDueBefore: now - OUTBOX_BULK_GRACE_MS, claimedBefore: now - CRM_CLAIM_LEASE_MS },
    limit,
  );
  const deliveries = await outbox.sweepDeliveries(now, dueBefore, limit);
  const statuses = await outbox.sweepCrmStatuses(
    now,
    { dueBefore, bulkDueBefore: now - OUTBOX_BULK_GRACE_MS },
    limit,
  );
  // Each job carries the attempts its row already used, so backoff and budgets continue where they were.
  for (const row of sends)
    await ctx.queue.send({ type: 'send_message', messageId: row.id }, { priorAttempts: row.attempts });
  for (const row of crmWrites.filter((r) => !r.bulk))
    await ctx.queue.send({ type: 'crm_record_message', messageId: row.id }, { priorAttempts: row.attempts });
  // A campaign's logs go back to the bulk lane, coalesced, as the campaign sent them (crm-bulk.ts).
  await enqueueCampaignLogs(
    ctx,
    crmWrites.filter((r) => r.bulk).map((r) => r.id),
  );
  const deliveryJobs: Job[] = deliveries.map((d) => ({
    type: 'crm_outbound',
    installationId: d.installationId,
    deliveryKey: d.id,
  }));
  if (deliveryJobs.length) await ctx.queue.sendBatch(deliveryJobs);
  // A campaign chain that stopped running (its job lost): one more chain at the current generation. Recipients are
  // claimed slice by slice (campaign-sends.ts claimDue), so a chain that was only late sends nobody twice.
  const stalled = await new CampaignChainStore(ctx.db).sweepStalled(now, dueBefore, limit);
  if (stalled.length)
    await ctx.queue.sendBatch(
      stalled.map((c) => ({ type: 'campaign_send' as const, campaignId: c.id, generation: c.generation })),
    );
  // A status job claims its rank before calling the CRM: a swept copy of a job that was only late does nothing.
  const statusJobs: Job[] = statuses.map((s) => ({
    type: 'crm_record_status',
    messageId: s.id,
    ...(s.bulk ? { lane: 'bulk' as const } : {}),
  }));
  if (statusJobs.length) await ctx.queue.sendBatch(statusJobs);
  // WhatsApp marketing stop / resume writes owed to the CRM (issue 12 item 1): logged, not in the result's counts.
  const marketingPreferences = await sweepMarketingPreferences(ctx, dueBefore, limit);
  if (marketingPreferences > 0)
    console.warn(JSON.stringify({ level: 'warn', msg: 'outbox sweep re-enqueued', marketingPreferences }));
  // A BSUID customer's phone owed to their CRM record (crm_phone_links, migrations/0025): logged like the above.
  const phoneLinks = await sweepPhoneLinks(
    ctx,
    { dueBefore, claimedBefore: now - CRM_CLAIM_LEASE_MS },
    limit,
  );
  if (phoneLinks > 0)
    console.warn(JSON.stringify({ level: 'warn', msg: 'outbox sweep re-enqueued', phoneLinks }));
  // Coexistence history imports that stopped moving (issue 12 item 5): resumed at their cursor.
  const historyImports = await sweepHistoryImports(ctx, dueBefore, limit);
  if (historyImports > 0)
    console.warn(JSON.stringify({ level: 'warn', msg: 'outbox sweep re-enqueued', historyImports }));
  const result = {
    sends: sends.length,
    crmWrites: crmWrites.length,
    deliveries: deliveries.length,
    statuses: statuses.length,
    campaigns: stalled.length,
  };
  if (Object.values(result).some((n) => n > 0))
    console.warn(JSON.stringify({ level: 'warn', msg: 'outbox sweep re-enqueued stranded rows', ...result }));
  return result;
}
