// Twilio Messaging webhooks (inbound messages and status callbacks, form-encoded) → normalized ProviderEvents.
// Parameters: twilio.com/docs/messaging/guides/webhook-request and vendors/providers.md §B. Twilio adds
// parameters without notice, so everything not read here is ignored.
import { isUserIdAddress } from '../../../src/core/customer-id';
import { AppError } from '../../../src/core/errors';
import type { MediaType, MessageContent, MessageStatus } from '../../../src/core/message';
import type { CustomerFields, ProviderEvent, Referral, WebhookRequest } from '../types';
import { twilioErrorInfo } from './map-twilio-error';

type Params = Map<string, string>;

/** `whatsapp:+14155551234` → `+14155551234`. */
export function twilioAddressToE164(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const bare = address.replace(/^[a-z]+:/i, '').trim();
  return bare.startsWith('+') ? bare : /^\d+$/.test(bare) ? `+${bare}` : bare;
}

/**
 * The customer named by `From` (inbound) or `To` (status): `whatsapp:+…` is a phone; `whatsapp:CC.…` (up to 140
 * characters) is a business-scoped user ID and never parsed as a phone. `ExternalUserId` / `ParentExternalUserId`
 * carry the BSUIDs (vendors/whatsapp-2026.md §2, from Chatwoot PR 14436 — UNVERIFIED against a Twilio page).
 */
function customerOf(p: Params, addressParam: 'From' | 'To'): CustomerFields {
  const bare = p
    .get(addressParam)
    ?.replace(/^[a-z]+:/i, '')
    .trim();
  const addressIsUserId = bare !== undefined && isUserIdAddress(bare);
  const waId = p.get('WaId');
  const phone = addressIsUserId
    ? waId && /^\d+$/.test(waId)
      ? `+${waId}`
      : undefined
    : twilioAddressToE164(p.get(addressParam) ?? (waId ? `+${waId}` : undefined));
  const userId = p.get('ExternalUserId') || (addressIsUserId && !/\.ENT\./.test(bare) ? bare : undefined);
  const parentUserId =
    p.get('ParentExternalUserId') || (addressIsUserId && /\.ENT\./.test(bare) ? bare : undefined);
  return {
    ...(phone ? { from: phone } : {}),
    ...(userId ? { userId } : {}),
    ...(parentUserId ? { parentUserId } : {}),
  };
}

function readParams(request: WebhookRequest): Params {
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody);
    } catch {
      throw new AppError('invalid_request', 'Twilio webhook body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new AppError('invalid_request', 'Twilio webhook JSON body is not an object');
    }
    const params: Params = new Map();
    for (const [k, v] of Object.entries(body))
      if (v !== null && typeof v !== 'object') params.set(k, String(v));
    return params;
  }
  if (type && !type.includes('application/x-www-form-urlencoded')) {
    throw new AppError('invalid_request', `Twilio webhooks are form-encoded, got ${type}`);
  }
  // A GET-configured webhook carries its parameters in the query string.
  const source = request.method.toUpperCase() === 'GET' ? new URL(request.url).search : request.rawBody;
  return new Map(new URLSearchParams(source));
}

// MessageStatus values: message_enum_status in twilio_api_v2010.json.
export function mapTwilioMessageStatus(status: string): MessageStatus | undefined {
  switch (status.toLowerCase()) {
    case 'queued':
    case 'accepted':
    case 'scheduled':
      return 'pending';
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'partially_delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
    case 'undelivered':
    case 'canceled':
      return 'failed';
    default:
      return undefined;
  }
}

/** `RawDlrDoneDate` is `YYMMDDhhmm` in UTC (SMS carrier receipts); `Timestamp` may be ISO or epoch seconds/ms. */
function vendorTimestamp(p: Params): number | undefined {
  const ts = p.get('Timestamp');
  if (ts) {
    if (/^\d+$/.test(ts)) return ts.length > 11 ? Number(ts) : Number(ts) * 1000;
    const parsed = Date.parse(ts);
    if (!Number.isNaN(parsed)) return parsed;
  }
  const dlr = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?$/.exec(p.get('RawDlrDoneDate') ?? '');
  if (dlr) {
    const [yy, mo, dd, hh, mi, ss] = dlr.slice(1).map((part) => Number(part ?? '0'));
    return Date.UTC(2000 + yy!, mo! - 1, dd!, hh!, mi!, ss!);
  }
  return undefined;
}

function mediaTypeOf(messageType: string, contentType: string): MediaType {
  if (['image', 'video', 'audio', 'document', 'sticker'].includes(messageType))
    return messageType as MediaType;
  if (contentType === 'image/webp') return 'sticker';
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/')) return 'video';
  if (contentType.startsWith('audio/')) return 'audio';
  return 'document';
}

function mediaContent(p: Params, messageType: string): MessageContent {
  const mimeType = p.get('MediaContentType0') ?? '';
  const content: MessageContent = {
    type: 'media',
    mediaType: mediaTypeOf(messageType, mimeType),
    url: p.get('MediaUrl0'),
  };
  if (mimeType) content.mimeType = mimeType;
  // Twilio passes shared contacts as a vCard attachment, not as structured fields.
  if (/vcard/i.test(mimeType)) content.filename = 'contact.vcf';
  const caption = p.get('Body');
  if (caption) content.caption = caption;
  return content;
}

