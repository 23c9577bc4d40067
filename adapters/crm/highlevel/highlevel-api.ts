// Zod schemas of HighLevel's wire format (specs/highlevel/*.json, docs/*.md) and the parsers that turn them into
// our camelCase objects. Only the fields we rely on are required; everything else passes through untouched.
import * as z from 'zod/mini';

// ---------------------------------------------------------------- OAuth (oauth.json)

/** GetAccessCodeSuccessfulResponseDto. `userId` is the only field the spec marks required. */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.number().check(z.positive()),
  refresh_token: z.string().check(z.minLength(1)),
  scope: z.optional(z.string()),
  userType: z.enum(['Location', 'Company']),
  locationId: z.optional(z.string()),
  companyId: z.optional(z.string()),
  approvedLocations: z.optional(z.array(z.string())),
  userId: z.optional(z.string()),
  planId: z.optional(z.string()),
  isBulkInstallation: z.optional(z.boolean()),
});

/** GetLocationAccessTokenSuccessfulResponseDto: no companyId, and the spec does not promise a refresh token. */
export const locationTokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.number().check(z.positive()),
  refresh_token: z.optional(z.string()),
  scope: z.optional(z.string()),
  locationId: z.optional(z.string()),
  userId: z.optional(z.string()),
  planId: z.optional(z.string()),
});

export type HighLevelUserType = 'Location' | 'Company';

export interface HighLevelTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  scopes: string[];
  userType: HighLevelUserType;
  locationId?: string;
  companyId: string;
  userId?: string;
  approvedLocations?: string[];
  planId?: string;
}

export interface HighLevelLocationToken {
  accessToken: string;
  /** Only if HighLevel sends one; otherwise renew by calling /oauth/locationToken again with the company token. */
  refreshToken?: string;
  expiresAt: number;
  scopes: string[];
  userType: 'Location';
  locationId: string;
  companyId: string;
  userId?: string;
}

export function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

/** Normalizes a /oauth/token answer. `known` fills ids a refresh answer might omit (we stored them at install). */
export function parseHighLevelTokenResponse(
  json: unknown,
  now: number,
  known: { companyId?: string; locationId?: string } = {},
): HighLevelTokenSet {
  const t = tokenResponseSchema.parse(json);
  const companyId = t.companyId ?? known.companyId;
  if (!companyId) throw new Error('HighLevel token response has no companyId');
  const locationId = t.locationId ?? (t.userType === 'Location' ? known.locationId : undefined);
  if (t.userType === 'Location' && !locationId)
    throw new Error('HighLevel Location token response has no locationId');
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: now + t.expires_in * 1000,
    scopes: splitScopes(t.scope),
    userType: t.userType,
    locationId,
    companyId,
    userId: t.userId,
    approvedLocations: t.approvedLocations,
    planId: t.planId,
  };
}

export function parseHighLevelLocationTokenResponse(
  json: unknown,
  now: number,
  requested: { companyId: string; locationId: string },
): HighLevelLocationToken {
  const t = locationTokenResponseSchema.parse(json);
  if (t.locationId && t.locationId !== requested.locationId) {
    throw new Error(`HighLevel issued a token for location ${t.locationId}, not ${requested.locationId}`);
  }
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: now + t.expires_in * 1000,
    scopes: splitScopes(t.scope),
    userType: 'Location',
    locationId: requested.locationId,
    companyId: requested.companyId,
    userId: t.userId,
  };
}

// ---------------------------------------------------------------- Contacts (contacts.json, Version 2021-07-28)

/** UpsertContactDto, the subset we send. */
export const upsertContactRequestSchema = z.object({
  locationId: z.string().check(z.minLength(1)),
  phone: z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
  source: z.optional(z.string()),
});
export type UpsertContactRequest = z.infer<typeof upsertContactRequestSchema>;

/** UpsertContactsSuccessfulResponseDto: `contact` is GetContectByIdSchema (sic). */
export const upsertContactResponseSchema = z.looseObject({
  new: z.optional(z.boolean()),
  contact: z.looseObject({
    id: z.string().check(z.minLength(1)),
    phone: z.optional(z.string()),
    name: z.optional(z.string()),
  }),
  traceId: z.optional(z.string()),
});

/**
 * CreateContactDto subset for a customer known only by WhatsApp username (issue 11): no phone; the BSUID and the
 * username are tags, which agents see on the contact and which POST /contacts/search filters on.
 */
export interface CreateContactRequest {
  locationId: string;
  name?: string;
  tags: string[];
  source?: string;
}

/** CreateContactsSuccessfulResponseDto / GetContactByIdSuccessfulResponseDto: the contact's id is all we keep. */
export const contactResponseSchema = z.looseObject({
  contact: z.looseObject({ id: z.string().check(z.minLength(1)) }),
});

