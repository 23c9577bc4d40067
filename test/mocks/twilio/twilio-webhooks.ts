// Build and sign the webhooks Twilio would send (inbound messages, status callbacks), so tests and local mode can
// play the customer. Field names: twilio.com/docs/messaging/guides/webhook-request, vendors/providers.md §B.
// The signer is written independently of the adapter's verifier so one cannot hide a bug in the other.
import type { WebhookRequest } from '../../../adapters/providers/types';
import { simBsuidOf } from '../sim-bsuid';
import { DEFAULT_ACCOUNT_SID } from './twilio-state';
import type { SimMessage } from './twilio-state';

export type TwilioParams = Record<string, string>;

export interface TwilioInboundInput {
  /** Our WhatsApp number (E.164). */
  to: string;
  /** The customer: E.164, or a BSUID (`CC.…`) for a customer who adopted a username (no WaId then). */
  from: string;
  /**
   * `ExternalUserId`: the customer's BSUID (issue 11). Every WhatsApp user has one since April 2026 and Twilio sends
   * it when present (vendors/whatsapp-2026.md §2), so it defaults to `from` when that is a BSUID, else to the
   * phone's simulated BSUID (`simBsuidOf`); `null` plays a webhook without it (the shape before 2026).
   */
  externalUserId?: string | null;
  parentExternalUserId?: string;
  messageSid?: string;
  accountSid?: string;
  profileName?: string;
  /** MessageType; default `text`, or derived from media / location / button / list. */
  type?: string;
  body?: string;
  media?: { url: string; contentType: string };
  location?: { latitude: number; longitude: number; address?: string; label?: string };
  button?: { text: string; payload: string };
  list?: { id: string; title: string; description?: string };
  replyTo?: { sid: string; sender?: string };
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  referral?: {
    sourceType?: string;
    sourceId?: string;
    sourceUrl?: string;
    headline?: string;
    body?: string;
    ctwaClid?: string;
  };
  /** Anything Twilio may add tomorrow. */
  extra?: TwilioParams;
}

/** BSUID shape (`CC.` + alphanumerics, parent `CC.ENT.…`), as Twilio puts it after `whatsapp:`. */
const isBsuidLike = (value: string) => /^[A-Z]{2}\.[A-Za-z0-9.]+$/.test(value);

function bsuidParams(address: string, externalUserId?: string | null, parent?: string): TwilioParams {
  const userId =
    externalUserId === null
      ? undefined
      : (externalUserId ?? (isBsuidLike(address) ? address : address ? simBsuidOf(address) : undefined));
  return {
    ...(userId ? { ExternalUserId: userId } : {}),
    ...(parent ? { ParentExternalUserId: parent } : {}),
  };
}

let seq = 0;
export function newMessageSid(prefix = 'SM'): string {
  seq += 1;
  const rnd = crypto.getRandomValues(new Uint8Array(12));
  return (
    prefix + seq.toString(16).padStart(8, '0') + [...rnd].map((b) => b.toString(16).padStart(2, '0')).join('')
  );
}

