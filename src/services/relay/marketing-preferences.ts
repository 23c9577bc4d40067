// WhatsApp's own marketing stop / resume (issue 12 item 1, DESIGN.md §3.5): stored per customer with its time and
// source, honoured by marketing campaigns (preflight and send time), shown to agents and admins, and reflected in
// the CRM (HighLevel WhatsApp DND, Pipedrive note). Utility and authentication sends are not affected.
import type { ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import type { CustomerIdentity } from '../../core/customer-id';
import type { Connection } from '../../store/connections';
import { MarketingPreferenceStore } from '../../store/marketing-preferences';
import { crmAdapterFor, failureOutcome } from '../crm/crm';
import { crmPacer } from '../crm/crm-pacing';
import type { JobOutcome } from '../job-outcome';

type PreferenceEvent = Extract<ProviderEvent, { kind: 'marketing_preference' }>;

/** The skip reason campaigns record for a customer who stopped marketing messages inside WhatsApp. */
export const WHATSAPP_OPT_OUT_REASON = 'opted_out: whatsapp';

/**
 * The provider refused a send because its customer stopped marketing messages inside WhatsApp (error kind
 * `marketing_opted_out`): the same stop as a preference webhook, written in the batch that records the failure.
 */
export function stoppedBySendStatement(ctx: AppContext, messageId: string): D1PreparedStatement {
  const now = ctx.now();
  return new MarketingPreferenceStore(ctx.db).stoppedByMessageStatement(
    messageId,
    'A marketing message was refused: the customer stopped marketing messages in WhatsApp',
    now,
    now,
  );
}

/** After that batch (`result`: the statement's answer): the CRM is owed the stop (the outbox sweep if this is lost). */
export async function afterStoppedBySend(ctx: AppContext, result: D1Result | undefined): Promise<void> {
  const row = result?.results?.[0] as { contact_id: string } | undefined;
  if (row) await ctx.queue.send({ type: 'crm_marketing_preference', contactId: row.contact_id });
}

/** Stores the change (the newest wins) and owes it to the CRM. 'duplicate' for a repeat or an older change. */
export async function applyMarketingPreference(
  ctx: AppContext,
  connection: Connection,
  event: PreferenceEvent,
  /** Who, checked by the caller (relay-inbound customerIdentity); null: neither a valid phone nor a BSUID. */
  identity: CustomerIdentity | null,
): Promise<'stored' | 'duplicate' | 'unreadable'> {
  if (!identity) return 'unreadable';
  const now = ctx.now();
  const { contact } = await ctx.contacts.resolve(connection.id, identity, {}, now);
  const changed = await new MarketingPreferenceStore(ctx.db).apply(
    {
      contactId: contact.id,
      connectionId: connection.id,
      stopped: event.preference === 'stop',
      source: 'whatsapp',
      detail: event.detail ?? null,
      changedAt: event.timestamp,
    },
    now,
  );
  if (!changed) return 'duplicate';
  await ctx.queue.send({ type: 'crm_marketing_preference', contactId: contact.id });
  return 'stored';
}

/** The CRM write owed for the customer's latest preference; a newer change re-owes it (its own job). */
export async function runCrmMarketingPreference(
  ctx: AppContext,
  contactId: string,
  attempt: number,
): Promise<JobOutcome> {
  const store = new MarketingPreferenceStore(ctx.db);
  const preference = await store.get(contactId);
  const contact = await ctx.contacts.get(contactId);
  if (!preference || !contact || preference.crmSync !== 'pending') return { kind: 'done' };
  // Another copy of this job (the original, late, or the sweep's) holds the write: it is done once.
  const now = ctx.now();
  if (!(await store.claimCrm(contactId, now, now + ctx.config.CRM_CLAIM_LEASE_MS))) return { kind: 'done' };
  const { connections, installations } = await ctx.secretStores();
  const connection = await connections.get(contact.connectionId);
  const installation = connection ? await installations.get(connection.installationId) : null;
  if (!connection || !installation || installation.status !== 'active') return { kind: 'done' };
  const pacer = crmPacer(ctx, installation);
  try {
    const adapter = crmAdapterFor(ctx, installation, connection, pacer);
    const result = await adapter.recordMarketingPreference?.(
      {
        ...(contact.phone ? { customerPhone: contact.phone } : {}),
        ...(contact.userId ? { customerUserId: contact.userId } : {}),
        ...(contact.username ? { customerUsername: contact.username } : {}),
        customerName: contact.name ?? undefined,
        crmContactId: contact.crmContactId ?? undefined,
      },
      { stopped: preference.stopped, at: preference.changedAt },
    );
    if (result?.crmContactId && !contact.crmContactId)
      await ctx.contacts.setCrmIds(contact.id, result.crmContactId, null, ctx.now());
    await store.finishCrm(contactId, preference.changedAt, 'done', ctx.now());
    return { kind: 'done' };
  } catch (error) {
    const outcome = failureOutcome(error, attempt);
    if (outcome.kind === 'dead') await store.finishCrm(contactId, preference.changedAt, 'dead', ctx.now());
    if (outcome.kind === 'retry') await store.deferCrm(contactId, ctx.now() + outcome.delaySeconds * 1000);
    return outcome;
  } finally {
    await pacer.settle();
  }
}

/** What the sidebar / window API shows: whether the customer stopped marketing messages inside WhatsApp. */
export async function marketingOptOutOf(
  ctx: AppContext,
  contactId: string | undefined,
): Promise<{ stopped: boolean; source: string; at: number } | null> {
  if (!contactId) return null;
  const preference = await new MarketingPreferenceStore(ctx.db).get(contactId);
  return preference
    ? { stopped: preference.stopped, source: preference.source, at: preference.changedAt }
    : null;
}

/** The admin's opt-out list: the admin's own entries, STOP keywords and WhatsApp marketing stops, with the source. */
export async function optOutList(ctx: AppContext, installationId: string) {
  return { optOuts: await new MarketingPreferenceStore(ctx.db).optOuts(installationId, 500) };
}

/** Outbox sweep: CRM writes of marketing preferences whose job was lost (DESIGN.md §6, nothing stranded). */
export async function sweepMarketingPreferences(
  ctx: AppContext,
  dueBefore: number,
  limit: number,
): Promise<number> {
  const ids = await new MarketingPreferenceStore(ctx.db).sweepPendingCrm(ctx.now(), dueBefore, limit);
  for (const contactId of ids) await ctx.queue.send({ type: 'crm_marketing_preference', contactId });
  return ids.length;
}
