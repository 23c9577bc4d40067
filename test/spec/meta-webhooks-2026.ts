// JSON Schemas of Meta webhook fields the v23.0 spec (../shared/specs/meta) does not have, written from Meta's own
// reference pages (issue 12; vendors/whatsapp-2026.md §1.3). The Meta simulator's builders for these fields are
// checked against them (test/mocks/meta/meta-webhooks-2026.test.ts), like its API answers are against the spec.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';

const metadata = {
  type: 'object',
  required: ['display_phone_number', 'phone_number_id'],
  properties: { display_phone_number: { type: 'string' }, phone_number_id: { type: 'string' } },
};

/** The whole POST: `object` + `entry[{id, time?, changes[{field, value}]}]` with `value` as given. */
function envelope(field: string, value: object, entryRequired: string[] = ['id', 'changes']) {
  return {
    type: 'object',
    required: ['object', 'entry'],
    properties: {
      object: { const: 'whatsapp_business_account' },
      entry: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: entryRequired,
          properties: {
            id: { type: 'string' },
            time: { type: 'integer' },
            changes: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['field', 'value'],
                additionalProperties: false,
                properties: { field: { const: field }, value },
              },
            },
          },
        },
      },
    },
  };
}

/**
 * `user_preferences` — developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/
 * user_preferences ("Updated May 21, 2026"): value {messaging_product, metadata, contacts[{profile{name}, wa_id}],
 * user_preferences[{wa_id, detail, category: "marketing_messages", value: "stop"|"resume", timestamp (integer)}]}.
 * `user_id` / `parent_user_id` (BSUIDs, 2026) are allowed but not required: UNVERIFIED on Meta's page for this
 * field (YCloud forwards userId / parentUserId, docs.ycloud.com …/whatsapp-user-preferences).
 */
export const userPreferencesWebhookSchema = envelope('user_preferences', {
  type: 'object',
  required: ['messaging_product', 'metadata', 'user_preferences'],
  additionalProperties: false,
  properties: {
    messaging_product: { const: 'whatsapp' },
    metadata,
    contacts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['profile'],
        additionalProperties: false,
        properties: {
          profile: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          wa_id: { type: 'string' },
          user_id: { type: 'string' },
          parent_user_id: { type: 'string' },
        },
      },
    },
    user_preferences: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['detail', 'category', 'value', 'timestamp'],
        anyOf: [{ required: ['wa_id'] }, { required: ['user_id'] }],
        additionalProperties: false,
        properties: {
          wa_id: { type: 'string' },
          user_id: { type: 'string' },
          parent_user_id: { type: 'string' },
          detail: {
            enum: [
              'User requested to stop marketing messages',
              'User requested to resume marketing messages',
            ],
          },
          category: { const: 'marketing_messages' },
          value: { enum: ['stop', 'resume'] },
          timestamp: { type: 'integer' },
        },
      },
    },
  },
});

const templateIds = {
  message_template_id: { type: 'integer' },
  message_template_name: { type: 'string' },
  message_template_language: { type: 'string' },
};
const category = { enum: ['MARKETING', 'UTILITY', 'AUTHENTICATION'] };

/**
 * `template_category_update` — developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/
 * reference/template_category_update ("Updated Nov 11, 2025"), two shapes: impending {correct_category (the
 * category it will have in 24 h), new_category (its CURRENT category), category_update_timestamp (seconds)};
 * completed {previous_category, new_category}. `entry[].time` is the trigger time.
 */
export const templateCategoryUpdateWebhookSchema = envelope(
  'template_category_update',
  {
    type: 'object',
    oneOf: [
      {
        required: [
          ...Object.keys(templateIds),
          'correct_category',
          'new_category',
          'category_update_timestamp',
        ],
        additionalProperties: false,
        properties: {
          ...templateIds,
          correct_category: category,
          new_category: category,
          category_update_timestamp: { type: 'integer' },
        },
      },
      {
        required: [...Object.keys(templateIds), 'previous_category', 'new_category'],
        additionalProperties: false,
        properties: { ...templateIds, previous_category: category, new_category: category },
      },
    ],
  },
  ['id', 'time', 'changes'],
);

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = {
  user_preferences: ajv.compile(userPreferencesWebhookSchema),
  template_category_update: ajv.compile(templateCategoryUpdateWebhookSchema),
};

/** Errors of a built webhook against the schema of its field (empty when it conforms). */
export function metaWebhook2026Errors(field: keyof typeof validators, payload: unknown): ErrorObject[] {
  const validate = validators[field];
  return validate(payload) ? [] : [...(validate.errors ?? [])];
}