export function buildTwilioInbound(input: TwilioInboundInput): TwilioParams {
  const sid = input.messageSid ?? newMessageSid();
  const type =
    input.type ??
    (input.media
      ? input.media.contentType.split('/')[0] === 'application'
        ? 'document'
        : (input.media.contentType.split('/')[0] ?? 'document')
      : input.location
        ? 'location'
        : input.button
          ? 'button'
          : input.list
            ? 'interactive'
            : 'text');
  const p: TwilioParams = {
    SmsMessageSid: sid,
    NumMedia: input.media ? '1' : '0',
    ProfileName: input.profileName ?? 'Customer',
    MessageType: type,
    SmsSid: sid,
    ...(isBsuidLike(input.from) ? {} : { WaId: input.from.replace(/^\+/, '') }),
    ...bsuidParams(input.from, input.externalUserId, input.parentExternalUserId),
    SmsStatus: 'received',
    Body: input.body ?? '',
    To: `whatsapp:${input.to}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: input.accountSid ?? DEFAULT_ACCOUNT_SID,
    From: `whatsapp:${input.from}`,
    ApiVersion: '2010-04-01',
  };
  if (input.media) {
    p.MediaUrl0 = input.media.url;
    p.MediaContentType0 = input.media.contentType;
  }
  if (input.location) {
    p.Latitude = String(input.location.latitude);
    p.Longitude = String(input.location.longitude);
    if (input.location.address) p.Address = input.location.address;
    if (input.location.label) p.Label = input.location.label;
  }
  if (input.button) {
    p.ButtonText = input.button.text;
    p.ButtonPayload = input.button.payload;
  }
  if (input.list) {
    p.ListId = input.list.id;
    p.ListTitle = input.list.title;
    if (input.list.description) p.ListDescription = input.list.description;
  }
  if (input.replyTo) {
    p.OriginalRepliedMessageSid = input.replyTo.sid;
    p.OriginalRepliedMessageSender = `whatsapp:${input.replyTo.sender ?? input.to}`;
  }
  if (input.forwarded) p.Forwarded = 'true';
  if (input.frequentlyForwarded) p.FrequentlyForwarded = 'true';
  const r = input.referral;
  if (r) {
    const set = (k: string, v: string | undefined) => v !== undefined && (p[k] = v);
    set('ReferralSourceType', r.sourceType);
    set('ReferralSourceId', r.sourceId);
    set('ReferralSourceUrl', r.sourceUrl);
    set('ReferralHeadline', r.headline);
    set('ReferralBody', r.body);
    set('ReferralCtwaClid', r.ctwaClid);
  }
  return { ...p, ...input.extra };
}

export interface TwilioStatusInput {
  messageSid: string;
  /** queued | sent | delivered | read | failed | undelivered | … */
  status: string;
  /** Our WhatsApp number (E.164). */
  from: string;
  /** The customer: E.164 or BSUID. */
  to: string;
  /** As for inbound: defaults to the customer's (simulated) BSUID, `null` for none. */
  externalUserId?: string | null;
  accountSid?: string;
  errorCode?: string;
  errorMessage?: string;
  extra?: TwilioParams;
}

export function buildTwilioStatus(input: TwilioStatusInput): TwilioParams {
  const p: TwilioParams = {
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
    MessageStatus: input.status,
    SmsSid: input.messageSid,
    SmsStatus: input.status,
    ChannelInstallSid: 'XE00000000000000000000000000000000',
    To: `whatsapp:${input.to}`,
    From: `whatsapp:${input.from}`,
    MessageSid: input.messageSid,
    StructuredMessage: 'false',
    AccountSid: input.accountSid ?? DEFAULT_ACCOUNT_SID,
    ChannelToAddress: input.to.replace(/\d{4}$/, 'XXXX'),
    ...bsuidParams(input.to, input.externalUserId),
  };
  if (input.status === 'read') p.EventType = 'READ';
  if (input.status === 'delivered') p.EventType = 'DELIVERED';
  if (input.errorCode) p.ErrorCode = input.errorCode;
  if (input.errorMessage) p.ErrorMessage = input.errorMessage;
  return { ...p, ...input.extra };
}

/** The callback Twilio would post to `message.statusCallback` for a message the simulator accepted. */
export function buildTwilioStatusFor(
  message: SimMessage,
  status: string,
  error?: { code: string; message?: string },
): TwilioParams {
  return buildTwilioStatus({
    messageSid: message.sid,
    status,
    from: (message.from ?? '').replace(/^whatsapp:/, ''),
    to: message.to.replace(/^whatsapp:/, ''),
    errorCode: error?.code,
    errorMessage: error?.message,
  });
}

const encoder = new TextEncoder();

async function hmacSha1Base64(key: string, data: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    'raw',
    encoder.encode(key),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(data)));
  return btoa(String.fromCharCode(...mac));
}

/** Twilio's signature: Base64(HMAC-SHA1(AuthToken, url + each param sorted by key as key+value)). */
export function signTwilioRequest(authToken: string, url: string, params: TwilioParams): Promise<string> {
  const keys = Object.keys(params).sort();
  return hmacSha1Base64(authToken, url + keys.map((k) => k + params[k]).join(''));
}

/** A signed form-encoded webhook as our route would receive it. */
export async function twilioWebhookRequest(opts: {
  url: string;
  params: TwilioParams;
  authToken: string;
  /** Sign a different URL than the one delivered (e.g. with `:443`), as Twilio sometimes does. */
  signedUrl?: string;
}): Promise<WebhookRequest> {
  const signature = await signTwilioRequest(opts.authToken, opts.signedUrl ?? opts.url, opts.params);
  return {
    url: opts.url,
    method: 'POST',
    headers: new Headers({
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      'i-twilio-idempotency-token': crypto.randomUUID(),
    }),
    rawBody: new URLSearchParams(opts.params).toString(),
  };
}

/** JSON-body variant: the URL gets `bodySHA256=<hex>` and only the URL is signed. */
export async function twilioJsonWebhookRequest(opts: {
  url: string;
  body: unknown;
  authToken: string;
}): Promise<WebhookRequest> {
  const rawBody = JSON.stringify(opts.body);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(rawBody)));
  const hash = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  const url = `${opts.url}${opts.url.includes('?') ? '&' : '?'}bodySHA256=${hash}`;
  return {
    url,
    method: 'POST',
    headers: new Headers({
      'content-type': 'application/json',
      'x-twilio-signature': await signTwilioRequest(opts.authToken, url, {}),
    }),
    rawBody,
  };
}

/** The same webhook as a fetch Request, to POST at a running app (local mode). */
export function toFetchRequest(request: WebhookRequest): Request {
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.rawBody,
  });
}
