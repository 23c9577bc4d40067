// Normalized message and status model (DESIGN.md §3.4). The status lattice lives in status.ts.
import type { Template, TemplateValues } from './template';

export type Direction = 'inbound' | 'outbound';

export const MESSAGE_STATUSES = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** When each status was reported by the provider (epoch ms). Webhooks arrive out of order: keep them all. */
export type StatusTimes = Partial<Record<MessageStatus, number>>;

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface ContactCard {
  name: string;
  phones: string[];
  emails?: string[];
  organization?: string;
}

export interface InteractiveButton {
  id: string;
  title: string;
}

export interface InteractiveListSection {
  title?: string;
  rows: { id: string; title: string; description?: string }[];
}

export type MessageContent =
  | { type: 'text'; text: string; previewUrl?: boolean }
  | {
      type: 'media';
      mediaType: MediaType;
      /** Public URL (outbound) or provider media URL / id (inbound). */
      url?: string;
      mediaId?: string;
      caption?: string;
      filename?: string;
      mimeType?: string;
      /** View-once / ephemeral media (inbound). */
      viewOnce?: boolean;
    }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string; url?: string }
  | { type: 'contacts'; contacts: ContactCard[] }
  | {
      type: 'interactive_buttons';
      body: string;
      buttons: InteractiveButton[];
      header?: string;
      footer?: string;
    }
  | {
      type: 'interactive_list';
      body: string;
      buttonText: string;
      sections: InteractiveListSection[];
      header?: string;
      footer?: string;
    }
  | { type: 'cta_url'; body: string; buttonText: string; url: string }
  /** A customer's answer to buttons, a list, a template quick reply, or a flow. */
  | {
      type: 'reply';
      replyKind: 'button' | 'list' | 'quick_reply' | 'flow';
      id?: string;
      title: string;
      description?: string;
      data?: string;
    }
  | {
      type: 'template';
      templateId: string; // our template row id
      templateName: string;
      language: string;
      values: TemplateValues;
      /** Media URL for a media header. */
      headerMediaUrl?: string;
      /** The body as rendered with the values: what the customer reads. */
      renderedText?: string;
    }
  | { type: 'reaction'; emoji: string; targetProviderMessageId: string }
  /** A customer's cart sent from the business's catalog (inbound only). */
  | { type: 'order'; catalogId?: string; items: OrderItem[]; note?: string }
  /** A notice WhatsApp writes into the chat (e.g. the customer changed number); `event` is the vendor's kind. */
  | { type: 'system'; event: string; body: string }
  | { type: 'unsupported'; vendorType: string; description: string };

export interface OrderItem {
  productId: string;
  quantity: number;
  /** Unit price, when the catalog gave one. */
  itemPrice?: number;
  currency?: string;
}

export type MessageType = MessageContent['type'];

/** The one mapping from a template to the provider-side identity a send carries (single sends and campaign slices). */
export function outboundTemplateOf(template: Template): NonNullable<OutboundMessage['template']> {
  return {
    providerTemplateId: template.providerTemplateId,
    name: template.name,
    language: template.language,
    namespace: template.namespace,
    parameterFormat: template.parameterFormat,
    variables: template.variables,
    headerFormat: template.components.header?.format,
    buttonTypes: template.components.buttons.map((b) => b.type),
  };
}

/** What provider adapters send: the content plus routing. */
export interface OutboundMessage {
  /** Our message id: used as correlation reference where the provider supports one (CM.com `reference`). */
  reference: string;
  /** Customer phone in E.164. */
  to: string;
  content: MessageContent;
  /** Provider-side template identity resolved by the service (Meta name, Twilio HX sid, CM.com namespace + name). */
  template?: {
    providerTemplateId: string;
    name: string;
    language: string;
    namespace?: string;
    parameterFormat: 'POSITIONAL' | 'NAMED';
    variables: { id: string; location: 'header' | 'body' | 'button'; key: string; buttonIndex?: number }[];
    headerFormat?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
    /** Button index → button type, for URL / COPY_CODE / QUICK_REPLY parameters. */
    buttonTypes?: string[];
  };
  /** Reply context: the provider message id this message answers. */
  replyTo?: string;
}

export interface ProviderErrorInfo {
  /** Normalized class, see core/errors.ts ProviderErrorKind. */
  kind: string;
  vendorCode?: string;
  vendorMessage?: string;
  /** Human explanation suitable for an agent. */
  reason: string;
}
