// Zod schemas of the Graph API wire format we rely on (specs/meta/business-messaging-api_v23.0.yaml).
// Objects are loose: Meta adds fields over time, and only the fields we read are checked.
import * as z from 'zod/mini';

/** Default Graph host; config (META_GRAPH_BASE_URL) overrides it for tests and local mode. */
export const META_GRAPH_BASE_URL = 'https://graph.facebook.com';
/** Graph API version when none is configured (META_GRAPH_API_VERSION): the newest, graph-api-versions.ts. */
export { CURRENT_GRAPH_API_VERSION as META_DEFAULT_API_VERSION } from './graph-api-versions';

// Graph error body: spec `GraphAPIError`; `error_data.details` carries the WhatsApp explanation (providers.md).
export const metaGraphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.optional(z.string()),
    type: z.optional(z.string()),
    code: z.optional(z.number()),
    error_subcode: z.optional(z.number()),
    error_user_title: z.optional(z.string()),
    error_user_msg: z.optional(z.string()),
    error_data: z.optional(z.union([z.looseObject({ details: z.optional(z.string()) }), z.string()])),
    fbtrace_id: z.optional(z.string()),
  }),
});
export type MetaGraphError = z.infer<typeof metaGraphErrorSchema>['error'];

// ---- templates -------------------------------------------------------------------------------

const namedExample = z.looseObject({ param_name: z.string(), example: z.string() });

export const metaTemplateButtonSchema = z.looseObject({
  type: z.string(),
  text: z.optional(z.string()),
  url: z.optional(z.string()),
  phone_number: z.optional(z.string()),
  example: z.optional(z.union([z.array(z.string()), z.string()])),
  otp_type: z.optional(z.string()),
  flow_id: z.optional(z.union([z.string(), z.number()])),
  payload: z.optional(z.string()),
});
export type MetaTemplateButton = z.infer<typeof metaTemplateButtonSchema>;

export const metaTemplateComponentSchema = z.looseObject({
  type: z.string(),
  format: z.optional(z.string()),
  text: z.optional(z.string()),
  example: z.optional(
    z.looseObject({
      header_text: z.optional(z.array(z.string())),
      header_text_named_params: z.optional(z.array(namedExample)),
      header_handle: z.optional(z.array(z.string())),
      body_text: z.optional(z.array(z.array(z.string()))),
      body_text_named_params: z.optional(z.array(namedExample)),
    }),
  ),
  buttons: z.optional(z.array(metaTemplateButtonSchema)),
  add_security_recommendation: z.optional(z.boolean()),
  code_expiration_minutes: z.optional(z.number()),
});
export type MetaTemplateComponent = z.infer<typeof metaTemplateComponentSchema>;

export const metaTemplateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string(),
  parameter_format: z.optional(z.string()),
  rejected_reason: z.optional(z.string()),
  components: z._default(z.array(metaTemplateComponentSchema), []),
});
export type MetaTemplate = z.infer<typeof metaTemplateSchema>;

export const metaTemplateListSchema = z.looseObject({
  data: z.array(metaTemplateSchema),
  paging: z.optional(
    z.looseObject({
      cursors: z.optional(z.looseObject({ before: z.optional(z.string()), after: z.optional(z.string()) })),
      next: z.optional(z.string()),
    }),
  ),
});

export const metaCreateTemplateResponseSchema = z.looseObject({
  id: z.string(),
  status: z.optional(z.string()),
  category: z.optional(z.string()),
});

// ---- messages --------------------------------------------------------------------------------

// spec `MessageResponsePayload`; `message_status` is optional (providers.md).
export const metaSendResponseSchema = z.looseObject({
  messaging_product: z.optional(z.string()),
  contacts: z.optional(
    z.array(z.looseObject({ input: z.optional(z.string()), wa_id: z.optional(z.string()) })),
  ),
  messages: z
    .array(z.looseObject({ id: z.string().check(z.minLength(1)), message_status: z.optional(z.string()) }))
    .check(z.minLength(1)),
});

export const metaPhoneNumberSchema = z.looseObject({ id: z.string() });

// Mark-as-read on the same /messages endpoint (spec example "Send typing indicator and read receipt"): the
// request is {messaging_product, status: "read", message_id}, the answer only `{"success": true}`.
export const metaMarkReadResponseSchema = z.looseObject({ success: z.boolean() });
/** DELETE /{media-id} (spec deleteMedia): `{ success: true }`. */
export const metaDeleteMediaResponseSchema = z.looseObject({ success: z.boolean() });

// ---- media -----------------------------------------------------------------------------------

// spec `retrieveMediaUrl` (GET /{Version}/{Media-ID}): `url` is a short-lived download link (~5 minutes) that
// needs the same Bearer token; `file_size` is a string in the spec's example, a number in some responses.
export const metaMediaUrlSchema = z.looseObject({
  url: z.url({ protocol: /^https?$/ }),
  mime_type: z.optional(z.string()),
  sha256: z.optional(z.string()),
  file_size: z.optional(z.union([z.string(), z.number()])),
  id: z.optional(z.string()),
  messaging_product: z.optional(z.string()),
});

