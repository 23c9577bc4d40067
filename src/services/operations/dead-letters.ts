// Redrive from the admin page's failed deliveries (DESIGN.md §6: an outage delays, never loses): a dead letter's job
// goes back to the queue with a fresh budget, once. The row it owes work for is reopened in the same D1 batch as the
// claim, so a crash before the enqueue leaves a row the outbox sweep finds (services/operations/outbox-sweep.ts).
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { jobSchema, type Job } from '../../platform/queue';
import { OutboxStore } from '../../store/outbox';
import { AutomationTriggerStore } from '../../store/automation-triggers';
import { MarketingPreferenceStore } from '../../store/marketing-preferences';
import { PhoneLinkStore } from '../../store/phone-links';

export async function redriveDeadLetter(ctx: AppContext, installationId: string, id: string): Promise<Job> {
  const outbox = new OutboxStore(ctx.db);
  const row = await ctx.db
    .prepare('SELECT job, redriven_at FROM dead_letters WHERE id = ? AND installation_id = ?')
    .bind(id, installationId)
    .first<{ job: string; redriven_at: number | null }>();
  if (!row) throw new AppError('not_found', 'Dead letter not found');
  if (row.redriven_at !== null)
    throw new AppError('conflict', 'This delivery was already sent back to the queue');
  const parsed = jobSchema.safeParse(JSON.parse(row.job));
  if (!parsed.success) throw new AppError('conflict', 'This dead letter holds no job that can run again');
  const job = parsed.data;
  const now = ctx.now();
  const reopen: D1PreparedStatement[] = [];
  if (job.type === 'crm_record_message') reopen.push(outbox.reopenCrmWriteStatement(job.messageId, now));
  if (job.type === 'crm_outbound') reopen.push(outbox.reopenDeliveryStatement(job.deliveryKey, now));
  if (job.type === 'crm_record_status') reopen.push(outbox.reopenStatusStatement(job.messageId, now));
  if (job.type === 'crm_record_change') reopen.push(outbox.reopenChangeStatement(job.changeId, now));
  if (job.type === 'crm_link_phone')
    reopen.push(new PhoneLinkStore(ctx.db).reopenStatement(job.contactId, now));
  // A dead firing or preference finished its row: without reopening it, the redriven job would find nothing owed.
  if (job.type === 'crm_fire_trigger')
    reopen.push(new AutomationTriggerStore(ctx.db).reopenStatement(job.firingId));
  if (job.type === 'crm_marketing_preference')
    reopen.push(new MarketingPreferenceStore(ctx.db).reopenStatement(job.contactId, now));
  const [claimed] = await ctx.db.batch<{ job: string }>([
    outbox.claimRedriveStatement(installationId, id, now),
    ...reopen,
  ]);
  // Lost a race with another click: the first one sent it.
  if (!claimed?.results.length)
    throw new AppError('conflict', 'This delivery was already sent back to the queue');
  await ctx.queue.send(job);
  return job;
}