/** ContactsSearchSuccessfulResponseDto (POST /contacts/search). */
export const searchContactsResponseSchema = z.looseObject({
  contacts: z.array(
    z.looseObject({ id: z.string().check(z.minLength(1)), tags: z.optional(z.array(z.string())) }),
  ),
  total: z.optional(z.number()),
});

// ---------------------------------------------------------------- Conversations (conversations.json, 2021-04-15)

/** SendConversationResponseDto (GET /conversations/search). */
export const searchConversationsResponseSchema = z.looseObject({
  conversations: z.array(
    z.looseObject({ id: z.string().check(z.minLength(1)), contactId: z.optional(z.string()) }),
  ),
  total: z.optional(z.number()),
});

/** CreateConversationDto. */
export const createConversationRequestSchema = z.object({
  locationId: z.string().check(z.minLength(1)),
  contactId: z.string().check(z.minLength(1)),
});

/** CreateConversationSuccessResponse. */
export const createConversationResponseSchema = z.looseObject({
  success: z.optional(z.boolean()),
  conversation: z.looseObject({ id: z.string().check(z.minLength(1)), contactId: z.optional(z.string()) }),
});

/** ProcessMessageBodyDto as we send it to POST /conversations/messages/inbound. The spec types `direction` as
 * "object" but documents the values "inbound"/"outbound" (default outbound): we send the string. */
export const addMessageRequestSchema = z.object({
  type: z.literal('SMS'),
  conversationProviderId: z.string().check(z.minLength(1)),
  contactId: z.string().check(z.minLength(1)),
  conversationId: z.string().check(z.minLength(1)),
  message: z.string(),
  attachments: z.optional(z.array(z.string())),
  altId: z.optional(z.string()),
  direction: z.enum(['inbound', 'outbound']),
  date: z.optional(z.string()),
});
export type AddMessageRequest = z.infer<typeof addMessageRequestSchema>;

