// The one interface every WhatsApp provider implements (DESIGN.md §2). Vendor field names stay below this line.
import type {
  OutboundMessage,
  MessageContent,
  MessageStatus,
  ProviderErrorInfo,
} from '../../src/core/message';
import type { ProviderName, Template, TemplateDraft, TemplateStatus } from '../../src/core/template';
import type { ProviderError } from '../../src/core/errors';
import type { ProviderPricing } from '../../src/core/pricing';

/** A webhook exactly as received: the raw body is needed for signatures. */
export interface WebhookRequest {
  /** Public URL the provider called (scheme, host, path and query), used by Twilio's signature. */
  url: string;
  method: string;
  headers: Headers;
  rawBody: string;
}

export interface Referral {
  sourceType?: string; // ad | post | …
  sourceId?: string;
  sourceUrl?: string;
  headline?: string;
  body?: string;
  ctwaClid?: string;
}

/** The provider's pricing of one message (status webhooks), with its category in our words. */
export interface PricingInfo extends ProviderPricing {
  model?: 'CBP' | 'PMP' | string;
  /** The category exactly as the provider wrote it (kept for support, also when we do not know the word). */
  providerCategory?: string;
}

export interface ConversationInfo {
  id?: string;
  expiresAt?: number;
  originType?: string;
}

/**
 * Who wrote (issue 11): phone and / or business-scoped user ID. A customer who adopted a WhatsApp username may come
 * with a BSUID only; at least one of `from`, `userId`, `parentUserId` is set.
 */
export interface CustomerFields {
  /** Customer phone, E.164, when the provider shared it. */
  from?: string;
  /** Business-scoped user ID (`CC.` + up to 128 alphanumerics). */
  userId?: string;
  parentUserId?: string;
  /** Display only, never a key. */
  username?: string;
}

export type ProviderEvent =
  | ({
      kind: 'inbound_message';
      /** Provider routing key of our number (Meta phone_number_id, Twilio `whatsapp:+…`, CM.com number). */
      routingKey?: string;
      providerMessageId: string;
      profileName?: string;
      timestamp: number; // epoch ms
      content: MessageContent;
      replyToProviderMessageId?: string;
      forwarded?: boolean;
      referral?: Referral;
    } & CustomerFields)
  | ({
      kind: 'message_edited';
      routingKey?: string;
      providerMessageId: string; // the edited (original) message
      timestamp: number;
      content: MessageContent;
    } & CustomerFields)
  | ({
      kind: 'message_deleted';
      routingKey?: string;
      providerMessageId: string;
      timestamp: number;
    } & CustomerFields)
  | {
      kind: 'status';
      routingKey?: string;
      /** Provider message id, or for CM.com our reference. */
      providerMessageId: string;
      status: MessageStatus;
      timestamp: number;
      /** Recipient phone, E.164 (absent for a username customer). */
      recipient?: string;
      recipientUserId?: string;
      recipientParentUserId?: string;
      error?: ProviderErrorInfo;
      pricing?: PricingInfo;
      conversation?: ConversationInfo;
      /** Catalog / product problem flag (`warning`), kept without changing status. */
      warning?: string;
    }
  | ({
      /**
       * A message of a number shared with the WhatsApp Business app (coexistence, issue 12 item 5): one the business
       * typed in the app (`echo`, always outbound) or one of the past chats imported on onboarding (`history`).
       * Stored and shown in the CRM, never sent by us, and it moves no window.
       */
      kind: 'coexistence_message';
      source: 'echo' | 'history';
      direction: 'inbound' | 'outbound';
      routingKey?: string;
      providerMessageId: string;
      timestamp: number;
      content: MessageContent;
      /** Last status known (history) or `sent` (echo). */
      status?: MessageStatus;
    } & CustomerFields)
  | {
      /**
       * One chunk of a shared number's chat history (Meta `history`, issue 12 item 5). A chunk may describe thousands
       * of messages, so it is kept raw when received and read item by item later (ProviderAdapter.parseHistoryChunk)
       * by an import job, page by page. Meta: "capture the webhook contents first, then process them asynchronously"
       * (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history/).
       */
      kind: 'history_chunk';
      routingKey?: string;
      /** When it was received (the chunk itself carries no time). */
      timestamp: number;
      /** Where the share is: phase (0: day 0–1, 1: day 1–90, 2: day 90–180), chunk order in it, overall percent. */
      phase?: number;
      chunkOrder?: number;
      progress?: number;
      /** The chunk's items as the vendor wrote them, with what parseHistoryChunk needs to read them again. */
      raw: string;
      /** The business declined to share its history (Meta error 2593109): no messages will come. */
      declined?: { code: number; reason: string };
    }
  | {
      /**
       * The customer's phone number or BSUID changed (Meta `system` messages `user_changed_number` /
       * `user_changed_user_id`): the stored customer is re-keyed, thread, window and CRM link kept.
       */
      kind: 'customer_changed';
      routingKey?: string;
      providerMessageId: string;
      change: 'number' | 'user_id';
      previous: CustomerFields;
      next: CustomerFields;
      timestamp: number;
      description: string;
    }
  | {
      /**
       * One item of a signed batch that could not be read: stored for support with its raw JSON and logged, while
       * the rest of the batch is processed (issue 11 item 4).
       */
      kind: 'unreadable';
      provider: ProviderName;
      routingKey?: string;
      providerMessageId?: string;
      reason: string;
      /** The item as received (JSON or form text), kept for support. */
      raw: string;
      timestamp: number;
    }
  | ({
      /**
       * The customer stopped or resumed marketing messages inside WhatsApp (Meta `user_preferences`, issue 12
       * item 1). Only the customer can change it; it blocks marketing templates, not utility / authentication.
       */
      kind: 'marketing_preference';
      routingKey?: string;
      preference: 'stop' | 'resume';
      /** Meta's description ("User requested to stop marketing messages"). */
      detail?: string;
      timestamp: number;
    } & CustomerFields)
  | {
      /**
       * The provider re-categorised a template (Meta `template_category_update`, issue 12 item 4): `impending`
       * announces the change at `effectiveAt`, `completed` reports it done.
       */
      kind: 'template_category';
      routingKey?: string; // Meta WABA id
      providerTemplateId: string;
      name?: string;
      language?: string;
      phase: 'impending' | 'completed';
      /** The category before the change (impending: the current one). */
      previousCategory?: string;
      /** The category the template has (completed) or will have (impending). */
      nextCategory: string;
      /** Impending only: when the change takes effect (epoch ms). */
      effectiveAt?: number;
      timestamp: number;
    }
  | {
      /**
       * The messaging limit of the business portfolio behind a provider account changed (issue 12 item 2; Meta
       * `business_capability_update`, keyed by WABA id): every number of that portfolio shares it.
       */
      kind: 'messaging_limit';
      /** Provider account the limit was announced for (Meta: WABA id). */
      routingKey?: string;
      /** Unique customers per rolling 24 h; null = unlimited. */
      limit: number | null;
      timestamp: number;
    }
  | {
      kind: 'template_status';
      routingKey?: string; // Meta WABA id
      providerTemplateId: string;
      name?: string;
      language?: string;
      status: TemplateStatus;
      reason?: string;
      timestamp: number;
    };

