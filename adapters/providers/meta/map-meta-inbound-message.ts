// One `messages[]` item of a Meta webhook → normalized content (spec `IncomingMessage`; Meta webhook references).
import type { ContactCard, MediaType, MessageContent } from '../../../src/core/message';
import type { MetaInboundMessage } from './meta-api';

type Loose = Record<string, unknown>;

const MEDIA_TYPES: readonly MediaType[] = ['image', 'video', 'audio', 'document', 'sticker'];

function obj(value: unknown): Loose | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
function defined<T extends Loose>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function unsupported(vendorType: string, description: string): MessageContent {
  return { type: 'unsupported', vendorType, description };
}

function mapContacts(list: unknown): MessageContent {
  const contacts: ContactCard[] = (Array.isArray(list) ? list : []).map((raw) => {
    const c = obj(raw) ?? {};
    const name = obj(c.name);
    const phones = (Array.isArray(c.phones) ? c.phones : [])
      .map((p) => str(obj(p)?.phone) ?? (str(obj(p)?.wa_id) ? `+${str(obj(p)?.wa_id)}` : undefined))
      .filter((p): p is string => !!p);
    const emails = (Array.isArray(c.emails) ? c.emails : [])
      .map((e) => str(obj(e)?.email))
      .filter((e): e is string => !!e);
    const fullName =
      str(name?.formatted_name) ??
      ([str(name?.first_name), str(name?.last_name)].filter(Boolean).join(' ') || 'Unnamed contact');
    return defined({
      name: fullName,
      phones,
      emails: emails.length ? emails : undefined,
      organization: str(obj(c.org)?.company),
    });
  });
  return { type: 'contacts', contacts };
}

function mapInteractive(interactive: Loose | undefined): MessageContent {
  const kind = str(interactive?.type) ?? 'unknown';
  const reply = obj(interactive?.[kind]);
  if (kind === 'button_reply' && reply) {
    return { type: 'reply', replyKind: 'button', id: str(reply.id), title: str(reply.title) ?? '' };
  }
  if (kind === 'list_reply' && reply) {
    return defined({
      type: 'reply',
      replyKind: 'list',
      id: str(reply.id),
      title: str(reply.title) ?? '',
      description: str(reply.description),
    });
  }
  if (kind === 'nfm_reply' && reply) {
    // WhatsApp Flows completion: `response_json` is a JSON string of the answers (Meta Flows "Response message webhook").
    return defined({
      type: 'reply',
      replyKind: 'flow',
      id: str(reply.name),
      title: str(reply.body) ?? 'Flow response',
      data: str(reply.response_json),
    });
  }
  return unsupported(`interactive.${kind}`, `Interactive reply of type “${kind}” that this app cannot show`);
}

/** Order message (Meta webhook reference, messages/order): the cart the customer sent from the catalog. */
function mapOrder(order: Loose | undefined): MessageContent {
  const items = (Array.isArray(order?.product_items) ? order.product_items : []).map((raw) => {
    const i = obj(raw) ?? {};
    return defined({
      productId: str(i.product_retailer_id) ?? '?',
      quantity: num(i.quantity) ?? 1,
      itemPrice: num(i.item_price),
      currency: str(i.currency),
    });
  });
  return defined({
    type: 'order' as const,
    catalogId: str(order?.catalog_id),
    items,
    note: str(order?.text) || undefined,
  });
}

function describeErrors(message: MetaInboundMessage): string | undefined {
  const e = message.errors?.[0];
  if (!e) return undefined;
  return e.error_data?.details ?? e.message ?? e.title;
}

/** Maps the content of one inbound message; never throws: unknown or unreadable types become `unsupported`. */
export function mapMetaInboundContent(message: MetaInboundMessage): MessageContent {
  const m = message as MetaInboundMessage & Loose;
  const type = message.type;
  const payload = obj(m[type]);
  if (type === 'text' && str(payload?.body) !== undefined) return { type: 'text', text: str(payload?.body)! };
  if ((MEDIA_TYPES as readonly string[]).includes(type) && payload) {
    return defined({
      type: 'media' as const,
      mediaType: type as MediaType,
      mediaId: str(payload.id),
      url: str(payload.url),
      caption: str(payload.caption),
      filename: str(payload.filename),
      mimeType: str(payload.mime_type),
    });
  }
  if (
    type === 'location' &&
    payload &&
    num(payload.latitude) !== undefined &&
    num(payload.longitude) !== undefined
  ) {
    return defined({
      type: 'location' as const,
      latitude: num(payload.latitude)!,
      longitude: num(payload.longitude)!,
      name: str(payload.name),
      address: str(payload.address),
      url: str(payload.url),
    });
  }
  if (type === 'contacts') return mapContacts(m.contacts);
  if (type === 'interactive') return mapInteractive(payload);
  if (type === 'button' && payload) {
    // Template quick-reply tap (spec ButtonMessage): payload is what we set, text is the label.
    return defined({
      type: 'reply',
      replyKind: 'quick_reply',
      id: str(payload.payload),
      title: str(payload.text) ?? '',
    });
  }
  if (type === 'reaction' && payload) {
    // An empty emoji means the customer removed their reaction (Meta reaction webhook reference).
    return {
      type: 'reaction',
      emoji: str(payload.emoji) ?? '',
      targetProviderMessageId: str(payload.message_id) ?? '',
    };
  }
  if (type === 'order') return mapOrder(payload);
  if (type === 'system') {
    const event = str(payload?.type) ?? 'system';
    return { type: 'system', event, body: str(payload?.body) ?? 'The customer’s WhatsApp account changed' };
  }
  if (type === 'request_welcome')
    return unsupported('request_welcome', 'The customer opened the chat for the first time');
  if (type === 'unsupported' || type === 'unknown') {
    // Newer webhooks name the original kind in `unsupported.type` (e.g. a view-once or poll message).
    const original = str(payload?.type);
    const detail = describeErrors(message) ?? 'Message type is currently not supported';
    return unsupported(
      original ?? type,
      `The customer sent ${original ? `a “${original}” message` : 'a message'} that WhatsApp does not deliver to business apps (${detail})`,
    );
  }
  return unsupported(type, `The customer sent a “${type}” message that this app cannot show yet`);
}

/** `edit.message` of an edit webhook (Coexistence numbers) carries the new content as a message object. */
export function editedContent(message: MetaInboundMessage): { originalId?: string; content: MessageContent } {
  const edit = obj((message as Loose).edit);
  const inner = obj(edit?.message);
  const innerType = str(inner?.type);
  const content =
    inner && innerType
      ? mapMetaInboundContent({
          ...inner,
          from: message.from,
          id: message.id,
          timestamp: message.timestamp,
          type: innerType,
        } as MetaInboundMessage)
      : unsupported('edit', 'The customer edited a message');
  return { originalId: str(edit?.original_message_id), content };
}

export function revokedMessageId(message: MetaInboundMessage): string | undefined {
  return str(obj((message as Loose).revoke)?.original_message_id);
}
