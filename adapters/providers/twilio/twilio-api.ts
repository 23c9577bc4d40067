// Zod schemas of Twilio's wire format (Messages API 2010-04-01 and Content API v1), nothing else.
// Shapes follow /work/shared/specs/twilio/twilio_api_v2010.json and twilio_content_v1.json.
// Objects are non-strict on purpose: Twilio adds fields without notice and we must not break on them.
import * as z from 'zod';

/** Default vendor hosts, exported for config (TWILIO_API_BASE_URL, TWILIO_CONTENT_BASE_URL). */
export const TWILIO_API_BASE_URL = 'https://api.twilio.com';
export const TWILIO_CONTENT_BASE_URL = 'https://content.twilio.com';

export const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

/** Error body of both APIs: `{code, message, more_info, status}` (vendors/providers.md §B). */
export const twilioErrorSchema = z.object({
  code: z.coerce.number().int().nullish(),
  message: z.string().nullish(),
  more_info: z.string().nullish(),
  status: z.coerce.number().int().nullish(),
  detail: z.string().nullish(),
});
export type TwilioErrorBody = z.infer<typeof twilioErrorSchema>;

// ---- Content API ----

/** `approval_requests` of ContentAndApprovals: flat in v1; `{whatsapp:{…}}` in the ApprovalRequests fetch. */
export const approvalSchema = z.object({
  name: z.string().nullish(),
  category: z.string().nullish(),
  content_type: z.string().nullish(),
  status: z.string().nullish(),
  rejection_reason: z.string().nullish(),
  allow_category_change: z.boolean().nullish(),
});
export type TwilioApproval = z.infer<typeof approvalSchema>;

export const contentSchema = z.object({
  sid: z.string().regex(CONTENT_SID),
  account_sid: z.string().nullish(),
  friendly_name: z.string().nullish(),
  language: z.string().nullish(),
  /** Placeholder key → example value; keys are `1`, `2`, … or names. */
  variables: z.record(z.string(), z.unknown()).nullish(),
  /** Content type name (`twilio/text`, …) → type-specific object; validated per type in the mapper. */
  types: z.record(z.string(), z.unknown()).nullish(),
  approval_requests: z
    .union([approvalSchema.extend({ whatsapp: approvalSchema.nullish() }), z.null()])
    .optional(),
  date_created: z.string().nullish(),
  date_updated: z.string().nullish(),
});
export type TwilioContent = z.infer<typeof contentSchema>;

export const contentAndApprovalsPageSchema = z.object({
  contents: z.array(contentSchema),
  meta: z.object({
    page: z.number().int().nullish(),
    page_size: z.number().int().nullish(),
    next_page_url: z.string().nullish(),
    url: z.string().nullish(),
  }),
});

export const approvalCreateResponseSchema = approvalSchema;

// Per-type schemas (components.schemas twilioText … whatsappAuthentication). Each field optional where the
// spec allows it; the mapper falls back to kind `other` when a type does not parse.
const action = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  url: z.string().optional(),
  phone: z.string().optional(),
  code: z.string().optional(),
  id: z.string().optional(),
});
export type TwilioAction = z.infer<typeof action>;

export const contentTypeSchemas = {
  'twilio/text': z.object({ body: z.string() }),
  'twilio/media': z.object({ body: z.string().optional(), media: z.array(z.string()) }),
  'twilio/location': z.object({
    latitude: z.number(),
    longitude: z.number(),
    label: z.string().optional(),
    address: z.string().optional(),
  }),
  'twilio/list-picker': z.object({
    body: z.string(),
    button: z.string(),
    items: z.array(z.object({ id: z.string(), item: z.string(), description: z.string().optional() })),
  }),
  'twilio/call-to-action': z.object({ body: z.string(), actions: z.array(action) }),
  'twilio/quick-reply': z.object({ body: z.string(), actions: z.array(action) }),
  'twilio/card': z.object({
    title: z.string().optional(),
    subtitle: z.string().optional(),
    media: z.array(z.string()).optional(),
    actions: z.array(action).optional(),
  }),
  'whatsapp/card': z.object({
    body: z.string(),
    footer: z.string().optional(),
    media: z.array(z.string()).optional(),
    header_text: z.string().optional(),
    actions: z.array(action).optional(),
  }),
  'whatsapp/authentication': z.object({
    add_security_recommendation: z.boolean().optional(),
    code_expiration_minutes: z.number().optional(),
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
  sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  status: z.string().nullish(),
  to: z.string().nullish(),
  from: z.string().nullish(),
  error_code: z.coerce.number().nullish(),
  error_message: z.string().nullish(),
});

export const accountSchema = z.object({
  sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  status: z.string().nullish(),
});