/** GetMessageResponseDto, the fields the lookup of a lost write reads (conversations.json; it has no `altId`). */
const conversationMessageSchema = z.looseObject({
  id: z.string(),
  direction: z.optional(z.string()),
  body: z.optional(z.string()),
  dateAdded: z.optional(z.string()),
  conversationProviderId: z.optional(z.string()),
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;

/**
 * GetMessagesByConversationResponseDto (GET /conversations/{conversationId}/messages). Integrations report the live
 * API nesting the page under `messages` ({messages: {lastMessageId, nextPage, messages: [...]}}), unlike the spec:
 * both shapes are read.
 */
export const conversationMessagesResponseSchema = z.pipe(
  z.looseObject({
    messages: z.union([
      z.array(conversationMessageSchema),
      z.looseObject({ messages: z.array(conversationMessageSchema) }),
    ]),
  }),
  z.transform((r): ConversationMessage[] => (Array.isArray(r.messages) ? r.messages : r.messages.messages)),
);

/** ProcessMessageResponseDto. */
export const addMessageResponseSchema = z.looseObject({
  success: z.optional(z.boolean()),
  conversationId: z.string().check(z.minLength(1)),
  messageId: z.string().check(z.minLength(1)),
  message: z.optional(z.string()),
  contactId: z.optional(z.string()),
  dateAdded: z.optional(z.string()),
});

export const HIGHLEVEL_MESSAGE_STATUSES = ['delivered', 'failed', 'pending', 'read'] as const;
export type HighLevelMessageStatus = (typeof HIGHLEVEL_MESSAGE_STATUSES)[number];

/** UpdateMessageStatusDto; ErrorDto needs all three of code, type, message. */
export const updateMessageStatusRequestSchema = z.object({
  status: z.enum(HIGHLEVEL_MESSAGE_STATUSES),
  error: z.optional(z.object({ code: z.string(), type: z.string(), message: z.string() })),
});
export type UpdateMessageStatusRequest = z.infer<typeof updateMessageStatusRequestSchema>;

/** SendMessageResponseDto (PUT /conversations/messages/{id}/status). We do not depend on its fields. */
export const updateMessageStatusResponseSchema = z.looseObject({
  conversationId: z.optional(z.string()),
  messageId: z.optional(z.string()),
  status: z.optional(z.string()),
});

// ---------------------------------------------------------------- Webhooks (docs/AppInstall.md, AppUninstall.md)

/** Replay-protection fields HighLevel adds to webhook bodies (docs/WebhookAuthentication.md). */
const webhookEnvelope = {
  timestamp: z.optional(z.union([z.string(), z.number()])),
  webhookId: z.optional(z.string()),
};

export const installEventSchema = z.looseObject({
  type: z.literal('INSTALL'),
  appId: z.string().check(z.minLength(1)),
  companyId: z.optional(z.string()),
  locationId: z.optional(z.string()),
  userId: z.optional(z.string()),
  planId: z.optional(z.string()),
  versionId: z.optional(z.string()),
  installType: z.optional(z.string()),
  companyName: z.optional(z.string()),
  isWhitelabelCompany: z.optional(z.boolean()),
  trial: z.optional(
    z.looseObject({
      onTrial: z.optional(z.boolean()),
      trialDuration: z.optional(z.number()),
      trialStartDate: z.optional(z.string()),
    }),
  ),
  ...webhookEnvelope,
});

export const uninstallEventSchema = z.looseObject({
  type: z.literal('UNINSTALL'),
  appId: z.string().check(z.minLength(1)),
  companyId: z.optional(z.string()),
  locationId: z.optional(z.string()),
  ...webhookEnvelope,
});

const otherEventSchema = z.looseObject({ type: z.string().check(z.minLength(1)), ...webhookEnvelope });

interface EventMeta {
  webhookId?: string;
  timestamp?: string | number;
}

export type HighLevelAppEvent =
  | (EventMeta & {
      kind: 'install';
      appId: string;
      /** Agency-level installs carry no locationId (docs/AppInstall.md). */
      level: 'location' | 'agency';
      companyId?: string;
      locationId?: string;
      userId?: string;
      planId?: string;
      versionId?: string;
      companyName?: string;
      onTrial?: boolean;
    })
  | (EventMeta & {
      kind: 'uninstall';
      appId: string;
      level: 'location' | 'agency';
      companyId?: string;
      locationId?: string;
    })
  /** Any other event sent to the Default Webhook URL: acknowledged and ignored by the caller. */
  | (EventMeta & { kind: 'other'; type: string });

/** Parses a body posted to the Default Webhook URL. Throws a ZodError on a malformed INSTALL/UNINSTALL. */
export function parseHighLevelAppEvent(json: unknown): HighLevelAppEvent {
  const base = otherEventSchema.parse(json);
  const meta: EventMeta = { webhookId: base.webhookId, timestamp: base.timestamp };
  if (base.type === 'INSTALL') {
    const e = installEventSchema.parse(json);
    return {
      ...meta,
      kind: 'install',
      appId: e.appId,
      level: e.locationId ? 'location' : 'agency',
      companyId: e.companyId,
      locationId: e.locationId,
      userId: e.userId,
      planId: e.planId,
      versionId: e.versionId,
      companyName: e.companyName,
      onTrial: e.trial?.onTrial,
    };
  }
  if (base.type === 'UNINSTALL') {
    const e = uninstallEventSchema.parse(json);
    return {
      ...meta,
      kind: 'uninstall',
      appId: e.appId,
      level: e.locationId ? 'location' : 'agency',
      companyId: e.companyId,
      locationId: e.locationId,
    };
  }
  return { ...meta, kind: 'other', type: base.type };
}

// ---------------------------------------------------------------- Delivery URL (docs/ProviderOutboundMessage.md)

/** What HighLevel POSTs to the conversation provider's Delivery URL when a user (composer, workflow, bulk action)
 * sends through our provider. `type` is "SMS", or "Custom" for an extra SMS provider (highlevel-api-docs#55). */
export const outboundDeliverySchema = z.looseObject({
  contactId: z.string().check(z.minLength(1)),
  locationId: z.string().check(z.minLength(1)),
  messageId: z.string().check(z.minLength(1)),
  type: z.string().check(z.minLength(1)),
  phone: z.optional(z.string()),
  message: z.optional(z.string()),
  attachments: z.optional(z.array(z.string())),
  userId: z.optional(z.string()),
  conversationId: z.optional(z.string()),
  conversationProviderId: z.optional(z.string()),
  replyToAltId: z.optional(z.string()),
  emailMessageId: z.optional(z.string()),
  ...webhookEnvelope,
});

export interface HighLevelOutboundDelivery {
  /** HighLevel's message id: the idempotency key, and the id statuses are reported against. */
  messageId: string;
  locationId: string;
  contactId: string;
  /** "SMS" | "Custom" for our provider; "Email" would mean a misconfigured provider. */
  providerType: string;
  /** Customer phone (E.164 per the doc example); absent only on non-SMS payloads. */
  phone?: string;
  text: string;
  attachments: string[];
  /** The HighLevel user who sent it (absent for some automations). */
  userId?: string;
  conversationId?: string;
  /** Not in docs/ProviderOutboundMessage.md's schema, but HighLevel's message events carry it
   * (highlevel-api-docs#224): when present it names the provider the message was written for. */
  conversationProviderId?: string;
  replyToAltId?: string;
  webhookId?: string;
  timestamp?: string | number;
}

export function parseHighLevelOutboundDelivery(json: unknown): HighLevelOutboundDelivery {
  const d = outboundDeliverySchema.parse(json);
  return {
    messageId: d.messageId,
    locationId: d.locationId,
    contactId: d.contactId,
    providerType: d.type,
    phone: d.phone || undefined,
    text: d.message ?? '',
    attachments: d.attachments ?? [],
    userId: d.userId || undefined,
    conversationId: d.conversationId,
    conversationProviderId: d.conversationProviderId || undefined,
    replyToAltId: d.replyToAltId,
    webhookId: d.webhookId,
    timestamp: d.timestamp,
  };
}
