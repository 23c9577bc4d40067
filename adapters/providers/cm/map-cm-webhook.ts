// CM.com webhooks → normalized events. One URL receives both status reports
// (developers.cm.com/messaging/docs/incoming-status-report) and inbound messages
// (developers.cm.com/messaging/docs/incoming-messages, whatsapp-inbound); they are told apart by shape.
// JSON only: the XML status report format is not accepted (choose JSON in the Channels app).
import { AppError } from '../../../src/core/errors';
import type { MessageStatus, ProviderErrorInfo } from '../../../src/core/message';
import type { ProviderEvent } from '../types';
import { cmInboundSchema, cmStatusReportSchema } from './cm-api';
import type { CmStatusReportMsg } from './cm-api';
import { fromCmNumber } from './cm-number';
import { kindForCmCode } from './map-cm-error';
import { mapCmInboundContent, replyTarget } from './map-cm-inbound';

export function parseCmWebhook(rawBody: string, now: () => number = Date.now): ProviderEvent[] {
  const trimmed = rawBody.trim();
  if (!trimmed) throw new AppError('invalid_request', 'Empty CM.com webhook body');
  if (trimmed.startsWith('<')) {
    throw new AppError(
      'invalid_request',
      'CM.com XML webhooks are not supported: set the webhook format to JSON',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    throw new AppError('invalid_request', 'CM.com webhook body is not valid JSON');
  }
  if (isRecord(body) && isRecord(body.messages) && 'msg' in body.messages)
    return parseStatusReport(body, now);
  if (isRecord(body) && 'from' in body && 'message' in body) return parseInbound(body, now);
  throw new AppError('invalid_request', 'CM.com webhook is neither a status report nor an inbound message');
}

/** An item we cannot read: kept for support with its raw JSON, the rest goes on (issue 11 item 4). */
function unreadable(item: unknown, reason: string, now: () => number): ProviderEvent {
  return {
    kind: 'unreadable',
    provider: 'cm',
    reason,
    raw: JSON.stringify(item) ?? String(item),
    timestamp: now(),
  };
}

function parseStatusReport(body: Record<string, unknown>, now: () => number): ProviderEvent[] {
  const messages = body.messages as Record<string, unknown>;
  // `msg` is documented as a single object; arrays are accepted in case several reports are batched. Each report
  // is read on its own, so one malformed report never sinks the others.
  const items = Array.isArray(messages.msg) ? messages.msg : [messages.msg];
  const events: ProviderEvent[] = [];
  for (const item of items) {
    const parsed = cmStatusReportSchema.safeParse({ messages: { msg: item } });
    if (!parsed.success) {
      events.push(unreadable(item, 'Malformed CM.com status report', now));
      continue;
    }
    const report = parsed.data.messages.msg as CmStatusReportMsg;
    const event = statusEvent(report, now);
    if (event) events.push(event);
  }
  return events;
}

function statusEvent(report: CmStatusReportMsg, now: () => number): ProviderEvent | undefined {
  const reference =
    report.reference === null || report.reference === undefined ? '' : String(report.reference);
  const status = mapCmStatus(report.status.code);
  // Without our reference the report cannot be tied to a message; an unknown future status word is skipped.
  if (!reference || !status) return undefined;
  const recipient = fromCmNumber(report.to);
  const ids = userIdsOf(report);
  const error = status === 'failed' ? statusError(report) : undefined;
  return {
    kind: 'status',
    providerMessageId: reference,
    status,
    timestamp: parseCmTime(report.received) ?? now(),
    ...(recipient ? { recipient } : {}),
    ...(ids.userId ? { recipientUserId: ids.userId } : {}),
    ...(ids.parentUserId ? { recipientParentUserId: ids.parentUserId } : {}),
    ...(error ? { error } : {}),
  };
}

/**
 * Status words from cm.com/help/3308 (Accepted, Rejected, Sent, Failed, Delivered, Cancelled) and the
 * numeric codes commonly sent in `status.code` (0 accepted, 1 rejected, 2 delivered, 3 failed, 4 read:
 * UNCONFIRMED, vendors/providers.md §C). Unknown → undefined (ignored, never a crash).
 */
export function mapCmStatus(code: string | number | null | undefined): MessageStatus | undefined {
  const word = String(code ?? '')
    .trim()
    .toLowerCase();
  switch (word) {
    case '0':
    case 'accepted':
    case 'scheduled':
      return 'pending';
    case 'sent':
      return 'sent';
    case '2':
    case 'delivered':
      return 'delivered';
    case '4':
    case 'read':
      return 'read';
    case '1':
    case '3':
    case 'rejected':
    case 'failed':
    case 'cancelled':
    case 'canceled':
    case 'undelivered':
      return 'failed';
    default:
      return undefined;
  }
}

function statusError(report: CmStatusReportMsg): ProviderErrorInfo {
  const rawCode = report.status.errorCode;
  const vendorCode =
    rawCode === null || rawCode === undefined || rawCode === '' ? undefined : String(rawCode);
  const vendorMessage = report.status.errorDescription ?? undefined;
  const numeric = vendorCode !== undefined && /^\d+$/.test(vendorCode) ? Number(vendorCode) : undefined;
  const kind = kindForCmCode(numeric, `${vendorCode ?? ''} ${vendorMessage ?? ''}`);
  const word = String(report.status.code ?? '').toLowerCase();
  const reason =
    kind === 'template_required'
      ? 'The 24-hour customer service window is closed: send an approved template instead.'
      : vendorMessage ||
        (word === 'cancelled' || word === 'canceled'
          ? 'CM.com cancelled the message before it was sent.'
          : word === 'rejected' || word === '1'
            ? 'CM.com or the operator rejected the message.'
            : 'WhatsApp could not deliver the message.');
  return {
    kind,
    ...(vendorCode !== undefined ? { vendorCode } : {}),
    ...(vendorMessage ? { vendorMessage } : {}),
    reason,
  };
}

function parseInbound(body: unknown, now: () => number): ProviderEvent[] {
  const parsed = cmInboundSchema.safeParse(body);
  if (!parsed.success) return [unreadable(body, 'Malformed CM.com inbound message', now)];
  const mo = parsed.data;
  // One webhook serves every CM.com channel; only WhatsApp belongs to this connection.
  if (mo.channel && !/^whats\s*app$/i.test(mo.channel.trim())) return [];
  const from = fromCmNumber(mo.from.number);
  // A username customer's MO may carry no number, only their BSUID (the preview contract above); one with neither
  // is kept for support rather than guessed. Replies to them stay phone_required: CM.com's sending by BSUID is
  // part of the same unreleased preview, so the adapter does not claim it (capabilities.userIdRecipients).
  const ids = userIdsOf(mo.from);
  if (!from && !ids.userId && !ids.parentUserId)
    return [unreadable(body, 'CM.com inbound message has no valid sender number', now)];
  const routingKey = fromCmNumber(mo.to?.number);
  const content = mapCmInboundContent(mo.message);
  const timestamp = parseCmTime(mo.timeUtc) ?? now();
  const replyTo = replyTarget(mo.messageContext);
  const profileName = mo.from.name?.trim();
  return [
    {
      kind: 'inbound_message',
      ...(routingKey ? { routingKey } : {}),
      providerMessageId: inboundId(JSON.stringify(body)),
      ...(from ? { from } : {}),
      ...ids,
      ...(profileName ? { profileName } : {}),
      timestamp,
      content,
      // A reaction already names its target; a quoted reply names the message it answers.
      ...(replyTo && content.type !== 'reaction' ? { replyToProviderMessageId: replyTo } : {}),
    },
  ];
}

/** The BSUID fields CM.com sends (empty strings when they do not apply), trimmed; shape checks happen later. */
function userIdsOf(d: { userId?: string | null; parentUserId?: string | null; username?: string | null }): {
  userId?: string;
  parentUserId?: string;
  username?: string;
} {
  const userId = d.userId?.trim();
  const parentUserId = d.parentUserId?.trim();
  const username = d.username?.trim().replace(/^@/, '');
  return {
    ...(userId ? { userId } : {}),
    ...(parentUserId ? { parentUserId } : {}),
    ...(username ? { username } : {}),
  };
}

/**
 * CM.com gives an MO no id of its own: `reference` is "a reference to an outgoing message that this
 * message is a response to" (incoming-messages), so several replies can share it. The id is a digest of
 * the whole delivery instead: CM retries the identical body (every 5 minutes for up to a month), which
 * maps to the same id and is deduplicated; two different messages differ in body or time.
 */
function inboundId(canonical: string): string {
  return `cmmo-${fnv1a(canonical, 0x811c9dc5)}${fnv1a(canonical, 0x01000193 ^ 0x5bd1e995)}`;
}

function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** `timeUtc` is "yyyy-MM-ddTHH:mm:ss" in UTC without a zone (incoming-messages); reports use similar text. */
export function parseCmTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  let s = value.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
