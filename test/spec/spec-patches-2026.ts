// Webhook shapes of 2025–2026 that the v23.0 Meta spec lacks (issue 12 items 5 and 6), written from Meta's webhook
// references (and partner mirrors where Meta's page is not in our sources); applied like spec-patches.ts, so the
// simulator's webhooks are validated against them (test/mocks/meta/meta-coexistence.test.ts).
import type { SpecPatch } from './spec-patches';
import type { JsonObject } from './schema-convert';

const FILE = 'business-messaging-api_v23.0.yaml';

// An echoed or historical message: the inbound message object's shape (type + object named after the type), plus
// `to` (the customer) on messages the business sent (Meta's smb_message_echoes and history references).
const coexistenceMessage = (extra: JsonObject = {}): JsonObject => ({
  type: 'object',
  required: ['from', 'id', 'timestamp', 'type'],
  properties: {
    from: { type: 'string', description: 'Business display phone number (echo), or either party (history)' },
    to: { type: 'string', description: 'The WhatsApp user, on messages the business sent' },
    id: { type: 'string' },
    timestamp: { type: 'string', pattern: '^\\d+$' },
    type: { type: 'string' },
    ...extra,
  },
});

const metadataRef = { $ref: '#/components/schemas/Metadata' };

export const patches2026: SpecPatch[] = [
  {
    file: FILE,
    pointer: '/components/schemas/Pricing',
    why:
      'per-message pricing (2025-07-01): `type` regular | free_customer_service | free_entry_point says why a ' +
      'message is charged, `billable` is deprecated, and the 2026 categories (authentication_international, ' +
      'marketing_lite, referral_conversion, service) are missing (Meta status webhook reference; ' +
      'docs.ycloud.com/reference/whatsapp-message-pricing-updates; vendors/whatsapp-2026.md §1.2)',
    apply: (node) => {
      const props = node.properties as Record<string, JsonObject>;
      props.type = { type: 'string', enum: ['regular', 'free_customer_service', 'free_entry_point'] };
      props.category = {
        type: 'string',
        enum: [
          'marketing',
          'marketing_lite',
          'utility',
          'authentication',
          'authentication_international',
          'service',
          'referral_conversion',
        ],
      };
      props.billable = { type: 'boolean', deprecated: true };
    },
  },
  {
    file: FILE,
    pointer: '/components/schemas/Change/properties/field',
    why:
      'coexistence webhook fields smb_message_echoes and history (developers.facebook.com/documentation/' +
      'business-messaging/whatsapp/webhooks/reference/smb_message_echoes/ and …/history/) are missing',
    apply: (node) => {
      if (!Array.isArray(node.enum)) return;
      for (const field of ['smb_message_echoes', 'history'])
        if (!node.enum.includes(field)) node.enum.push(field);
    },
  },
  {
    file: FILE,
    pointer: '/components/schemas/Change/properties/value',
    why:
      'the values of smb_message_echoes ({messaging_product, metadata, message_echoes[]}) and history ' +
      '({messaging_product, metadata, history[{metadata{phase, chunk_order, progress}, threads[{id, messages[]}]} ' +
      'or {errors[]} when the business declined sharing]}) are missing (Meta references above; ' +
      'docs.360dialog.com …/coexistence-webhooks; dualhook.com/docs/webhook-history)',
    apply: (node) => {
      if (!Array.isArray(node.oneOf)) return;
      node.oneOf.push({
        type: 'object',
        required: ['messaging_product', 'metadata', 'message_echoes'],
        properties: {
          messaging_product: { type: 'string', enum: ['whatsapp'] },
          metadata: metadataRef,
          message_echoes: { type: 'array', minItems: 1, items: coexistenceMessage() },
        },
      });
      node.oneOf.push({
        type: 'object',
        required: ['messaging_product', 'metadata', 'history'],
        properties: {
          messaging_product: { type: 'string', enum: ['whatsapp'] },
          metadata: metadataRef,
          history: {
            type: 'array',
            items: {
              oneOf: [
                {
                  type: 'object',
                  required: ['metadata', 'threads'],
                  properties: {
                    metadata: {
                      type: 'object',
                      required: ['phase', 'chunk_order', 'progress'],
                      properties: {
                        phase: { type: 'integer', minimum: 0, maximum: 2 },
                        chunk_order: { type: 'integer', minimum: 1 },
                        progress: { type: 'integer', minimum: 0, maximum: 100 },
                      },
                    },
                    threads: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['id', 'messages'],
                        properties: {
                          id: { type: 'string', description: 'The WhatsApp user phone number' },
                          messages: {
                            type: 'array',
                            items: coexistenceMessage({
                              history_context: {
                                type: 'object',
                                required: ['status'],
                                properties: { status: { type: 'string' } },
                              },
                            }),
                          },
                        },
                      },
                    },
                  },
                },
                {
                  type: 'object',
                  required: ['errors'],
                  properties: {
                    errors: { type: 'array', items: { $ref: '#/components/schemas/StatusError' } },
                  },
                },
              ],
            },
          },
        },
      });
    },
  },
];
