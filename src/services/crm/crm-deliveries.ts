// A CRM's Delivery URL (DESIGN.md §1, §3.1, §3.5): a message its user asks us to send — an agent's reply, a workflow
// message or a bulk action's burst (HighLevel's conversation provider). The CRM's module reads the call into a
// "send this" command (adapters/crm/crm-inbound-hooks.ts); the route verifies, this stores and enqueues; the queue
// job applies the window engine. Nothing here calls the WhatsApp provider: sends go through the same queue and
// per-sender limiter as every other message.
import { crmModule } from '../../../adapters/crm/registry';
import type { CrmName } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { AppError, TEMPLATE_REQUIRED_REASON } from '../../core/errors';
import type { ProviderErrorInfo } from '../../core/message';
import { normalizePhone } from '../../core/phone';
import type { Job } from '../../platform/queue';
import type { Connection } from '../../store/connections';
import { CrmDeliveryStore, type StoredDelivery } from '../../store/crm-deliveries';
import type { Installation } from '../../store/installations';
import { OutboxStore } from '../../store/outbox';
import { connectionDisabledError } from '../relay/connection-state';
import { crmAdapterFor, crmEnvironment } from './crm';
import { contentsOf, matchApproved } from './crm-delivery-content';
import { deliveryFailure, deliveryRetryUntil } from './crm-delivery-retry';
import type { JobOutcome } from '../job-outcome';
import { queueOutbound } from '../relay/relay-outbound';

export type DeliveryAck = { status: 'queued' | 'duplicate' } | { status: 'ignored'; reason: string };

/**
 * POST /crm/<crm>/outbound, once its signature is verified (the CRM's inbound endpoint): store once per CRM message
 * id, enqueue, acknowledge.
 */
export async function acceptCrmDelivery(ctx: AppContext, crm: CrmName, body: unknown): Promise<DeliveryAck> {
  const module = crmModule(crm);
  if (!module.deliveryUrl) throw new AppError('not_found', `${module.label} has no Delivery URL`);
  const command = module.deliveryUrl.read(body);
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount(crm, command.accountId);
  if (!installation || installation.status !== 'active') {
    // Signed by the CRM but for an account without our app: nothing to send, nobody to report to.
    console.warn(
      JSON.stringify({ level: 'warn', msg: `${module.label} delivery for a location without an install` }),
    );
    return { status: 'ignored', reason: 'not_installed' };
  }
  if (
    command.channelId !== undefined &&
    !module.deliveryUrl.isOurs(crmEnvironment(ctx), installation, command.channelId)
  ) {
    // HighLevel signs every app's deliveries with one key: a delivery written for another app's provider, replayed
    // here, is genuinely signed. Acknowledged (so the CRM does not retry) and nothing is stored or sent.
    console.warn(
      JSON.stringify({ level: 'warn', msg: `${module.label} delivery for another conversation provider` }),
    );
    return { status: 'ignored', reason: 'other_provider' };
  }
  const store = new CrmDeliveryStore(ctx.db);
  const id = await store.insert(
    installation.id,
    command.crmMessageId,
    {
      phone: command.phone ?? '',
      text: command.text,
      attachments: command.attachments,
      crmContactId: command.crmContactId,
      userId: command.userId,
    },
    ctx.now(),
  );
  // Same message id again (the CRM retrying a slow answer): acknowledged, nothing sent twice (DESIGN.md §6).
  if (!id) return { status: 'duplicate' };
  await ctx.queue.send({ type: 'crm_outbound', installationId: installation.id, deliveryKey: id });
  return { status: 'queued' };
}

type CrmOutboundJob = Extract<Job, { type: 'crm_outbound' }>;

