// The `message` object of a CM.com inbound (MO) webhook → MessageContent.
// Documented (developers.cm.com/messaging/docs/whatsapp-inbound): `text`, `media {mediaUri, contentType,
// title}`, `custom.location {latitude, longitude (also misspelt "longtitude" in the docs), label,
// searchQuery}`, `custom.contacts [WhatsApp contact objects]`. Interactive and template-button replies
// are listed in the docs' contents but their fields are UNCONFIRMED (vendors/providers.md §C): the
// WhatsApp shapes (`interactive.button_reply|list_reply|nfm_reply`, `button {payload, text}`,
// `reaction {emoji, message_id}`) are accepted, and any other custom key becomes `unsupported`.
import type { ContactCard, MessageContent } from '../../../src/core/message';
import type { CmInbound } from './cm-api';
import { mediaTypeOf } from './convert-to-cm-media';

type Dict = Record<string, unknown>;

export function mapCmInboundContent(message: CmInbound['message']): MessageContent {
  const custom: Dict = message.custom ?? {};
  const text = message.text?.trim() ? message.text : undefined;

  const location = asDict(custom.location);
  if (location) {
    const latitude = num(location.latitude);
    const longitude = num(location.longitude ?? location.longtitude);
    if (latitude !== undefined && longitude !== undefined) {
      return {
        type: 'location',
        latitude,
        longitude,
        ...(str(location.label ?? location.name) ? { name: str(location.label ?? location.name) } : {}),
        ...(str(location.searchQuery ?? location.address)
          ? { address: str(location.searchQuery ?? location.address) }
          : {}),
        ...(str(location.url) ? { url: str(location.url) } : {}),
      };
    }
  }

  if (Array.isArray(custom.contacts)) {
    const contacts = custom.contacts
      .map(asDict)
      .filter((c): c is Dict => !!c)
      .map(toContactCard);
    if (contacts.length > 0) return { type: 'contacts', contacts };
  }

  const reply = interactiveReply(custom, text);
  if (reply) return reply;

  const reaction = asDict(custom.reaction);
  if (reaction && str(reaction.message_id ?? reaction.messageId)) {
    return {
      type: 'reaction',
      emoji: str(reaction.emoji) ?? '',
      targetProviderMessageId: str(reaction.message_id ?? reaction.messageId) ?? '',
    };
  }

  const mediaUri = message.media?.mediaUri?.trim();
  if (mediaUri) {
    const contentType = message.media?.contentType ?? undefined;
    const mediaType = mediaTypeOf(contentType);
    const title = message.media?.title?.trim() || undefined;
    return {
      type: 'media',
      mediaType,
      url: mediaUri,
      ...(contentType ? { mimeType: contentType } : {}),
      ...(text ? { caption: text } : {}),
      ...(mediaType === 'document' && title ? { filename: title } : {}),
    };
  }

  if (text) return { type: 'text', text };

  const keys = Object.keys(custom).filter((k) => custom[k] !== null && custom[k] !== undefined);
  const vendorType = keys[0] ?? 'empty';
  return {
    type: 'unsupported',
    vendorType,
    description:
      vendorType === 'empty'
        ? 'The customer sent a WhatsApp message CM.com delivered without content.'
        : `The customer sent a WhatsApp ${keys.join(', ')} message, which cannot be shown here. Open WhatsApp to see it.`,
  };
}

function interactiveReply(custom: Dict, text: string | undefined): MessageContent | undefined {
  const interactive = asDict(custom.interactive);
  if (interactive) {
    const button = asDict(interactive.button_reply);
    if (button) {
      return { type: 'reply', replyKind: 'button', ...idOf(button), title: str(button.title) ?? text ?? '' };
    }
    const row = asDict(interactive.list_reply);
    if (row) {
      const description = str(row.description);
      return {
        type: 'reply',
        replyKind: 'list',
        ...idOf(row),
        title: str(row.title) ?? text ?? '',
        ...(description ? { description } : {}),
      };
    }
    const flow = asDict(interactive.nfm_reply);
    if (flow) {
      const data = str(flow.response_json);
      return {
        type: 'reply',
        replyKind: 'flow',
        title: str(flow.body) ?? str(flow.name) ?? text ?? 'Flow response',
        ...(data ? { data } : {}),
      };
    }
  }
  // Template quick-reply button: WhatsApp's `button {payload, text}`.
  const button = asDict(custom.button);
  if (button && (str(button.text) || str(button.payload))) {
    const payload = str(button.payload);
    return {
      type: 'reply',
      replyKind: 'quick_reply',
      ...(payload ? { id: payload } : {}),
      title: str(button.text) ?? text ?? payload ?? '',
    };
  }
  return undefined;
}

function toContactCard(c: Dict): ContactCard {
  const name = asDict(c.name);
  const formatted =
    str(name?.formatted_name) ??
    [str(name?.first_name), str(name?.last_name)].filter(Boolean).join(' ') ??
    '';
  const phones = (Array.isArray(c.phones) ? c.phones : [])
    .map(asDict)
    .map((p) => str(p?.phone) ?? str(p?.wa_id))
    .filter((p): p is string => !!p);
  const emails = (Array.isArray(c.emails) ? c.emails : [])
    .map(asDict)
    .map((e) => str(e?.email))
    .filter((e): e is string => !!e);
  const org = str(asDict(c.org)?.company);
  return {
    name: formatted || phones[0] || 'Contact',
    phones,
    ...(emails.length ? { emails } : {}),
    ...(org ? { organization: org } : {}),
  };
}

/** `messageContext` says which MT or MO the customer replied to (incoming-messages); its fields are UNCONFIRMED. */
export function replyTarget(context: unknown): string | undefined {
  if (typeof context === 'string') return context.trim() || undefined;
  const dict = asDict(context);
  if (!dict) return undefined;
  for (const key of ['messageId', 'message_id', 'id', 'reference', 'mtReference', 'moReference']) {
    const v = str(dict[key]);
    if (v) return v;
  }
  return undefined;
}

function idOf(d: Dict): { id?: string } {
  const id = str(d.id);
  return id ? { id } : {};
}

function asDict(v: unknown): Dict | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() ? v : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