// ---- webhooks --------------------------------------------------------------------------------

export const metaWebhookEnvelopeSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.optional(z.number()),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

const metaErrorItemSchema = z.looseObject({
  code: z.optional(z.number()),
  title: z.optional(z.string()),
  message: z.optional(z.string()),
  error_data: z.optional(z.looseObject({ details: z.optional(z.string()) })),
});
export type MetaErrorItem = z.infer<typeof metaErrorItemSchema>;

// BSUID fields (issue 11) are not in the v23.0 spec; written from Meta's "Business-scoped user IDs" page
// (developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/): `from` is missing
// for a customer who adopted a username, `from_user_id` carries their BSUID.
export const metaInboundMessageSchema = z.looseObject({
  from: z.optional(z.string()),
  from_user_id: z.optional(z.string()),
  id: z.string().check(z.minLength(1)),
  timestamp: z.string().check(z.regex(/^\d+$/, 'epoch seconds')),
  type: z.string(),
  context: z.optional(
    z.looseObject({
      from: z.optional(z.string()),
      id: z.optional(z.string()),
      forwarded: z.optional(z.boolean()),
      frequently_forwarded: z.optional(z.boolean()),
    }),
  ),
  referral: z.optional(
    z.looseObject({
      source_url: z.optional(z.string()),
      source_id: z.optional(z.string()),
      source_type: z.optional(z.string()),
      body: z.optional(z.string()),
      headline: z.optional(z.string()),
      ctwa_clid: z.optional(z.string()),
    }),
  ),
  errors: z.optional(z.array(metaErrorItemSchema)),
});
export type MetaInboundMessage = z.infer<typeof metaInboundMessageSchema>;

// `system` of a system message (…/webhooks/reference/messages/system/): `user_changed_number` carries the new phone in
// `wa_id`; since 2026-08-11 (Meta changelog) both it and `user_changed_user_id` also carry the new `user_id` /
// `parent_user_id` and the `previous_user_id` / `previous_parent_user_id` — the 2026 fields are not in the spec.
export const metaSystemSchema = z.looseObject({
  type: z.optional(z.string()),
  body: z.optional(z.string()),
  wa_id: z.optional(z.string()),
  customer: z.optional(z.string()),
  user_id: z.optional(z.string()),
  parent_user_id: z.optional(z.string()),
  previous_user_id: z.optional(z.string()),
  previous_parent_user_id: z.optional(z.string()),
});

// contacts[] of a messages webhook; `user_id`, `parent_user_id` and `profile.username` are the 2026 BSUID fields
// (Meta's "Business-scoped user IDs" page; not in the v23.0 spec). `wa_id` is missing for a username customer.
export const metaWebhookContactSchema = z.looseObject({
  wa_id: z.optional(z.string()),
  user_id: z.optional(z.string()),
  parent_user_id: z.optional(z.string()),
  profile: z.optional(z.looseObject({ name: z.optional(z.string()), username: z.optional(z.string()) })),
});
export type MetaWebhookContact = z.infer<typeof metaWebhookContactSchema>;

export const metaStatusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string().check(z.regex(/^\d+$/, 'epoch seconds')),
  recipient_id: z.optional(z.string()),
  // 2026 BSUID fields (Meta's "Business-scoped user IDs" page, not in the v23.0 spec): a status to a username
  // customer has no `recipient_id`; failed statuses come without `contacts`.
  recipient_user_id: z.optional(z.string()),
  recipient_parent_user_id: z.optional(z.string()),
  conversation: z.optional(
    z.looseObject({
      id: z.optional(z.string()),
      expiration_timestamp: z.optional(z.union([z.string(), z.number()])),
      origin: z.optional(z.looseObject({ type: z.optional(z.string()) })),
    }),
  ),
  pricing: z.optional(
    z.looseObject({
      billable: z.optional(z.boolean()),
      pricing_model: z.optional(z.string()),
      type: z.optional(z.string()),
      category: z.optional(z.string()),
    }),
  ),
  errors: z.optional(z.array(metaErrorItemSchema)),
});
export type MetaStatus = z.infer<typeof metaStatusSchema>;

// The `value` of a `messages` change. Items are parsed one by one (metaInboundMessageSchema, metaStatusSchema,
// metaWebhookContactSchema) so that one unreadable item never sinks the batch (issue 11 item 4).
export const metaMessagesValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.optional(z.string()) }),
  contacts: z.optional(z.array(z.unknown())),
  messages: z.optional(z.array(z.unknown())),
  statuses: z.optional(z.array(z.unknown())),
  errors: z.optional(z.array(z.unknown())),
});

// developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update/
export const metaTemplateStatusValueSchema = z.looseObject({
  event: z.string(),
  message_template_id: z.union([z.number(), z.string()]),
  message_template_name: z.optional(z.string()),
  message_template_language: z.optional(z.string()),
  reason: z.optional(z.nullable(z.string())),
  rejection_info: z.optional(
    z.looseObject({ reason: z.optional(z.string()), recommendation: z.optional(z.string()) }),
  ),
  other_info: z.optional(
    z.looseObject({ title: z.optional(z.string()), description: z.optional(z.string()) }),
  ),
});
