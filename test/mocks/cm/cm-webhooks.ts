// Builds the webhooks CM.com sends, so tests and local mode can "play the customer".
// Status report: developers.cm.com/messaging/docs/incoming-status-report (`msg` is one object).
// Inbound: developers.cm.com/messaging/docs/incoming-messages + whatsapp-inbound.
// CM.com signs nothing: authenticity is the secret token in our webhook URL (/webhooks/cm/:connectionId/:token).
import type { WebhookRequest } from '../../../adapters/providers/types';

export type CmReportStatus = 'Accepted' | 'Rejected' | 'Sent' | 'Delivered' | 'Read' | 'Failed' | 'Cancelled';

export interface CmStatusReportInput {
  reference: string;
  /** Recipient in E.164 or CM's `00` form. */
  to: string;
  status: CmReportStatus | string;
  errorCode?: string | number;
  errorDescription?: string;
  /** Epoch ms; rendered as "yyyy-MM-ddTHH:mm:ss" UTC. */
  at?: number;
  operator?: string;
  /** CM.com's BSUID fields (preview contract, developers.cm.com/messaging/docs/whatsapp-business-scoped-user-ids). */
  userId?: string;
  parentUserId?: string;
  username?: string;
}

/** The preview's three fields, "always present, may be empty": emitted only when a test gives one of them. */
function userIdFields(input: { userId?: string; parentUserId?: string; username?: string }) {
  return input.userId !== undefined || input.parentUserId !== undefined || input.username !== undefined
    ? { userId: input.userId ?? '', parentUserId: input.parentUserId ?? '', username: input.username ?? '' }
    : {};
}

export function buildCmStatusReport(input: CmStatusReportInput): {
  messages: { msg: Record<string, unknown> };
} {
  return {
    messages: {
      msg: {
        received: cmTime(input.at ?? Date.now()),
        to: toCmDigits(input.to),
        ...userIdFields(input),
        reference: input.reference,
        status: {
          code: input.status,
          errorCode: input.errorCode === undefined ? '' : String(input.errorCode),
          errorDescription: input.errorDescription ?? '',
        },
        operator: input.operator ?? '',
      },
    },
  };
}

export type CmInboundKind =
  | { type: 'text'; text: string }
  | { type: 'media'; url: string; contentType: string; title?: string; caption?: string }
  | { type: 'location'; latitude: number; longitude: number; label?: string; searchQuery?: string }
  | { type: 'contacts'; contacts: Record<string, unknown>[] }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string; description?: string }
  | { type: 'template_button'; payload: string; text: string }
  | { type: 'custom'; custom: Record<string, unknown>; text?: string };

export interface CmInboundInput {
  /** Customer in E.164; '' for a username customer outside the 30-day window (preview contract). */
  from: string;
  userId?: string;
  parentUserId?: string;
  username?: string;
  name?: string;
  /** Our WhatsApp number in E.164. */
  to: string;
  content: CmInboundKind;
  reference?: string;
  at?: number;
  channel?: string;
  messageContext?: unknown;
}

export function buildCmInbound(input: CmInboundInput): Record<string, unknown> {
  const c = input.content;
  let message: Record<string, unknown>;
  const emptyMedia = { mediaUri: '', contentType: '', title: '' };
  switch (c.type) {
    case 'text':
      message = { text: c.text, media: emptyMedia, custom: {} };
      break;
    case 'media':
      message = {
        text: c.caption ?? '',
        media: { mediaUri: c.url, contentType: c.contentType, title: c.title ?? '' },
        custom: {},
      };
      break;
    case 'location':
      message = {
        text: '',
        media: emptyMedia,
        custom: {
          location: {
            latitude: c.latitude,
            longitude: c.longitude,
            ...(c.label ? { label: c.label } : {}),
            ...(c.searchQuery ? { searchQuery: c.searchQuery } : {}),
          },
        },
      };
      break;
    case 'contacts':
      message = { text: '', media: emptyMedia, custom: { contacts: c.contacts } };
      break;
    case 'button_reply':
      message = {
        text: c.title,
        media: emptyMedia,
        custom: { interactive: { type: 'button_reply', button_reply: { id: c.id, title: c.title } } },
      };
      break;
    case 'list_reply':
      message = {
        text: c.title,
        media: emptyMedia,
        custom: {
          interactive: {
            type: 'list_reply',
            list_reply: { id: c.id, title: c.title, description: c.description },
          },
        },
      };
      break;
    case 'template_button':
      message = { text: c.text, media: emptyMedia, custom: { button: { payload: c.payload, text: c.text } } };
      break;
    case 'custom':
      message = { text: c.text ?? '', media: emptyMedia, custom: c.custom };
      break;
  }
  return {
    reference: input.reference ?? crypto.randomUUID(),
    from: { number: input.from, ...(input.name ? { name: input.name } : {}), ...userIdFields(input) },
    to: { number: input.to },
    message,
    groupings: ['', '', ''],
    timeUtc: cmTime(input.at ?? Date.now()),
    channel: input.channel ?? 'WhatsApp',
    ...(input.messageContext !== undefined ? { messageContext: input.messageContext } : {}),
  };
}

/** Our public webhook URL for a CM.com connection: the token is the only proof of origin. */
export function cmWebhookUrl(publicBaseUrl: string, connectionId: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/cm/${encodeURIComponent(connectionId)}/${encodeURIComponent(token)}`;
}

/** The WebhookRequest our route hands the adapter for a CM.com POST. */
export function cmWebhookRequest(url: string, body: unknown): WebhookRequest {
  return {
    url,
    method: 'POST',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    rawBody: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A fetch Request CM.com would send (for local mode over HTTP). */
export function cmWebhookFetchRequest(url: string, body: unknown): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** "yyyy-MM-ddTHH:mm:ss" in UTC, no zone (incoming-messages `timeUtc`). */
export function cmTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function toCmDigits(number: string): string {
  return number.startsWith('+') ? `00${number.slice(1)}` : number;
}
