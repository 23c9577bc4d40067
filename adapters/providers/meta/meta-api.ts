// Zod schemas of the Graph API wire format we rely on (specs/meta/business-messaging-api_v23.0.yaml).
// Objects are loose: Meta adds fields over time, and only the fields we read are checked.
import * as z from 'zod';

/** Default Graph host; config (META_GRAPH_BASE_URL) overrides it for tests and local mode. */
export const META_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const META_DEFAULT_API_VERSION = 'v23.0';

// Graph error body: spec `GraphAPIError`; `error_data.details` carries the WhatsApp explanation (providers.md).
export const metaGraphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    error_data: z.union([z.looseObject({ details: z.string().optional() }), z.string()]).optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type MetaGraphError = z.infer<typeof metaGraphErrorSchema>['error'];

// ---- templates -------------------------------------------------------------------------------

const namedExample = z.looseObject({ param_name: z.string(), example: z.string() });

export const metaTemplateButtonSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
  example: z.union([z.array(z.string()), z.string()]).optional(),
  otp_type: z.string().optional(),
  flow_id: z.union([z.string(), z.number()]).optional(),
  payload: z.string().optional(),
});
export type MetaTemplateButton = z.infer<typeof metaTemplateButtonSchema>;

export const metaTemplateComponentSchema = z.looseObject({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  example: z
    .looseObject({
      header_text: z.array(z.string()).optional(),
      header_text_named_params: z.array(namedExample).optional(),
      header_handle: z.array(z.string()).optional(),
      body_text: z.array(z.array(z.string())).optional(),
      body_text_named_params: z.array(namedExample).optional(),
    })
    .optional(),
  buttons: z.array(metaTemplateButtonSchema).optional(),
  add_security_recommendation: z.boolean().optional(),
  code_expiration_minutes: z.number().optional(),
});
export type MetaTemplateComponent = z.infer<typeof metaTemplateComponentSchema>;

export const metaTemplateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string(),
  parameter_format: z.string().optional(),
  rejected_reason: z.string().optional(),
  components: z.array(metaTemplateComponentSchema).default([]),
});
export type MetaTemplate = z.infer<typeof metaTemplateSchema>;

export const metaTemplateListSchema = z.looseObject({
  data: z.array(metaTemplateSchema),
  paging: z
    .looseObject({
      cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});

export const metaCreateTemplateResponseSchema = z.looseObject({
  id: z.string(),
  status: z.string().optional(),
  category: z.string().optional(),
});

// ---- messages --------------------------------------------------------------------------------

// spec `MessageResponsePayload`; `message_status` is optional (providers.md).
export const metaSendResponseSchema = z.looseObject({
  messaging_product: z.string().optional(),
  contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

export const metaPhoneNumberSchema = z.looseObject({ id: z.string() });

// ---- webhooks --------------------------------------------------------------------------------

export const metaWebhookEnvelopeSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

const metaErrorItemSchema = z.looseObject({
  code: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});
export type MetaErrorItem = z.infer<typeof metaErrorItemSchema>;

export const metaInboundMessageSchema = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp: z.string().regex(/^\d+$/, 'epoch seconds'),
  type: z.string(),
  context: z
    .looseObject({
      from: z.string().optional(),
      id: z.string().optional(),
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
    })
    .optional(),
  referral: z
    .looseObject({
      source_url: z.string().optional(),
      source_id: z.string().optional(),
      source_type: z.string().optional(),
      body: z.string().optional(),
      headline: z.string().optional(),
      ctwa_clid: z.string().optional(),
    })
    .optional(),
  errors: z.array(metaErrorItemSchema).optional(),
});
export type MetaInboundMessage = z.infer<typeof metaInboundMessageSchema>;

export const metaStatusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string().regex(/^\d+$/, 'epoch seconds'),
  recipient_id: z.string().optional(),
  conversation: z
    .looseObject({
      id: z.string().optional(),
      expiration_timestamp: z.union([z.string(), z.number()]).optional(),
      origin: z.looseObject({ type: z.string().optional() }).optional(),
    })
    .optional(),
  pricing: z
    .looseObject({
      billable: z.boolean().optional(),
      pricing_model: z.string().optional(),
      type: z.string().optional(),
      category: z.string().optional(),
    })
    .optional(),
  errors: z.array(metaErrorItemSchema).optional(),
});
export type MetaStatus = z.infer<typeof metaStatusSchema>;

export const metaMessagesValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z
    .array(
      z.looseObject({
        wa_id: z.string().optional(),
        profile: z.looseObject({ name: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  messages: z.array(metaInboundMessageSchema).optional(),
  statuses: z.array(metaStatusSchema).optional(),
  errors: z.array(metaErrorItemSchema).optional(),
});

// developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update/
export const metaTemplateStatusValueSchema = z.looseObject({
  event: z.string(),
  message_template_id: z.union([z.number(), z.string()]),
  message_template_name: z.string().optional(),
  message_template_language: z.string().optional(),
  reason: z.string().nullable().optional(),
  rejection_info: z
    .looseObject({ reason: z.string().optional(), recommendation: z.string().optional() })
    .optional(),
  other_info: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).optional(),
});
