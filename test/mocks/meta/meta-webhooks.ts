// Builders for the webhooks Meta sends (shapes from the spec's /whatsapp/webhooks examples and Meta's webhook
// references), plus signing like Meta does, so tests and local mode can "play the customer".
import type { WebhookRequest } from '../../../adapters/providers/types';
import { META_SAMPLE_MEDIA, type SampleMediaKind } from './meta-sample-media';

type Json = Record<string, unknown>;

export interface MetaWebhookContext {
  wabaId?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
}

export const META_WEBHOOK_DEFAULTS = {
  wabaId: '102290129340398',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
} as const;

let counter = 0;
/** A message id in Meta's `wamid.` form, unique within the process. */
export function nextWamid(): string {
  counter += 1;
  const raw = `SIM${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}`.toUpperCase();
  return `wamid.HBgL${btoa(raw).replace(/=+$/, '')}`;
}

const SENDER_EXTRA = '__sender';
const epoch = (ms: number = Date.now()) => String(Math.floor(ms / 1000));
const digits = (phone: string) => phone.replace(/\D/g, '');

export interface InboundBase {
  /** Customer phone (E.164 or digits); absent for a customer who adopted a username (issue 11). */
  from?: string;
  /** BSUID (`from_user_id`, `contacts[].user_id`), sent by Meta since April 2026. */
  userId?: string;
  parentUserId?: string;
  /** `contacts[].profile.username`. */
  username?: string;
  id?: string;
  timestampMs?: number;
  context?: { id?: string; from?: string; forwarded?: boolean; frequently_forwarded?: boolean };
  referral?: Json;
}

function message(base: InboundBase, type: string, payload: Json): Json {
  return {
    ...(base.from !== undefined ? { from: digits(base.from) } : {}),
    ...(base.userId ? { from_user_id: base.userId } : {}),
    // Not part of Meta's message item: read by metaMessagesWebhook to build `contacts[]`, then removed.
    ...(base.parentUserId || base.username
      ? { [SENDER_EXTRA]: { parent_user_id: base.parentUserId, username: base.username } }
      : {}),
    id: base.id ?? nextWamid(),
    timestamp: epoch(base.timestampMs),
    ...(base.context ? { context: base.context } : {}),
    ...(base.referral ? { referral: base.referral } : {}),
    type,
    ...payload,
  };
}

// Each kind defaults to the simulator's sample media id of that kind, so the app can download what it was sent;
// pass `{ id }` (from MetaSimState.addMedia) for other bytes.
const media =
  (kind: SampleMediaKind) =>
  (base: InboundBase, extra: Json = {}) =>
    message(base, kind, {
      [kind]: {
        mime_type: extra.mime_type ?? META_SAMPLE_MEDIA[kind].mimeType,
        sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
        id: META_SAMPLE_MEDIA[kind].id,
        ...extra,
      },
    });