/** Queue job: window engine → free-form, matched template, or a failure reported back to the CRM. */
export async function runCrmDelivery(
  ctx: AppContext,
  job: CrmOutboundJob,
  attempt: number,
): Promise<JobOutcome> {
  const store = new CrmDeliveryStore(ctx.db);
  const delivery = await store.get(job.deliveryKey);
  if (!delivery || delivery.state === 'done' || delivery.installationId !== job.installationId)
    return { kind: 'done' };
  const { installations } = await ctx.secretStores();
  const installation = await installations.get(delivery.installationId);
  if (!installation || installation.status !== 'active') {
    await store.finish(delivery.id, 'failed:not_installed', ctx.now());
    return { kind: 'done' };
  }
  try {
    const outcome = await deliver(ctx, installation, delivery);
    await store.finish(delivery.id, outcome, ctx.now());
    return { kind: 'done' };
  } catch (error) {
    const connection = await connectionFor(ctx, installation).catch(() => null);
    // Not knowable now (D1 unreachable): the longest a reply is retried; the next attempt looks again.
    const until = await deliveryRetryUntil(ctx, connection, delivery).catch(
      () => delivery.createdAt + ctx.config.TEMPLATE_SEND_RETRY_MS,
    );
    const outcome = deliveryFailure(error, attempt, ctx.now(), until);
    // The row stays `queued` until then: the outbox sweep leaves it to this job's retry.
    if (outcome.kind === 'retry')
      await new OutboxStore(ctx.db).deferDelivery(delivery.id, ctx.now() + outcome.delaySeconds * 1000);
    return outcome;
  }
}

async function deliver(
  ctx: AppContext,
  installation: Installation,
  delivery: StoredDelivery,
): Promise<string> {
  const { active: connection, disabled } = await numberOf(ctx, installation);
  if (disabled) {
    // The account's number was disabled (uninstall, reinstall without reconnecting): the CRM shows the message
    // failed with the reason, and the sidebar thread keeps it (409 connection_disabled for our own API).
    if (await ctx.messages.findByCrmId(disabled.id, delivery.crmMessageId)) return 'already_handled';
    const phone = normalizePhone(delivery.payload.phone);
    if (!phone.ok) {
      await reportWithoutConnection(ctx, installation, delivery, connectionDisabledError(disabled));
    } else {
      await recordFailure(ctx, disabled, phone.e164, delivery, connectionDisabledError(disabled));
    }
    return 'failed:connection_disabled';
  }
  if (!connection) {
    await reportWithoutConnection(ctx, installation, delivery, {
      kind: 'rejected',
      reason: 'No WhatsApp number is connected to this location yet: connect one in the WhatsApp admin page.',
    });
    return 'failed:no_connection';
  }
  // A redelivered job after the row was written: the first run already decided.
  if (await ctx.messages.findByCrmId(connection.id, delivery.crmMessageId)) return 'already_handled';
  const parsed = normalizePhone(delivery.payload.phone);
  // A contact without phone (a WhatsApp username customer, issue 11) is the one we created: known by its id.
  const byCrmId =
    !parsed.ok && delivery.payload.crmContactId
      ? await ctx.contacts.findByCrmContactId(connection.id, delivery.payload.crmContactId)
      : null;
  const phone = parsed.ok ? parsed : byCrmId ? { ok: true as const, e164: byCrmId.address } : parsed;
  if (!phone.ok) {
    await reportWithoutConnection(ctx, installation, delivery, {
      kind: 'invalid_recipient',
      reason: `The contact has no valid WhatsApp number (${phone.reason}).`,
    });
    return 'failed:invalid_recipient';
  }
  const [first, ...rest] = contentsOf(delivery);
  const base = { connection, to: phone.e164, origin: 'crm' as const };
  try {
    await queueOutbound(ctx, { ...base, content: first!, crmMessageId: delivery.crmMessageId });
  } catch (error) {
    if (error instanceof AppError && error.code === 'phone_required') {
      await recordFailure(ctx, connection, phone.e164, delivery, { kind: 'rejected', reason: error.message });
      return 'failed:phone_required';
    }
    if (error instanceof AppError && error.code === 'connection_unverified') {
      // The location's only number is a CM.com number not proven yet: failed back with what the admin must do.
      await recordFailure(ctx, connection, phone.e164, delivery, {
        kind: 'connection_unverified',
        reason: error.message,
      });
      return 'failed:connection_unverified';
    }
    if (!(error instanceof AppError) || error.code !== 'template_required') throw error;
    // A CRM composer that only sends text (HighLevel's): outside the window, a text that is an approved template's
    // body with its placeholders filled goes out as that template (DESIGN.md §1). Anything else fails back.
    const template =
      rest.length === 0 && first?.type === 'text' ? await matchApproved(ctx, connection, first.text) : null;
    if (!template) {
      await recordFailure(ctx, connection, phone.e164, delivery, {
        kind: 'template_required',
        reason: TEMPLATE_REQUIRED_REASON,
      });
      return 'failed:template_required';
    }
    await queueOutbound(ctx, { ...base, content: template, crmMessageId: delivery.crmMessageId });
    return `template:${template.templateName}`;
  }
  // Further attachments go as their own media messages; the CRM tracks the status of the first one (its message).
  for (const content of rest) await queueOutbound(ctx, { ...base, content });
  return 'sent';
}

