// Outbound messages (API, sidebar, CRM composer, campaigns): the window gate, then the queue (DESIGN.md §3.1, §6).
import type { AppContext } from '../../context';
import { AppError, TEMPLATE_REQUIRED_REASON } from '../../core/errors';
import type { MessageContent } from '../../core/message';
import { phoneRequiredReason } from '../../core/customer-id';
import { classifySend } from '../../core/pricing';
import { classifyOptions, rateCard } from '../campaigns/rate-card';
import { render } from '../../core/template-render';
import { windowFromSummary, FREE_ENTRY_POINT_MS, logEntryOf, type LogEntry } from '../../core/window';
import type { TemplateCategory } from '../../core/template';
import type { Connection } from '../../store/connections';
import { windowSummaryOf, type Contact } from '../../store/contacts';
import type { MessageOrigin, StoredMessage } from '../../store/messages';
import type { StoredTemplate } from '../../store/templates';
import { bareProviderAdapter } from './providers';
import { assertSendable } from './connection-state';

export interface OutboundRequest {
  connection: Connection;
  /** Customer address, parsed by the caller: E.164 phone, or BSUID for a customer known only by username. */
  to: string;
  content: MessageContent;
  origin: Exclude<MessageOrigin, 'customer'>;
  crmMessageId?: string;
  crmDealId?: string;
  campaignId?: string;
  customerName?: string;
  /** Message id reserved by the caller (automations record it before sending, to find the message after a crash). */
  messageId?: string;
}

/** The contact's log for the window and pricing engine (the last 72 h cover every rule). */
export async function contactLog(ctx: AppContext, contact: Contact): Promise<LogEntry[]> {
  const rows = await ctx.messages.recentLog(contact.id, ctx.now() - FREE_ENTRY_POINT_MS - 24 * 3_600_000);
  return rows.map(logEntryOf);
}

/** Loads an approved, listed template of the connection or explains why it cannot be sent. */
export async function sendableTemplate(ctx: AppContext, connection: Connection, templateId: string) {
  const template = await ctx.templates.get(connection.id, templateId, connection.provider);
  if (!template || template.removedAt) throw new AppError('not_found', 'Template not found');
  if (template.status !== 'APPROVED') {
    throw new AppError(
      'conflict',
      `Template ${template.name} is ${template.status}, only APPROVED templates can be sent`,
      {
        status: template.status,
        rejectionReason: template.rejectionReason,
      },
    );
  }
  return template;
}

/** Validates and renders a template send; returns the content with the rendered text filled in. */
export function prepareTemplateContent(
  template: StoredTemplate,
  content: Extract<MessageContent, { type: 'template' }>,
): Extract<MessageContent, { type: 'template' }> {
  const rendered = render(template, content.values);
  if (!rendered.ok)
    throw new AppError('invalid_request', 'Template values do not match the template', rendered.errors);
  const header = template.components.header;
  if (header && header.format !== 'TEXT' && header.format !== 'LOCATION' && !content.headerMediaUrl) {
    throw new AppError(
      'invalid_request',
      `Template ${template.name} needs a ${header.format.toLowerCase()} header URL`,
      [{ path: 'content.headerMediaUrl', message: 'required for a media header' }],
    );
  }
  return {
    ...content,
    templateId: template.id,
    templateName: template.name,
    language: template.language,
    renderedText: rendered.rendered.body,
  };
}

/**
 * Gates and queues one outbound message. Outside the customer service window only an approved template may be
 * sent: anything else is refused with `template_required` before it is stored or queued.
 */
export async function queueOutbound(ctx: AppContext, request: OutboundRequest): Promise<StoredMessage> {
  const now = ctx.now();
  const { connection } = request;
  if (request.crmMessageId) {
    const existing = await ctx.messages.findByCrmId(connection.id, request.crmMessageId);
    if (existing) return existing;
  }
  // Before anything is stored: a message on a disabled number could never leave (409 connection_disabled).
  assertSendable(connection);
  const contact = await ctx.contacts.ensure(connection.id, request.to, request.customerName ?? null, now);
  let content = request.content;
  let category: TemplateCategory | undefined;
  if (content.type === 'template') {
    const template = await sendableTemplate(ctx, connection, content.templateId);
    content = prepareTemplateContent(template, content);
    category = template.category;
  }
  // Before anything is stored or sent: a customer known only by BSUID cannot get an authentication template, nor
  // anything through a provider that addresses phones only (issue 11).
  const phoneMissing = phoneRequiredReason({
    hasPhone: contact.phone !== null,
    // Only asked (an adapter built) for a customer without a phone: with one, the provider's reach does not matter.
    providerReachesUserIds:
      contact.phone === null && bareProviderAdapter(ctx, connection.provider).capabilities.userIdRecipients,
    templateCategory: category,
  });
  if (phoneMissing) throw new AppError('phone_required', phoneMissing, { customer: contact.address });
  if (content.type !== 'template') {
    const window = windowFromSummary(windowSummaryOf(contact), now);
    if (!window.freeFormAllowed) {
      throw new AppError('template_required', TEMPLATE_REQUIRED_REASON, {
        window: { state: window.state, lastInboundAt: window.lastInboundAt, closesAt: window.closesAt },
      });
    }
  }
  const classification = classifySend(
    await contactLog(ctx, contact),
    category ? { kind: 'template', category } : { kind: 'free_form' },
    now,
    classifyOptions(rateCard(ctx), windowSummaryOf(contact), contact.phone, connection.senderPhone),
  );
  const id = request.messageId ?? ctx.messages.newId();
  const stored = await ctx.messages.insertOnce(
    id,
    {
      connectionId: connection.id,
      contactId: contact.id,
      direction: 'outbound',
      origin: request.origin,
      crmMessageId: request.crmMessageId ?? null,
      crmDealId: request.crmDealId ?? null,
      campaignId: request.campaignId ?? null,
      content,
      status: 'pending',
      statusTimes: {},
      category: classification.category,
      billable: classification.billable,
      sendState: 'queued',
      crmSync: request.origin === 'crm' ? 'none' : 'pending',
      occurredAt: now,
    },
    now,
  );
  if (!stored.inserted) {
    // Lost a race with the same CRM message id: the first one wins, nothing is sent twice.
    if (stored.existing) return stored.existing;
    throw new AppError('conflict', 'Message already exists');
  }
  await ctx.queue.send({ type: 'send_message', messageId: id });
  return (await ctx.messages.get(id))!;
}
