// What fires our HighLevel workflow triggers (issue 15): a customer's message, a failed send, a template's review,
// and the cron's "window closing soon" nudge. Each names its event so a redelivery fires nothing more
// (automation-triggers.ts). Payload keys are the trigger samples in manifest/highlevel/workflow-triggers.json.
import type { ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import type { MessageContent, ProviderErrorInfo } from '../../core/message';
import type { TemplateStatus } from '../../core/template';
import { describeContent } from '../../core/readable';
import { WINDOW_MS } from '../../core/window';
import type { Connection } from '../../store/connections';
import type { Contact } from '../../store/contacts';
import type { StoredMessage } from '../../store/messages';
import { AutomationTriggerStore } from '../../store/automation-triggers';
import { fireTrigger, firingsStatement, resumeStrandedFirings, TRIGGER_KEYS } from './automation-triggers';

type InboundEvent = Extract<ProviderEvent, { kind: 'inbound_message' }>;

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

/**
 * "WhatsApp message received": text, type, the window it opened, and the ad it came from. A statement for the
 * message insert's batch (written only if the message was new); `enqueueFirings` its result after the batch.
 */
export function messageReceivedFirings(
  ctx: AppContext,
  connection: Connection,
  contact: Contact,
  messageId: string,
  event: InboundEvent,
): D1PreparedStatement {
  const content: MessageContent = event.content;
  const referral = event.referral;
  const eventId = `received:${messageId}`;
  return firingsStatement(
    ctx,
    connection.installationId,
    TRIGGER_KEYS.messageReceived,
    eventId,
    {
      contactId: contact.crmContactId,
      phone: contact.phone,
      name: contact.name ?? event.profileName ?? null,
      messageId,
      type: content.type,
      text: describeContent(content),
      windowState: 'open',
      windowClosesAt: iso(event.timestamp + WINDOW_MS),
      fromAd: referral !== undefined,
      referralSourceType: referral?.sourceType ?? null,
      referralSourceId: referral?.sourceId ?? null,
      referralSourceUrl: referral?.sourceUrl ?? null,
      referralHeadline: referral?.headline ?? null,
      ctwaClid: referral?.ctwaClid ?? null,
      businessNumber: connection.senderPhone,
      receivedAt: iso(event.timestamp),
    },
    { messageId },
  );
}

/**
 * "WhatsApp message failed": one of our messages came back failed from the provider. A statement for the batch
 * that marks it failed (with `statusTimesJson`: only if the message then has those times); `enqueueFirings` after.
 */
export async function messageFailedFirings(
  ctx: AppContext,
  connection: Connection,
  message: StoredMessage,
  error: ProviderErrorInfo | null,
  statusTimesJson?: string,
): Promise<D1PreparedStatement> {
  const contact = await ctx.contacts.get(message.contactId);
  const payload = {
    contactId: contact?.crmContactId ?? null,
    phone: contact?.phone ?? null,
    messageId: message.id,
    reason: error?.reason ?? 'The message could not be delivered',
    code: error?.vendorCode ?? error?.kind ?? null,
    businessNumber: connection.senderPhone,
  };
  return firingsStatement(
    ctx,
    connection.installationId,
    TRIGGER_KEYS.messageFailed,
    `failed:${message.id}`,
    payload,
    {
      messageId: message.id,
      ...(statusTimesJson === undefined ? {} : { statusTimesJson }),
    },
  );
}

/** A template's status as the provider reports it: a webhook (Meta) or what a sync listed (every provider). */
export interface TemplateStatusChange {
  providerTemplateId: string;
  name?: string;
  language?: string;
  status: TemplateStatus;
  reason?: string;
  /** When the provider says it changed (webhook), else when we saw it (sync). */
  at: number;
}

/**
 * "Template status changed": approved / rejected / paused (… ) with the reason the provider gave. A statement for
 * the batch that stores the status, placed BEFORE it: it writes firings only while the stored status still differs,
 * so the change and its firings land together and a status seen again (redelivery, next sync) fires nothing.
 */
export function templateStatusFirings(
  ctx: AppContext,
  connection: Connection,
  change: TemplateStatusChange,
): D1PreparedStatement {
  const eventId = `template:${connection.id}:${change.providerTemplateId}:${change.status}:${change.at}`;
  return firingsStatement(
    ctx,
    connection.installationId,
    TRIGGER_KEYS.templateStatus,
    eventId,
    {
      templateId: change.providerTemplateId,
      templateName: change.name ?? null,
      language: change.language ?? null,
      status: change.status,
      reason: change.reason ?? null,
      businessNumber: connection.senderPhone,
      changedAt: iso(change.at),
    },
    { connectionId: connection.id, providerTemplateId: change.providerTemplateId, status: change.status },
  );
}

/** The window nudge's lead time: the trigger's `leadMinutes` filter, else an hour (1 min … 23 h). */
export const DEFAULT_LEAD_MINUTES = 60;
export function leadMinutesOf(settings: Record<string, string>): number {
  const value = Number(settings.leadMinutes);
  return Number.isFinite(value) && value >= 1 ? Math.min(Math.floor(value), 23 * 60) : DEFAULT_LEAD_MINUTES;
}

interface ClosingRow {
  id: string;
  phone: string;
  name: string | null;
  crm_contact_id: string | null;
  last_inbound_at: number;
  sender_phone: string;
}

/**
 * Cron: every subscription's contacts whose window closes within its lead time fire once per window (the event id
 * is the window's last inbound: a new customer message is a new window, and the next tick finds the same id).
 */
export async function fireWindowClosingSoon(ctx: AppContext, limit = 500): Promise<number> {
  const now = ctx.now();
  let fired = 0;
  const subscriptions = await new AutomationTriggerStore(ctx.db).allActive(TRIGGER_KEYS.windowClosing, 200);
  for (const subscription of subscriptions) {
    const leadMs = leadMinutesOf(subscription.settings) * 60_000;
    const { results } = await ctx.db
      .prepare(
        `SELECT c.id, c.phone, c.name, c.crm_contact_id, c.last_inbound_at, n.sender_phone
         FROM contacts c JOIN connections n ON n.id = c.connection_id
         WHERE n.installation_id = ? AND c.last_inbound_at > ? AND c.last_inbound_at <= ?
         ORDER BY c.last_inbound_at LIMIT ?`,
      )
      .bind(subscription.installationId, now - WINDOW_MS, now + leadMs - WINDOW_MS, limit)
      .all<ClosingRow>();
    for (const row of results) {
      const closesAt = row.last_inbound_at + WINDOW_MS;
      fired += await fireTrigger(
        ctx,
        subscription.installationId,
        TRIGGER_KEYS.windowClosing,
        `window:${row.id}:${row.last_inbound_at}`,
        {
          contactId: row.crm_contact_id,
          phone: row.phone,
          name: row.name,
          windowClosesAt: iso(closesAt),
          minutesLeft: Math.max(0, Math.round((closesAt - now) / 60_000)),
          businessNumber: row.sender_phone,
        },
        subscription.id,
      );
    }
  }
  return fired;
}

/** The cron's trigger work: the window nudges, then firings whose job was lost. */
export async function runTriggerCron(ctx: AppContext): Promise<void> {
  await fireWindowClosingSoon(ctx);
  await resumeStrandedFirings(ctx);
}
