// /api/contacts/:phone/window and /messages, /api/messages: what the sidebar reads and sends.
import { Hono } from '../../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { AppError } from '../../core/errors';
import { isUserIdAddress } from '../../core/customer-id';
import { normalizePhone } from '../../core/phone';
import { describeContent } from '../../core/readable';
import { computeWindow, EMPTY_SUMMARY, windowFromSummary } from '../../core/window';
import { windowSummaryOf, type Contact } from '../../store/contacts';
import { jsonBody, paramsWith, queryWith } from '../../http/body';
import type { StoredMessage } from '../../store/messages';
import { contactLog, queueOutbound } from '../../services/relay/relay-outbound';
import { requireSession, scopedConnection } from './auth';
import { sendSchema } from './schemas';
import { marketingOptOutOf } from '../../services/relay/marketing-preferences';

// `:phone` is the customer's address: an E.164 phone or, for a customer known only by username, their BSUID.
const phoneParams = z.object({ phone: z.string().check(z.minLength(3), z.maxLength(140)) });
const connectionQuery = z.object({
  connectionId: z.optional(z.string().check(z.maxLength(64))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50),
});

/**
 * A customer address typed or linked: a BSUID is kept as is (never parsed as a phone), else E.164. Hono has already
 * decoded a path parameter once; decoding again would take `%252B39…` for `+39…` (and bodies are never encoded).
 */
export function parseAddress(raw: string, path: string): string {
  const text = raw.trim();
  if (isUserIdAddress(text)) return text;
  const result = normalizePhone(text);
  if (!result.ok)
    throw new AppError('invalid_request', 'Invalid phone number or business-scoped user ID', [
      { path, message: result.reason },
    ]);
  return result.e164;
}

/** Who the customer is, as the sidebar shows them (the username is display only). */
function presentCustomer(contact: Contact | null, address: string) {
  return {
    address: contact?.address ?? address,
    phone: contact ? contact.phone : isUserIdAddress(address) ? null : address,
    userId: contact?.userId ?? (isUserIdAddress(address) ? address : null),
    username: contact?.username ?? null,
    name: contact?.name ?? null,
  };
}

/** The message as the page shows it: readable text, ticks, failure reason; no provider internals. */
export function presentMessage(m: StoredMessage) {
  return {
    id: m.id,
    direction: m.direction,
    origin: m.origin,
    type: m.type,
    text: m.deletedAt ? 'This message was deleted' : m.content ? describeContent(m.content) : '',
    content: m.deletedAt ? null : m.content,
    status: m.status,
    statusTimes: m.statusTimes,
    sendState: m.sendState,
    // A provider outage only delays (DESIGN.md §6): the send is retrying, with the next attempt's time and why.
    retrying:
      m.sendState === 'queued' && m.sendAttempts > 0
        ? { attempts: m.sendAttempts, nextAttemptAt: m.sendNextAt, reason: m.sendRetryReason }
        : null,
    error: m.error ? { kind: m.error.kind, reason: m.error.reason, vendorCode: m.error.vendorCode } : null,
    category: m.category,
    billable: m.billable,
    // Typed in the WhatsApp Business app (`echo`) or imported from its history (`history`), issue 12 item 5.
    coexistence: m.coexistence,
    providerMessageId: m.providerMessageId,
    occurredAt: m.occurredAt,
    editedAt: m.editedAt,
  };
}

export const contactsRoutes = new Hono<AppEnv>()
  .get('/:phone/window', requireSession(), async (c) => {
    const ctx = c.get('ctx');
    const phone = parseAddress(paramsWith(c, phoneParams).phone, 'phone');
    const connection = await scopedConnection(c, queryWith(c, connectionQuery).connectionId);
    const contact = await ctx.contacts.find(connection.id, phone);
    const customer = presentCustomer(contact, phone);
    // Window state from the contact row (it remembers inbound older than the log horizon);
    // open conversations from the recent log.
    const window = windowFromSummary(contact ? windowSummaryOf(contact) : EMPTY_SUMMARY, ctx.now());
    const { openConversations } = computeWindow(contact ? await contactLog(ctx, contact) : [], ctx.now());
    return c.json({
      phone,
      connectionId: connection.id,
      now: ctx.now(),
      ...window,
      openConversations,
      optedOut: contact?.optedOutAt != null,
      // The customer's marketing stop / resume inside WhatsApp (issue 12 item 1): marketing templates only.
      marketingOptOut: await marketingOptOutOf(ctx, contact?.id),
      name: contact?.name ?? null,
      username: customer.username,
      // Authentication templates need a phone (Meta's BSUID page): the picker marks them unavailable without one.
      phoneRequiredFor: customer.phone ? [] : ['AUTHENTICATION'],
      contact: customer,
    });
  })
  .get('/:phone/messages', requireSession(), async (c) => {
    const ctx = c.get('ctx');
    const phone = parseAddress(paramsWith(c, phoneParams).phone, 'phone');
    const query = queryWith(c, connectionQuery);
    const connection = await scopedConnection(c, query.connectionId);
    const contact = await ctx.contacts.find(connection.id, phone);
    const messages = contact ? await ctx.messages.thread(contact.id, query.limit) : [];
    return c.json({
      phone,
      connectionId: connection.id,
      contact: presentCustomer(contact, phone),
      messages: messages.map(presentMessage),
    });
  });

export const messagesRoutes = new Hono<AppEnv>().post('/', requireSession(), async (c) => {
  const ctx = c.get('ctx');
  const body = await jsonBody(c, sendSchema, ctx.config.MAX_BODY_BYTES);
  const connection = await scopedConnection(c, body.connectionId);
  const to = parseAddress(body.to, 'to');
  const message = await queueOutbound(ctx, {
    connection,
    to,
    content: body.content as Parameters<typeof queueOutbound>[1]['content'],
    origin: 'app',
    crmDealId: body.crmDealId,
    customerName: body.customerName,
  });
  return c.json({ message: presentMessage(message) }, 202);
});
