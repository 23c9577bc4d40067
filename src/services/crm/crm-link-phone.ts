// A customer first known only by WhatsApp username (BSUID) shared their phone: the phone goes onto the CRM contact /
// person created for them without one, so the CRM never holds two records of one customer (issue 11).
// Owed work (issue 17, nothing stranded): the merge stores a crm_phone_links row in its own batch; this job claims it,
// and deletes it once the CRM has the phone; the outbox sweep re-enqueues a row whose job was lost.
import type { AppContext } from '../../context';
import { PhoneLinkStore } from '../../store/phone-links';
import { crmAdapterFor, failureOutcome } from './crm';
import { crmPacer } from './crm-pacing';
import type { JobOutcome } from '../job-outcome';
import { mayRetry, retryDelaySeconds, type RetryPolicy } from '../../platform/retry-policy';

/** The record job that creates the CRM contact may still be running: look again every minute, five times. */
const UNLINKED_RETRY: RetryPolicy = {
  firstMs: 60_000,
  growth: 'fixed',
  maxMs: 60_000,
  jitter: 'none',
  retries: 5,
};
/** An uninstalled installation's link stays owed (a reinstall keeps everything): looked at again this often. */
const INACTIVE_RECHECK_MS = 3_600_000;

export async function runCrmLinkPhone(
  ctx: AppContext,
  contactId: string,
  attempt: number,
): Promise<JobOutcome> {
  const links = new PhoneLinkStore(ctx.db);
  const claimedAt = ctx.now();
  // Nothing owed (already linked by another copy of this job, or dead) or a live job holds it: nothing to do.
  const claimed = await links.claim(contactId, claimedAt, ctx.config.CRM_CLAIM_LEASE_MS);
  if (!claimed) return { kind: 'done' };
  const tried = Math.max(attempt, claimed.attempts);
  const contact = await ctx.contacts.get(contactId);
  if (!contact?.phone) {
    await links.finish(contactId, claimedAt);
    return { kind: 'done' };
  }
  if (!contact.crmContactId) {
    if (!mayRetry(UNLINKED_RETRY, tried)) {
      // No CRM record after minutes: the record job that creates it will carry the phone itself.
      await links.finish(contactId, claimedAt);
      return { kind: 'done' };
    }
    const delaySeconds = retryDelaySeconds(UNLINKED_RETRY, tried);
    await links.release(contactId, claimedAt, claimedAt + delaySeconds * 1000, tried + 1);
    return { kind: 'retry', delaySeconds, countsAsAttempt: true };
  }
  const { connections, installations } = await ctx.secretStores();
  const connection = await connections.get(contact.connectionId);
  const installation = connection ? await installations.get(connection.installationId) : null;
  if (!connection || !installation) {
    await links.finish(contactId, claimedAt);
    return { kind: 'done' };
  }
  if (installation.status !== 'active') {
    await links.release(contactId, claimedAt, claimedAt + INACTIVE_RECHECK_MS, tried);
    return { kind: 'done' };
  }
  const pacer = crmPacer(ctx, installation);
  try {
    const adapter = crmAdapterFor(ctx, installation, connection, pacer);
    await adapter.linkPhone?.(contact.crmContactId, contact.phone);
  } catch (error) {
    const outcome = failureOutcome(error, tried);
    if (outcome.kind === 'retry') {
      const attempts = tried + (outcome.countsAsAttempt ? 1 : 0);
      await links.release(contactId, claimedAt, ctx.now() + outcome.delaySeconds * 1000, attempts);
    }
    if (outcome.kind === 'dead') await links.markDead(contactId, ctx.now());
    return outcome;
  } finally {
    await pacer.settle();
  }
  // A failure of this write throws: the claim stays, and the sweep hands the link out again after its lease (a PUT
  // of the same phone, harmless twice).
  await links.finish(contactId, claimedAt);
  return { kind: 'done' };
}

/** A link job dead-lettered: the row says so (not swept any more), and the dead letter names the installation. */
export async function markPhoneLinkDead(ctx: AppContext, contactId: string): Promise<string | null> {
  await new PhoneLinkStore(ctx.db).markDead(contactId, ctx.now());
  return installationOfContact(ctx, contactId);
}

/** The installation a customer's CRM work belongs to (dead letters are listed per installation). */
export async function installationOfContact(ctx: AppContext, contactId: string): Promise<string | null> {
  const contact = await ctx.contacts.get(contactId);
  if (!contact) return null;
  const { connections } = await ctx.secretStores();
  return (await connections.get(contact.connectionId))?.installationId ?? null;
}

/** Outbox sweep: links whose job was lost (DESIGN.md §6, nothing stranded); returns how many were re-enqueued. */
export async function sweepPhoneLinks(
  ctx: AppContext,
  due: { dueBefore: number; claimedBefore: number },
  limit: number,
): Promise<number> {
  const rows = await new PhoneLinkStore(ctx.db).sweep(ctx.now(), due.dueBefore, due.claimedBefore, limit);
  for (const row of rows)
    await ctx.queue.send(
      { type: 'crm_link_phone', contactId: row.contactId },
      { priorAttempts: row.attempts },
    );
  return rows.length;
}