/** One inbound `messages[]` item per WhatsApp message type. */
export const metaInbound = {
  text: (base: InboundBase, body: string) => message(base, 'text', { text: { body } }),
  image: media('image'),
  video: media('video'),
  audio: (base: InboundBase, extra: Json = {}) =>
    media('audio')(base, { mime_type: 'audio/ogg; codecs=opus', voice: true, ...extra }),
  document: (base: InboundBase, extra: Json = {}) =>
    media('document')(base, { mime_type: 'application/pdf', filename: 'receipt.pdf', ...extra }),
  sticker: (base: InboundBase, extra: Json = {}) =>
    media('sticker')(base, { mime_type: 'image/webp', animated: false, ...extra }),
  location: (base: InboundBase, location: Json) => message(base, 'location', { location }),
  contacts: (base: InboundBase, contacts: Json[]) => message(base, 'contacts', { contacts }),
  buttonReply: (base: InboundBase, id: string, title: string) =>
    message(base, 'interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } }),
  listReply: (base: InboundBase, id: string, title: string, description?: string) =>
    message(base, 'interactive', {
      interactive: { type: 'list_reply', list_reply: { id, title, ...(description ? { description } : {}) } },
    }),
  flowReply: (base: InboundBase, responseJson: Json, body = 'Sent') =>
    message(base, 'interactive', {
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body, response_json: JSON.stringify(responseJson) },
      },
    }),
  /** Template quick-reply tap (`type: button`). */
  quickReply: (base: InboundBase, payload: string, text: string) =>
    message(base, 'button', { button: { payload, text } }),
  reaction: (base: InboundBase, targetId: string, emoji: string) =>
    message(base, 'reaction', { reaction: { message_id: targetId, emoji } }),
  edit: (base: InboundBase, originalId: string, body: string) =>
    message(base, 'edit', {
      edit: { original_message_id: originalId, message: { type: 'text', text: { body } } },
    }),
  revoke: (base: InboundBase, originalId: string) =>
    message(base, 'revoke', { revoke: { original_message_id: originalId } }),
  unsupported: (base: InboundBase, originalType?: string) =>
    message(base, 'unsupported', {
      ...(originalType ? { unsupported: { type: originalType } } : {}),
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          error_data: { details: 'Message type is currently not supported.' },
        },
      ],
    }),
  order: (
    base: InboundBase,
    items: { product_retailer_id: string; quantity: number; item_price: number; currency: string }[],
  ) => message(base, 'order', { order: { catalog_id: '194836987003835', text: '', product_items: items } }),
  system: (base: InboundBase, body: string, newWaId: string) =>
    message(base, 'system', { system: { body, wa_id: newWaId, type: 'user_changed_number' } }),
  /** `user_changed_number` with the 2026 BSUID fields (Meta changelog 2026-08-11): new phone and new BSUID. */
  changedNumber: (base: InboundBase, next: { phone: string; userId?: string }) =>
    message(base, 'system', {
      system: {
        body: `User changed from ${base.from ?? base.userId} to ${next.phone}`,
        wa_id: digits(next.phone),
        type: 'user_changed_number',
        ...(next.userId ? { user_id: next.userId } : {}),
        ...(base.userId ? { previous_user_id: base.userId } : {}),
        ...(base.parentUserId ? { previous_parent_user_id: base.parentUserId } : {}),
      },
    }),
  /** `user_changed_user_id`: a new BSUID, no phone (Meta changelog 2026-08-11). */
  changedUserId: (base: InboundBase, nextUserId: string) =>
    message({ ...base, userId: nextUserId }, 'system', {
      system: {
        body: 'User’s business-scoped user ID changed',
        type: 'user_changed_user_id',
        user_id: nextUserId,
        ...(base.userId ? { previous_user_id: base.userId } : {}),
        ...(base.parentUserId ? { previous_parent_user_id: base.parentUserId } : {}),
      },
    }),
  /** A type Meta may add tomorrow. */
  custom: (base: InboundBase, type: string, payload: Json) => message(base, type, payload),
};

export interface StatusInput {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'warning' | 'deleted' | (string & {});
  /** Phone; absent (or '') for a username customer, who is named by `recipientUserId` only. */
  recipient?: string;
  recipientUserId?: string;
  recipientParentUserId?: string;
  timestampMs?: number;
  errors?: Json[];
  pricing?: Json;
  conversation?: Json;
  bizOpaqueCallbackData?: string;
}

/** One `statuses[]` item (providers.md status syntax; pricing only on sent/delivered/read). */
export function metaStatus(input: StatusInput): Json {
  const billable = input.status === 'sent' || input.status === 'delivered' || input.status === 'read';
  return {
    id: input.id,
    status: input.status,
    timestamp: epoch(input.timestampMs),
    ...(input.recipient ? { recipient_id: digits(input.recipient) } : {}),
    ...(input.recipientUserId ? { recipient_user_id: input.recipientUserId } : {}),
    ...(input.recipientParentUserId ? { recipient_parent_user_id: input.recipientParentUserId } : {}),
    ...(input.bizOpaqueCallbackData ? { biz_opaque_callback_data: input.bizOpaqueCallbackData } : {}),
    ...(input.conversation ? { conversation: input.conversation } : {}),
    ...(input.pricing
      ? { pricing: input.pricing }
      : billable
        ? { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } }
        : {}),
    ...(input.errors ? { errors: input.errors } : {}),
  };
}

