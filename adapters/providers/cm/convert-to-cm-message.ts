// OutboundMessage → one CM.com `msg` (developers.cm.com/messaging/docs; SDK BusinessMessaging/Model/*).
import type { MessageContent, OutboundMessage } from '../../../src/core/message';
import { ProviderError } from '../../../src/core/errors';
import { isUserIdAddress } from '../../../src/core/customer-id';
import type { CmConversationPart, CmMsg } from './cm-api';
import { cmMediaContent } from './convert-to-cm-media';
import { toCmRecipient, toCmSender } from './cm-number';
import { toCmWhatsAppTemplate } from './map-cm-template';
import { toWhatsAppInteractive } from '../whatsapp-interactive';

export function toCmMsg(message: OutboundMessage, opts: { from: string; reference: string }): CmMsg {
  // CM.com addresses phones only (its BSUID contract is a preview): the service refuses such sends with
  // `phone_required` first (capabilities.userIdRecipients); this guards the wire.
  if (isUserIdAddress(message.to))
    throw new ProviderError(
      'invalid_recipient',
      'CM.com can only send to a phone number, not a WhatsApp username',
    );
  const part = conversationPart(message);
  if (message.replyTo) part.context = { message_id: message.replyTo };
  return {
    from: toCmSender(opts.from),
    to: [{ number: toCmRecipient(message.to) }],
    // `body` is required even for rich content and must not be empty (messageErrorCode 304 "A body without
    // content was found", vendors/providers.md §C); it is also what a non-rich channel would show.
    body: { type: 'auto', content: fallbackText(message.content) },
    reference: opts.reference,
    // Never fall back to SMS: without allowedChannels CM.com may pick any channel (SDK Message.AllowedChannels).
    allowedChannels: ['WhatsApp'],
    richContent: { conversation: [part] },
  };
}

function conversationPart(message: OutboundMessage): CmConversationPart {
  const content = message.content;
  switch (content.type) {
    case 'text':
      return { text: content.text };
    case 'media': {
      if (!content.url) {
        throw new ProviderError('rejected', 'CM.com sends media by public URL: the media has no URL');
      }
      const media = cmMediaContent(content.mediaType, content.url, {
        filename: content.filename,
        mimeType: content.mimeType,
      });
      // A text next to media in one part is the caption (SDK TextMessage: "in combination with media this
      // will be set as the text of a rich card").
      return content.caption ? { text: content.caption, media } : { media };
    }
    case 'location':
      // SDK ViewLocationOptions: coordinates are strings; label = pin name, searchQuery = address.
      return {
        location: {
          latitude: String(content.latitude),
          longitude: String(content.longitude),
          ...(content.name ? { label: content.name } : {}),
          ...(content.address ? { searchQuery: content.address } : {}),
        },
      };
    case 'contacts':
      // SDK ContactMessage follows WhatsApp's contact object (name.formatted_name, phones[].phone, …).
      return {
        contacts: content.contacts.map((c) => ({
          name: { formatted_name: c.name, first_name: c.name },
          phones: c.phones.map((phone) => ({ phone, type: 'CELL' })),
          ...(c.emails?.length ? { emails: c.emails.map((email) => ({ email, type: 'WORK' })) } : {}),
          ...(c.organization ? { org: { company: c.organization } } : {}),
        })),
      };
    case 'interactive_buttons':
    case 'interactive_list':
    case 'cta_url':
      return { interactive: toWhatsAppInteractive(content) };
    case 'template': {
      if (!message.template) {
        throw new ProviderError(
          'template_mismatch',
          `Template ${content.templateName} is not resolved for sending`,
        );
      }
      return {
        template: {
          whatsapp: toCmWhatsAppTemplate(message.template, content.values, content.headerMediaUrl),
        },
      };
    }
    case 'reaction':
      throw new ProviderError('rejected', 'CM.com Business Messaging has no API to send WhatsApp reactions');
    case 'reply':
    case 'order':
    case 'system':
      throw new ProviderError(
        'rejected',
        `A customer's ${content.type} cannot be sent as an outbound message`,
      );
    case 'unsupported':
      throw new ProviderError('rejected', `Cannot send unsupported content (${content.vendorType})`);
    default:
      return assertNever(content);
  }
}

/** Readable text for `body.content`. */
export function fallbackText(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'media':
      return content.caption || content.filename || `[${content.mediaType}]`;
    case 'location':
      return [content.name, content.address, `${content.latitude},${content.longitude}`]
        .filter(Boolean)
        .join(' — ');
    case 'contacts':
      return content.contacts.map((c) => `${c.name} ${c.phones.join(', ')}`).join('; ') || '[contacts]';
    case 'interactive_buttons':
    case 'interactive_list':
      return content.body;
    case 'cta_url':
      return `${content.body} ${content.url}`;
    case 'template':
      return content.renderedText || content.templateName;
    case 'reaction':
      return content.emoji;
    case 'reply':
      return content.title;
    case 'order':
      return `Order of ${content.items.length} item(s)`;
    case 'system':
      return content.body;
    case 'unsupported':
      return content.description;
    default:
      return assertNever(content);
  }
}

function assertNever(value: never): never {
  throw new ProviderError('rejected', `Unknown content type ${JSON.stringify(value)}`);
}
