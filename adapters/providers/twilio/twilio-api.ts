// Zod schemas of Twilio's wire format (Messages API 2010-04-01 and Content API v1), nothing else.
// Shapes follow /work/shared/specs/twilio/twilio_api_v2010.json and twilio_content_v1.json.
// Objects are non-strict on purpose: Twilio adds fields without notice and we must not break on them.
import * as z from 'zod/mini';

/** Default vendor hosts, exported for config (TWILIO_API_BASE_URL, TWILIO_CONTENT_BASE_URL). */
export const TWILIO_API_BASE_URL = 'https://api.twilio.com';
export const TWILIO_CONTENT_BASE_URL = 'https://content.twilio.com';

export const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

/** Error body of both APIs: `{code, message, more_info, status}` (vendors/providers.md §B). */
export const twilioErrorSchema = z.object({
  code: z.nullish(z.coerce.number().check(z.int())),
  message: z.nullish(z.string()),
  more_info: z.nullish(z.string()),
  status: z.nullish(z.coerce.number().check(z.int())),
  detail: z.nullish(z.string()),
});
export type TwilioErrorBody = z.infer<typeof twilioErrorSchema>;

// ---- Content API ----

/** `approval_requests` of ContentAndApprovals: flat in v1; `{whatsapp:{…}}` in the ApprovalRequests fetch. */
export const approvalSchema = z.object({
  name: z.nullish(z.string()),
  category: z.nullish(z.string()),
  content_type: z.nullish(z.string()),
  status: z.nullish(z.string()),
  rejection_reason: z.nullish(z.string()),
  allow_category_change: z.nullish(z.boolean()),
});
export type TwilioApproval = z.infer<typeof approvalSchema>;

export const contentSchema = z.object({
  sid: z.string().check(z.regex(CONTENT_SID)),
  account_sid: z.nullish(z.string()),
  friendly_name: z.nullish(z.string()),
  language: z.nullish(z.string()),
  /** Placeholder key → example value; keys are `1`, `2`, … or names. */
  variables: z.nullish(z.record(z.string(), z.unknown())),
  /** Content type name (`twilio/text`, …) → type-specific object; validated per type in the mapper. */
  types: z.nullish(z.record(z.string(), z.unknown())),
  approval_requests: z.optional(
    z.union([z.extend(approvalSchema, { whatsapp: z.nullish(approvalSchema) }), z.null()]),
  ),
  date_created: z.nullish(z.string()),
  date_updated: z.nullish(z.string()),
});
export type TwilioContent = z.infer<typeof contentSchema>;

export const contentAndApprovalsPageSchema = z.object({
  contents: z.array(contentSchema),
  meta: z.object({
    page: z.nullish(z.number().check(z.int())),
    page_size: z.nullish(z.number().check(z.int())),
    next_page_url: z.nullish(z.string()),
    url: z.nullish(z.string()),
  }),
});

export const approvalCreateResponseSchema = approvalSchema;

// Per-type schemas (components.schemas twilioText … whatsappAuthentication). Each field optional where the
// spec allows it; the mapper falls back to kind `other` when a type does not parse.
const action = z.object({
  type: z.optional(z.string()),
  title: z.optional(z.string()),
  url: z.optional(z.string()),
  phone: z.optional(z.string()),
  code: z.optional(z.string()),
  id: z.optional(z.string()),
});
export type TwilioAction = z.infer<typeof action>;

export const contentTypeSchemas = {
  'twilio/text': z.object({ body: z.string() }),
  'twilio/media': z.object({ body: z.optional(z.string()), media: z.array(z.string()) }),
  'twilio/location': z.object({
    latitude: z.number(),
    longitude: z.number(),
    label: z.optional(z.string()),
    address: z.optional(z.string()),
  }),
  'twilio/list-picker': z.object({
    body: z.string(),
    button: z.string(),
    items: z.array(z.object({ id: z.string(), item: z.string(), description: z.optional(z.string()) })),
  }),
  'twilio/call-to-action': z.object({ body: z.string(), actions: z.array(action) }),
  'twilio/quick-reply': z.object({ body: z.string(), actions: z.array(action) }),
  'twilio/card': z.object({
    title: z.optional(z.string()),
    subtitle: z.optional(z.string()),
    media: z.optional(z.array(z.string())),
    actions: z.optional(z.array(action)),
  }),
  'whatsapp/card': z.object({
    body: z.string(),
    footer: z.optional(z.string()),
    media: z.optional(z.array(z.string())),
    header_text: z.optional(z.string()),
    actions: z.optional(z.array(action)),
  }),
  'whatsapp/authentication': z.object({
    add_security_recommendation: z.optional(z.boolean()),
    code_expiration_minutes: z.optional(z.number()),
    actions: z.array(z.object({ type: z.string(), copy_code_text: z.string() })),
  }),
} as const;
export type KnownContentType = keyof typeof contentTypeSchemas;
export type ContentTypeBody<T extends KnownContentType> = z.infer<(typeof contentTypeSchemas)[T]>;

/** POST /v1/Content body (ContentCreateRequest). */
export interface ContentCreateRequest {
  friendly_name: string;
  language: string;
  variables: Record<string, string>;
  types: Partial<{ [K in KnownContentType]: ContentTypeBody<K> }>;
}

// ---- Messages API ----

export const messageSchema = z.object({
  sid: z.string().check(z.regex(/^(SM|MM)[0-9a-fA-F]{32}$/)),
  status: z.nullish(z.string()),
  to: z.nullish(z.string()),
  from: z.nullish(z.string()),
  error_code: z.nullish(z.coerce.number()),
  error_message: z.nullish(z.string()),
});

/** GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json (ListIncomingPhoneNumberResponse). */
export const incomingPhoneNumbersSchema = z.object({
  incoming_phone_numbers: z.array(z.object({ phone_number: z.nullish(z.string()) })),
});

/**
 * GET https://messaging.twilio.com/v2/Channels/Senders?Channel=whatsapp: not in ../shared/specs (the Senders API is a
 * public beta, vendors/whatsapp-2026.md §2); shape written from twilio.com/docs/whatsapp/register-senders-using-api:
 * `{senders: [{sid: "XE…", sender_id: "whatsapp:+1…", status}], meta: {next_page_url}}`.
 */
export const whatsAppSendersSchema = z.object({
  // The docs page lists `senderId` (SDK spelling); Twilio's JSON is snake_case elsewhere: either is read.
  senders: z.array(
    z.object({
      sender_id: z.nullish(z.string()),
      senderId: z.nullish(z.string()),
      status: z.nullish(z.string()),
    }),
  ),
  meta: z.optional(z.object({ next_page_url: z.nullish(z.string()) })),
});

export const accountSchema = z.object({
  sid: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/)),
  status: z.nullish(z.string()),
});
