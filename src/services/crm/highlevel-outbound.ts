// HighLevel's conversation provider Delivery URL (DESIGN.md §1, §3.1, §3.5): an agent reply, a workflow SMS or a bulk
// action's burst. The route verifies, stores and enqueues; the queue job applies the window engine. Nothing here calls
// the WhatsApp provider: sends go through the same queue and per-sender limiter as every other message.
import { parseHighLevelOutboundDelivery } from '../../../adapters/crm/highlevel';
import type { AppContext } from '../../context';
import { AppError, TEMPLATE_REQUIRED_REASON } from '../../core/errors';
import type { MediaType, MessageContent, ProviderErrorInfo } from '../../core/message';
import { normalizePhone } from '../../core/phone';
import { matchTemplate } from '../../core/template-match';
import type { Job } from '../../platform/queue';
import type { Connection } from '../../store/connections';
import { HighLevelDeliveryStore, type StoredDelivery } from '../../store/highlevel-deliveries';
import type { Installation } from '../../store/installations';
import { OutboxStore } from '../../store/outbox';
import type { StoredTemplate } from '../../store/templates';
import { connectionDisabledError } from '../relay/connection-state';
import { crmAdapterFor } from './crm';
import { deliveryFailure, deliveryRetryUntil } from './highlevel-delivery-retry';
import type { JobOutcome } from '../job-outcome';
import { queueOutbound } from '../relay/relay-outbound';

export type DeliveryAck = { status: 'queued' | 'duplicate' } | { status: 'ignored'; reason: string };

/**
 * POST /crm/highlevel/outbound, once its signature is verified (highlevel-install-flow.ts): store once per messageId,
 * enqueue, acknowledge.
 */
export async function acceptHighLevelDelivery(ctx: AppContext, body: unknown): Promise<DeliveryAck> {
  const delivery = parseHighLevelOutboundDelivery(body);
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount('highlevel', delivery.locationId);
  if (!installation || installation.status !== 'active') {
    // Signed by HighLevel but for a location without our app: nothing to send, nobody to report to.
    console.warn(
      JSON.stringify({ level: 'warn', msg: 'HighLevel delivery for a location without an install' }),
    );
    return { status: 'ignored', reason: 'not_installed' };
  }
  if (!isOurProvider(ctx, installation, delivery.conversationProviderId)) {
    // HighLevel signs every app's deliveries with one key: a delivery written for another app's provider, replayed
    // here, is genuinely signed. Acknowledged (so HighLevel does not retry) and nothing is stored or sent.
    console.warn(
      JSON.stringify({ level: 'warn', msg: 'HighLevel delivery for another conversation provider' }),
    );
    return { status: 'ignored', reason: 'other_provider' };
  }
  const store = new HighLevelDeliveryStore(ctx.db);
  const id = await store.insert(
    installation.id,
    delivery.messageId,
    {
      phone: delivery.phone ?? '',
      text: delivery.text,
      attachments: delivery.attachments,
      crmContactId: delivery.contactId,
      userId: delivery.userId,
    },
    ctx.now(),
  );
  // Same messageId again (HighLevel retrying a slow answer): acknowledged, nothing sent twice (DESIGN.md §6).
  if (!id) return { status: 'duplicate' };
  await ctx.queue.send({ type: 'crm_outbound', installationId: installation.id, deliveryKey: id });
  return { status: 'queued' };
}

/**
 * Ours: the configured provider id or the one stored on the install. The documented payload carries no
 * conversationProviderId (docs/ProviderOutboundMessage.md), so a delivery without one is judged by its signature and
 * installed location alone; one that names a provider must name ours.
 */
function isOurProvider(ctx: AppContext, installation: Installation, providerId: string | undefined): boolean {
  if (providerId === undefined) return true;
  const ours = [ctx.config.HIGHLEVEL_CONVERSATION_PROVIDER_ID, installation.settings.conversationProviderId];
  return ours.some((id) => id !== undefined && id !== '' && id === providerId);
}

type CrmOutboundJob = Extract<Job, { type: 'crm_outbound' }>;