/** What a provider says of a number's messaging limit (issue 12 item 2): its business portfolio and that limit. */
export interface ProviderMessagingLimit {
  /** The business portfolio that owns the number, when the provider says. */
  portfolioId?: string;
  /** Unique customers per rolling 24 h; null = unlimited; absent = not reported. */
  limit?: number | null;
}

export interface ProviderCapabilities {
  /** false for CM.com: templates are registered by the admin, not listed. */
  listTemplates: boolean;
  submitTemplate: boolean;
  /** The provider reports when the customer read our messages (status `read`). */
  readReceipts: boolean;
  /**
   * The provider can send to a customer known only by business-scoped user ID (issue 11: Meta `recipient`, Twilio
   * `whatsapp:CC.…`). false for CM.com, whose BSUID contract is a preview: such a customer gets `phone_required`.
   */
  userIdRecipients: boolean;
}

export interface SendResult {
  providerMessageId: string;
  /** Immediate status reported by the send call (usually `pending`). */
  status: MessageStatus;
}

/** Provider media a customer sent (Meta: a media id from the webhook; valid ~30 days on Meta's side). */
export interface ProviderMediaRef {
  mediaId: string;
}

/** Media bytes as a stream, to be piped straight to the client (never buffered whole: documents reach 100 MB). */
export interface ProviderMedia {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  contentLength?: number;
  filename?: string;
}

export interface ProviderAdapter {
  readonly provider: ProviderName;
  readonly capabilities: ProviderCapabilities;
  /** Every template, one page per iteration, mapped to the normalized model. */
  listTemplates(): AsyncIterable<Template[]>;
  /** Lints first; throws AppError('invalid_request') with the findings before any call when the draft fails. */
  submitTemplate(draft: TemplateDraft): Promise<{ providerTemplateId: string; status: TemplateStatus }>;
  send(message: OutboundMessage): Promise<SendResult>;
  /** Checks credentials with a cheap authenticated call. Throws ProviderError('auth') when they are wrong. */
  testCredentials(): Promise<void>;
  /** Constant-time signature check. Never throws for a bad signature: returns false. */
  verifyWebhook(request: WebhookRequest): Promise<boolean>;
  /**
   * Normalized events, item by item: an item that cannot be read becomes an `unreadable` event, never an error.
   * Throws AppError('invalid_request') only when the envelope itself is not the vendor's webhook.
   */
  parseWebhook(request: WebhookRequest): ProviderEvent[];
  /**
   * A stored `history_chunk` event's items as events (coexistence messages, their edits / revokes, `unreadable`
   * items), in time order, item by item like parseWebhook. Absent where the provider has no history webhook.
   */
  parseHistoryChunk?(raw: string): ProviderEvent[];
  /**
   * Downloads inbound media by reference, fresh on every call (Meta's download URLs expire after ~5 minutes).
   * Absent where the provider hands out public URLs instead (Twilio, CM.com). Failures → ProviderError.
   */
  fetchMedia?(ref: ProviderMediaRef): Promise<ProviderMedia>;
  /**
   * Shows the customer blue ticks: marks their message (and every earlier one) as read by the business. Absent
   * where the provider has no such API for WhatsApp (Twilio, CM.com). Failures → ProviderError.
   */
  markRead?(providerMessageId: string): Promise<void>;
  /**
   * Deletes inbound media at the provider (Meta keeps it 30 days; a customer's deletion asks the business to delete
   * it). Absent where the provider offers no such call. Failures → ProviderError.
   */
  deleteMedia?(ref: ProviderMediaRef): Promise<void>;
  /**
   * Reads the number's business portfolio and its messaging limit from the provider (Meta: Graph API). Absent where
   * the provider reports neither (Twilio, CM.com: the admin types the limit). Failures → ProviderError.
   */
  readMessagingLimit?(): Promise<ProviderMessagingLimit>;
  /** Any thrown vendor/HTTP error → ProviderError with vendor code and text kept. */
  normalizeError(error: unknown): ProviderError;
}

export interface ProviderHttpConfig {
  /** Base URL override (tests and local mode point at the simulator). */
  baseUrl: string;
  /** A second base URL where the vendor splits APIs (Twilio Content). */
  secondaryBaseUrl?: string;
  timeoutMs: number;
}
