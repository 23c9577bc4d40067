// Dead letters (DESIGN.md §6: an outage delays, never loses). A job that exhausted its retries is recorded where the
// admin page shows it, and the row it owed work for is marked dead (deadLetter; the queue consumer and the CRM bulk
// lane call it). Redrive from the admin page's failed deliveries: a dead letter's job goes back to the queue with a
// fresh budget, once. The row it owes work for is reopened in the same D1 batch as the claim, so a crash before the
// enqueue leaves a row the outbox sweep finds (services/operations/outbox-sweep.ts).
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { jobSchema, type Job } from '../../platform/queue';
import { OutboxStore } from '../../store/outbox';
import { AutomationTriggerStore } from '../../store/automation-triggers';
import { MarketingPreferenceStore } from '../../store/marketing-preferences';
import { PhoneLinkStore } from '../../store/phone-links';
import { reportDeadDelivery } from '../crm/crm-delivery-failed';
import { installationOfContact, markPhoneLinkDead } from '../crm/crm-link-phone';
import { markFiringDead } from '../crm/automation-triggers';
import { markChangeDead } from '../relay/message-changes';

/** Records a job that exhausted its retries where the admin page can show it. */
export async function deadLetter(ctx: AppContext, job: Job, reason: string, attempts: number): Promise<void> {
  if (job.type === 'crm_record_batch') {
    // Each message of a coalesced campaign log is its own dead letter, marked on its row like a single one.
    for (const id of job.messageIds) await deadLetter(ctx, bulkRecordJob(id), reason, attempts);
    return;
  }
  let installationId: string | null = null;
  if ('messageId' in job) {
    const message = await ctx.messages.get(job.messageId);
    if (message) {
      const { connections } = await ctx.secretStores();
      installationId = (await connections.get(message.connectionId))?.installationId ?? null;
      // Only the record job owes the message's CRM write (a dead status job leaves the record as it is).
      if (job.type === 'crm_record_message')
        await ctx.messages.setCrmSync(message.id, 'dead', null, ctx.now());
      // A dead status report is no longer handed out by the outbox sweep (a redrive reopens it).
      if (job.type === 'crm_record_status') await new OutboxStore(ctx.db).markStatusDead(message.id);
    }
  } else if ('installationId' in job) {
    installationId = job.installationId;
    // Finished as dead, so the outbox sweep stops handing it out; a redrive reopens it.
    if (job.type === 'crm_outbound') {
      await new OutboxStore(ctx.db).markDeliveryDead(job.deliveryKey, ctx.now());
      // The CRM still shows the agent's reply as pending: it is told the reply failed, once.
      await reportDeadDelivery(ctx, job.deliveryKey, reason);
    }
  } else if (job.type === 'crm_record_change') installationId = await markChangeDead(ctx, job.changeId);
  else if (job.type === 'crm_fire_trigger') installationId = await markFiringDead(ctx, job.firingId);
  else if (job.type === 'crm_link_phone') installationId = await markPhoneLinkDead(ctx, job.contactId);
  // Named by its installation, so the admin's failed deliveries list it (and can redrive it).
  else if (job.type === 'crm_marketing_preference')
    installationId = await installationOfContact(ctx, job.contactId);
  await ctx.events.addDeadLetter(installationId, job.type, job, reason, attempts, ctx.now());
  console.error(JSON.stringify({ level: 'error', msg: 'job dead-lettered', type: job.type, reason }));
}

/** One message of a CRM bulk batch as its own job (a dead letter names the message it could not record). */
export const bulkRecordJob = (messageId: string): Job => ({
  type: 'crm_record_message',
  messageId,
  lane: 'bulk',
});

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