/**
 * The location's WhatsApp number, from one read of its connections: `active` is the first active one with
 * credentials (one number per location today); `disabled` is its disabled number when it has no active one (a
 * reinstall whose number is not reconnected yet).
 */
export async function numberOf(
  ctx: AppContext,
  installation: Installation,
): Promise<{ active: Connection | null; disabled: Connection | null }> {
  const { connections } = await ctx.secretStores();
  const list = await connections.listForInstallation(installation.id);
  // A proven one first: a CM.com number still waiting for its ownership proof cannot send (#17 item 10).
  const usable = list.filter((c) => c.status === 'active' && c.hasCredentials);
  const active = usable.find((c) => c.verified) ?? usable[0] ?? null;
  return { active, disabled: active ? null : (list[0] ?? null) };
}

/** The location's active WhatsApp number (see numberOf). */
export async function connectionFor(ctx: AppContext, installation: Installation): Promise<Connection | null> {
  return (await numberOf(ctx, installation)).active;
}

/** Stores the refused message (the sidebar shows it) and lets crm_record_status fail it in the CRM with retries. */
export async function recordFailure(
  ctx: AppContext,
  connection: Connection,
  phone: string,
  delivery: StoredDelivery,
  error: ProviderErrorInfo,
): Promise<void> {
  const now = ctx.now();
  const contact = await ctx.contacts.ensure(connection.id, phone, null, now);
  const id = ctx.messages.newId();
  const { text, attachments } = delivery.payload;
  const stored = await ctx.messages.insertOnce(
    id,
    {
      connectionId: connection.id,
      contactId: contact.id,
      direction: 'outbound',
      origin: 'crm',
      crmMessageId: delivery.crmMessageId,
      content: { type: 'text', text: [text, ...attachments].filter(Boolean).join('\n') },
      status: 'failed',
      statusTimes: { failed: now },
      sendState: 'failed',
      crmSync: 'none',
      occurredAt: now,
    },
    now,
  );
  const messageId = stored.inserted ? id : stored.existing?.id;
  if (!messageId) return;
  if (stored.inserted) await ctx.messages.fail(messageId, error, { failed: now }, now);
  await ctx.queue.send({ type: 'crm_record_status', messageId });
}

/** No connection (or no number) means no message row: the failure goes to the CRM directly; errors retry the job. */
export async function reportWithoutConnection(
  ctx: AppContext,
  installation: Installation,
  delivery: StoredDelivery,
  error: ProviderErrorInfo,
): Promise<void> {
  await crmAdapterFor(ctx, installation, null).recordStatus({
    messageId: delivery.id,
    direction: 'outbound',
    customerPhone: delivery.payload.phone,
    text: delivery.payload.text,
    attachments: delivery.payload.attachments,
    occurredAt: delivery.createdAt,
    status: 'failed',
    error,
    origin: 'crm',
    crmMessageId: delivery.crmMessageId,
    crmContactId: delivery.payload.crmContactId,
  });
}
