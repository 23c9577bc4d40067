// JSON Schemas of the 2026 messaging-limit shapes (issue 12 item 2), which the v23.0 spec lacks. Written from Meta's
// pages (checked 2026-12-04), not from our code:
// - developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits: the phone number field
//   `whatsapp_business_manager_messaging_limit` replaces the deprecated `messaging_limit_tier`; limits are set per
//   business portfolio (250, 2,000, 10,000, 100,000, unlimited). Its values are the TIER_* words of the
//   phone_number_quality_update reference (TIER_50, TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED,
//   TIER_NOT_SET).
// - …/webhooks/reference/business_capability_update: `entry[].id` is the WABA id, `entry[].time` epoch seconds;
//   `value.max_daily_conversations_per_business` is typed Integer with the values TIER_250 … TIER_UNLIMITED listed,
//   and the page's example sends 2000 — both forms are allowed; `max_daily_conversation_per_phone` (250, 2000,
//   10000, 100000, -1 = unlimited) is the field removed in February 2026; `max_phone_numbers_per_business` /
//   `max_phone_numbers_per_waba` are integers.
// - Graph reference "WhatsApp Business Account": `owner_business_info` {id, name} is the owning business portfolio.
// spec-patches.ts adds the two Graph fields to the v23.0 response schemas; the webhook schema is checked directly
// (test/mocks/meta/meta-simulator-portfolio.test.ts), as the OpenAPI file describes no webhooks.

export const META_TIER_WORDS = [
  'TIER_50',
  'TIER_250',
  'TIER_2K',
  'TIER_10K',
  'TIER_100K',
  'TIER_UNLIMITED',
  'TIER_NOT_SET',
] as const;

export const metaMessagingLimitFieldSchema = {
  type: 'string',
  enum: [...META_TIER_WORDS],
  description:
    "Business portfolio's messaging limit (2026, not in the v23.0 spec; Meta 'Messaging limits' page)",
} as const;

export const metaOwnerBusinessInfoSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9]+$' }, name: { type: 'string' } },
  description: 'The business portfolio owning the WABA (Graph reference "WhatsApp Business Account")',
} as const;

const limitValue = {
  anyOf: [
    { type: 'string', enum: ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] },
    { type: 'integer', enum: [250, 2000, 10000, 100000, -1] },
  ],
};

/** A whole `business_capability_update` webhook POST body. */
export const metaBusinessCapabilityWebhookSchema = {
  type: 'object',
  required: ['object', 'entry'],
  properties: {
    object: { const: 'whatsapp_business_account' },
    entry: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'changes'],
        properties: {
          id: { type: 'string', pattern: '^[0-9]+$' },
          time: { type: 'integer' },
          changes: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['field', 'value'],
              properties: {
                field: { const: 'business_capability_update' },
                value: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    max_daily_conversations_per_business: limitValue,
                    max_daily_conversation_per_phone: {
                      type: 'integer',
                      enum: [250, 2000, 10000, 100000, -1],
                    },
                    max_phone_numbers_per_business: { type: 'integer', minimum: 1 },
                    max_phone_numbers_per_waba: { type: 'integer', minimum: 1 },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