function inboundContent(p: Params): MessageContent {
  const messageType = (p.get('MessageType') ?? '').toLowerCase();
  const body = p.get('Body') ?? '';
  const numMedia = Number(p.get('NumMedia') ?? '0');
  const hasLocation = p.has('Latitude') && p.has('Longitude');
  const listId = p.get('ListId');
  const buttonPayload = p.get('ButtonPayload');
  const buttonText = p.get('ButtonText');

  if (hasLocation && (messageType === 'location' || messageType === '')) {
    const loc: MessageContent = {
      type: 'location',
      latitude: Number(p.get('Latitude')),
      longitude: Number(p.get('Longitude')),
    };
    if (p.get('Label')) loc.name = p.get('Label');
    if (p.get('Address')) loc.address = p.get('Address');
    return loc;
  }
  if (listId || p.get('ListTitle')) {
    return withOptional(
      { type: 'reply', replyKind: 'list', id: listId, title: p.get('ListTitle') ?? body },
      {
        description: p.get('ListDescription'),
      },
    );
  }
  if (buttonPayload !== undefined || buttonText !== undefined || messageType === 'button') {
    // `button` = a template quick reply; `interactive` = a session quick-reply (Content twilio/quick-reply).
    const replyKind = messageType === 'interactive' ? 'button' : 'quick_reply';
    return withOptional({ type: 'reply', replyKind, title: buttonText ?? body }, { id: buttonPayload });
  }
  if (messageType === 'reaction') {
    // UNCONFIRMED: Twilio's reaction fields; the emoji arrives as Body and the target as OriginalRepliedMessageSid.
    const target = p.get('OriginalRepliedMessageSid');
    if (target && body) return { type: 'reaction', emoji: body, targetProviderMessageId: target };
  }
  if (numMedia > 0 && p.get('MediaUrl0')) return mediaContent(p, messageType);
  if (messageType === 'text' || (messageType === '' && body)) return { type: 'text', text: body };
  const vendorType = messageType || 'unknown';
  return {
    type: 'unsupported',
    vendorType,
    description: `Unsupported WhatsApp ${vendorType} message${body ? `: ${body}` : ''}`,
  };
}

function withOptional<T extends object>(base: T, extra: Record<string, string | undefined>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') out[k] = v;
  return out as T;
}

function referralOf(p: Params): Referral | undefined {
  const referral = withOptional({} as Referral, {
    sourceType: p.get('ReferralSourceType'),
    sourceId: p.get('ReferralSourceId'),
    sourceUrl: p.get('ReferralSourceUrl'),
    headline: p.get('ReferralHeadline'),
    body: p.get('ReferralBody'),
    ctwaClid: p.get('ReferralCtwaClid'),
  });
  return Object.keys(referral).length > 0 ? referral : undefined;
}

const isTrue = (v: string | undefined) => v?.toLowerCase() === 'true';

/**
 * Twilio status callbacks carry no event time (vendors/providers.md §B), so `now` is the receive time stamped by the
 * caller; `Timestamp` / `RawDlrDoneDate` win when present.
 */
export function mapTwilioWebhook(request: WebhookRequest, now: number): ProviderEvent[] {
  const p = readParams(request);
  const sid = p.get('MessageSid') ?? p.get('SmsSid') ?? p.get('SmsMessageSid');
  if (!sid) throw new AppError('invalid_request', 'Twilio webhook has no MessageSid');
  const timestamp = vendorTimestamp(p) ?? now;
  const statusWord = p.get('MessageStatus') ?? p.get('SmsStatus');

  if (statusWord && !['received', 'receiving'].includes(statusWord.toLowerCase())) {
    const status = mapTwilioMessageStatus(statusWord);
    if (!status) return []; // a status word Twilio adds tomorrow: acknowledge, change nothing
    const event: Extract<ProviderEvent, { kind: 'status' }> = {
      kind: 'status',
      providerMessageId: sid,
      status,
      timestamp,
    };
    const routingKey = twilioAddressToE164(p.get('From'));
    const customer = customerOf(p, 'To');
    if (routingKey) event.routingKey = routingKey;
    if (customer.from) event.recipient = customer.from;
    if (customer.userId) event.recipientUserId = customer.userId;
    if (customer.parentUserId) event.recipientParentUserId = customer.parentUserId;
    if (status === 'failed' || p.get('ErrorCode')) {
      event.error = twilioErrorInfo(p.get('ErrorCode'), p.get('ErrorMessage'));
    }
    return [event];
  }

  const customer = customerOf(p, 'From');
  if (!customer.from && !customer.userId && !customer.parentUserId) {
    // A signed Twilio message without a sender: kept for support, acknowledged (issue 11 item 4).
    return [
      {
        kind: 'unreadable',
        provider: 'twilio',
        providerMessageId: sid,
        reason: 'Twilio inbound webhook has no From',
        raw: request.rawBody,
        timestamp,
        ...(twilioAddressToE164(p.get('To')) ? { routingKey: twilioAddressToE164(p.get('To'))! } : {}),
      },
    ];
  }
  const event: Extract<ProviderEvent, { kind: 'inbound_message' }> = {
    kind: 'inbound_message',
    providerMessageId: sid,
    ...customer,
    timestamp,
    content: inboundContent(p),
  };
  const routingKey = twilioAddressToE164(p.get('To'));
  if (routingKey) event.routingKey = routingKey;
  if (p.get('ProfileName')) event.profileName = p.get('ProfileName');
  const replyTo = p.get('OriginalRepliedMessageSid');
  if (replyTo && event.content.type !== 'reaction') event.replyToProviderMessageId = replyTo;
  if (isTrue(p.get('Forwarded')) || isTrue(p.get('FrequentlyForwarded'))) event.forwarded = true;
  const referral = referralOf(p);
  if (referral) event.referral = referral;
  return [event];
}