/** Failed-status error item for a Meta error code (providers.md "Failed status item"). */
export function metaStatusError(code: number, title: string, details: string): Json {
  return {
    code,
    title,
    message: title,
    error_data: { details },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}

export function metaEnvelope(
  entries: { id: string; time?: number; changes: { field: string; value: unknown }[] }[],
): Json {
  return { object: 'whatsapp_business_account', entry: entries };
}

function metadata(ctx: MetaWebhookContext): Json {
  return {
    display_phone_number: ctx.displayPhoneNumber ?? META_WEBHOOK_DEFAULTS.displayPhoneNumber,
    phone_number_id: ctx.phoneNumberId ?? META_WEBHOOK_DEFAULTS.phoneNumberId,
  };
}

/** A `messages` webhook carrying inbound messages; the contact profile is derived from each sender. */
export function metaMessagesWebhook(
  ctx: MetaWebhookContext,
  messages: Json[],
  profileName = 'Sheena Nelson',
): Json {
  const senders = new Map<string, Json>();
  const items = messages.map((m) => {
    const { [SENDER_EXTRA]: extra, ...item } = m as Json & { [SENDER_EXTRA]?: Json };
    // System messages carry no contacts (…/webhooks/reference/messages/system/).
    if (item.type === 'system') return item;
    const key = String(item.from ?? item.from_user_id);
    if (!senders.has(key)) {
      senders.set(key, {
        profile: {
          name: profileName,
          ...(extra?.username ? { username: extra.username } : {}),
        },
        ...(item.from !== undefined ? { wa_id: item.from } : {}),
        ...(item.from_user_id ? { user_id: item.from_user_id } : {}),
        ...(extra?.parent_user_id ? { parent_user_id: extra.parent_user_id } : {}),
      });
    }
    return item;
  });
  const value = {
    messaging_product: 'whatsapp',
    metadata: metadata(ctx),
    ...(senders.size ? { contacts: [...senders.values()] } : {}),
    messages: items,
  };
  return metaEnvelope([
    { id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId, changes: [{ field: 'messages', value }] },
  ]);
}

export function metaStatusesWebhook(ctx: MetaWebhookContext, statuses: Json[]): Json {
  const value = { messaging_product: 'whatsapp', metadata: metadata(ctx), statuses };
  return metaEnvelope([
    { id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId, changes: [{ field: 'messages', value }] },
  ]);
}

export interface TemplateStatusInput {
  templateId: string | number;
  name: string;
  language: string;
  event: string;
  reason?: string | null;
  category?: string;
  timeMs?: number;
  extra?: Json;
}

/** `message_template_status_update` (providers.md "Template status webhook"). */
export function metaTemplateStatusWebhook(ctx: MetaWebhookContext, input: TemplateStatusInput): Json {
  const value = {
    event: input.event,
    message_template_id: Number(input.templateId),
    message_template_name: input.name,
    message_template_language: input.language,
    reason: input.reason === undefined ? 'NONE' : input.reason,
    ...(input.category ? { message_template_category: input.category } : {}),
    ...input.extra,
  };
  return metaEnvelope([
    {
      id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId,
      time: Math.floor((input.timeMs ?? Date.now()) / 1000),
      changes: [{ field: 'message_template_status_update', value }],
    },
  ]);
}

const encoder = new TextEncoder();

/** `X-Hub-Signature-256` value: `sha256=` + hex HMAC-SHA256 of the raw body under the app secret. */
export async function signMetaWebhook(rawBody: string, appSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(appSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(rawBody)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A signed webhook as our route receives it. */
export async function metaWebhookRequest(
  payload: unknown,
  appSecret: string,
  url = 'https://wabridge.example/webhooks/meta',
): Promise<WebhookRequest> {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers = new Headers({
    'content-type': 'application/json',
    'x-hub-signature-256': await signMetaWebhook(rawBody, appSecret),
  });
  return { url, method: 'POST', headers, rawBody };
}
