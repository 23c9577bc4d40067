// A customer first known only by WhatsApp username (BSUID) shared their phone: the phone goes onto the CRM contact /
// person created for them without one, so the CRM never holds two records of one customer (issue 11).
import type { AppContext } from '../../context';
import { crmAdapterFor, failureOutcome } from './crm';
import { crmPacer } from './crm-pacing';
import type { JobOutcome } from '../job-outcome';

/** The record job that creates the CRM contact may still be running: look again this often, a few times. */
const UNLINKED_RETRY_S = 60;
const UNLINKED_RETRIES = 5;

export async function runCrmLinkPhone(
  ctx: AppContext,
  contactId: string,
  attempt: number,
): Promise<JobOutcome> {
  const contact = await ctx.contacts.get(contactId);
  if (!contact?.phone) return { kind: 'done' };
  if (!contact.crmContactId) {
    return attempt < UNLINKED_RETRIES
      ? { kind: 'retry', delaySeconds: UNLINKED_RETRY_S, countsAsAttempt: true }
      : { kind: 'done' };
  }
  const { connections, installations } = await ctx.secretStores();
  const connection = await connections.get(contact.connectionId);
  const installation = connection ? await installations.get(connection.installationId) : null;
  if (!connection || !installation || installation.status !== 'active') return { kind: 'done' };
  const pacer = crmPacer(ctx, installation);
  try {
    const adapter = crmAdapterFor(ctx, installation, connection, pacer);
    await adapter.linkPhone?.(contact.crmContactId, contact.phone);
    return { kind: 'done' };
  } catch (error) {
    return failureOutcome(error, attempt);
  } finally {
    await pacer.settle();
  }
}