/** Queue job: window engine → free-form, matched template, or a failure reported back to HighLevel. */
export async function runHighLevelDelivery(
  ctx: AppContext,
  job: CrmOutboundJob,
  attempt: number,
): Promise<JobOutcome> {
  const store = new HighLevelDeliveryStore(ctx.db);
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
  const connection = await connectionFor(ctx, installation);
  const disabled = connection ? null : await disabledConnectionFor(ctx, installation);
  if (disabled) {
    // The location's number was disabled (uninstall, reinstall without reconnecting): HighLevel shows the message
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
    // HighLevel's composer only sends text: outside the window, a text that is an approved template's body with its
    // placeholders filled goes out as that template (DESIGN.md §1). Anything else fails back with the reason.
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
  // Further attachments go as their own media messages; HighLevel tracks the status of the first one (its message).
  for (const content of rest) await queueOutbound(ctx, { ...base, content });
  return 'sent';
}

/** The location's WhatsApp number: the first active connection with credentials (one number per location today). */
export async function connectionFor(ctx: AppContext, installation: Installation): Promise<Connection | null> {
  const { connections } = await ctx.secretStores();
  const list = await connections.listForInstallation(installation.id);
  // A proven one first: a CM.com number still waiting for its ownership proof cannot send (#17 item 10).
  const usable = list.filter((c) => c.status === 'active' && c.hasCredentials);
  return usable.find((c) => c.verified) ?? usable[0] ?? null;
}

/** The location's disabled number, when it has no active one (a reinstall whose number is not reconnected yet). */
export async function disabledConnectionFor(
  ctx: AppContext,
  installation: Installation,
): Promise<Connection | null> {
  const { connections } = await ctx.secretStores();
  const list = await connections.listForInstallation(installation.id);
  return list[0] ?? null;
}

async function matchApproved(
  ctx: AppContext,
  connection: Connection,
  text: string,
): Promise<Extract<MessageContent, { type: 'template' }> | null> {
  const approved = await ctx.templates.list(connection.id, connection.provider, { status: 'APPROVED' });
  const match = matchTemplate(text, approved);
  if (!match) return null;
  const template = match.template as StoredTemplate;
  return {
    type: 'template',
    templateId: template.id,
    templateName: template.name,
    language: template.language,
    values: match.values,
  };
}

const MEDIA_BY_EXTENSION: [RegExp, MediaType][] = [
  [/\.(jpe?g|png)$/i, 'image'],
  [/\.webp$/i, 'sticker'],
  [/\.(mp4|3gpp?)$/i, 'video'],
  [/\.(mp3|ogg|opus|amr|aac|m4a)$/i, 'audio'],
];

/** HighLevel sends attachments as bare URLs: the extension decides the WhatsApp media type, document otherwise. */
export function mediaTypeOf(url: string): MediaType {
  const path = (() => {
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  })();
  return MEDIA_BY_EXTENSION.find(([re]) => re.test(path))?.[1] ?? 'document';
}

/** The URL's file name, decoded; a broken escape (`%ZZ`) is kept as written rather than failing the job. */
function lastSegment(url: string): string {
  const segment = url.split(/[?#]/)[0]!.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Text only → one text message; attachments → one media message each, the text as the first one's caption. */
function contentsOf(delivery: StoredDelivery): MessageContent[] {
  const { text, attachments } = delivery.payload;
  if (attachments.length === 0) return [{ type: 'text', text }];
  return attachments.map((url, i) => {
    const mediaType = mediaTypeOf(url);
    const filename = mediaType === 'document' ? lastSegment(url) : '';
    return {
      type: 'media',
      mediaType,
      url,
      ...(i === 0 && text && mediaType !== 'sticker' && mediaType !== 'audio' ? { caption: text } : {}),
      ...(filename ? { filename } : {}),
    };
  });
}

/** Stores the refused message (the sidebar shows it) and lets crm_record_status fail it in HighLevel with retries. */
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
  const inserted = await ctx.messages
    .insertStatement(
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
    )
    .first<{ id: string }>();
  const messageId = inserted
    ? id
    : (await ctx.messages.findByCrmId(connection.id, delivery.crmMessageId))?.id;
  if (!messageId) return;
  if (inserted) await ctx.messages.fail(messageId, error, { failed: now }, now);
  await ctx.queue.send({ type: 'crm_record_status', messageId });
}

/** No connection (or no number) means no message row: the failure goes to HighLevel directly; errors retry the job. */
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
