// Minimal, documented corrections to vendor specs, applied at load time. Only where the vendor's own examples
// (and its public docs) contradict the schema. Everything else is validated exactly as the vendor wrote it.
import { isObject } from './schema-convert';
import type { JsonObject } from './schema-convert';
import { metaMessagingLimitFieldSchema, metaOwnerBusinessInfoSchema } from './meta-portfolio-schemas';
import { patches2026 } from './spec-patches-2026';

export interface SpecPatch {
  /** Basename of the spec file. */
  file: string;
  /** JSON pointer of the schema to patch. */
  pointer: string;
  why: string;
  apply: (node: JsonObject) => void;
}

export const specPatches: SpecPatch[] = [
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/BaseMessageProperties',
    why: "recipient_type is optional (defaults to 'individual'); Meta's own 'Send Contact Message' example omits it",
    apply: (node) => {
      if (Array.isArray(node.required)) node.required = node.required.filter((r) => r !== 'recipient_type');
    },
  },
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/LanguageObject',
    why: "policy ('deterministic', the only value) is optional; every template example in the spec omits it",
    apply: (node) => {
      if (Array.isArray(node.required)) node.required = node.required.filter((r) => r !== 'policy');
    },
  },
  ...[
    '/components/schemas/TemplateComponent/properties/index',
    '/components/schemas/ButtonComponent/allOf/1/properties/index',
  ].map((pointer): SpecPatch => ({
    file: 'business-messaging-api_v23.0.yaml',
    pointer,
    why: "pattern '^[2-6, 11-14]$' is a garbled character class (rejects '0'); the description says index 0-9",
    apply: (node) => {
      delete node.pattern;
    },
  })),
  ...['latitude', 'longitude'].map((prop): SpecPatch => ({
    file: 'business-messaging-api_v23.0.yaml',
    pointer: `/components/schemas/LocationMessage/allOf/1/properties/location/properties/${prop}`,
    why: 'typed string, but the spec example (and the Cloud API docs) send numbers',
    apply: (node) => {
      node.type = ['number', 'string'];
    },
  })),
  // --- Gaps the adapter and simulator authors reported (issue 3): documented by the vendor, missing from the spec.
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/BaseMessageProperties/properties',
    why:
      'biz_opaque_callback_data (string ≤ 512, echoed in status webhooks) is documented for every message type ' +
      '(developers.facebook.com/docs/whatsapp/cloud-api/reference/messages) but the spec has it only for calls',
    apply: (node) => {
      node.biz_opaque_callback_data = { type: 'string', maxLength: 512 };
    },
  },
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/InteractiveObject/properties/type',
    why: "interactive 'cta_url' messages are documented (guides/interactive-cta-url-messages) but not in the type enum",
    apply: (node) => {
      if (Array.isArray(node.enum) && !node.enum.includes('cta_url')) node.enum.push('cta_url');
    },
  },
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/ActionObject',
    why: "the cta_url action ({name: 'cta_url', parameters: {display_text, url}}) is missing from ActionObject.oneOf",
    apply: (node) => {
      if (!Array.isArray(node.oneOf)) return;
      node.oneOf.push({
        type: 'object',
        required: ['name', 'parameters'],
        properties: {
          name: { type: 'string', enum: ['cta_url'] },
          parameters: {
            type: 'object',
            required: ['display_text', 'url'],
            properties: { display_text: { type: 'string', maxLength: 20 }, url: { type: 'string' } },
          },
        },
      });
    },
  },
  ...[
    '/components/schemas/TemplateComponent/properties/sub_type',
    '/components/schemas/ButtonComponent/allOf/1/properties/sub_type',
  ].map((pointer): SpecPatch => ({
    file: 'business-messaging-api_v23.0.yaml',
    pointer,
    why: "template button sub_type 'copy_code' (coupon code templates) is documented but missing from the enum",
    apply: (node) => {
      if (Array.isArray(node.enum) && !node.enum.includes('copy_code')) node.enum.push('copy_code');
    },
  })),
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer:
      '/paths/~1{Version}~1{Phone-Number-ID}~1messages/post/requestBody/content/application~1json/schema',
    why:
      "the endpoint also takes read receipts ({messaging_product, status: 'read', message_id, typing_indicator?}: " +
      "the spec's own example 'Send typing indicator and read receipt', answered {success: true}), which the " +
      'Message schema refuses (type and to required): a body with `status` is checked as a read receipt instead',
    apply: (node) => {
      const message = node.$ref;
      delete node.$ref;
      node.if = { type: 'object', required: ['status'] };
      node.then = {
        type: 'object',
        required: ['messaging_product', 'status', 'message_id'],
        additionalProperties: false,
        properties: {
          messaging_product: { type: 'string', enum: ['whatsapp'] },
          status: { type: 'string', enum: ['read'] },
          message_id: { type: 'string', minLength: 1 },
          typing_indicator: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'string', enum: ['text'] } },
          },
        },
      };
      node.else = { $ref: message ?? '#/components/schemas/Message' };
    },
  },
  ...[
    '/paths/~1{Version}~1{Phone-Number-ID}~1messages/post/responses',
    '/paths/~1{Version}~1{WABA-ID}~1message_templates/get/responses',
    '/paths/~1{Version}~1{WABA-ID}~1message_templates/post/responses',
  ].map((pointer): SpecPatch => ({
    file: 'business-messaging-api_v23.0.yaml',
    pointer,
    why:
      'only 200 is documented, though Graph answers 400/401/403/404 with the same GraphAPIError body the spec ' +
      'documents for getPhoneNumberById (error example in vendors/providers.md): error bodies are validated too',
    apply: (node) => {
      for (const status of ['400', '401', '403', '404']) {
        node[status] ??= {
          description: 'Graph API error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/GraphAPIError' } } },
        };
      }
    },
  })),
  {
    file: 'conversations.json',
    pointer: '/paths/~1conversations~1search/get/parameters/8/schema',
    why:
      'startAfterDate\'s schema says "type": "any", which is not a JSON Schema type (Ajv refuses it); the ' +
      "parameter's own anyOf says a number (the sort value of the last document) or an array of numbers",
    apply: (node) => {
      if (node.type === 'any') delete node.type;
    },
  },
  {
    file: 'conversations.json',
    pointer: '/components/schemas/ProcessMessageBodyDto/properties/direction',
    why:
      'direction is typed "object" although its default ("outbound"), its example (["outbound","inbound"]) and the ' +
      'docs use the strings "inbound" / "outbound"',
    apply: (node) => {
      node.type = 'string';
      node.enum = ['outbound', 'inbound'];
    },
  },
  {
    file: 'openapi-v2.yaml',
    pointer: '/paths/~1persons/post/requestBody/content/application~1json/schema',
    why:
      "addPerson marks 'title' required, but persons have no title (a copy from deals): the docs require only " +
      "'name'; phone and email 'label' are typed boolean while the docs and every example use strings (work, mobile)",
    apply: (node) => {
      if (Array.isArray(node.required)) node.required = node.required.filter((r) => r !== 'title');
      const props = node.properties as Record<
        string,
        { items?: { properties?: Record<string, JsonObject> } }
      >;
      for (const list of ['emails', 'phones']) {
        const label = props[list]?.items?.properties?.label;
        if (label) label.type = 'string';
      }
    },
  },
  // --- 2026 fields missing from the v23.0 spec (issue 11), written from Meta's "Business-scoped user IDs" page
  // (developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/, mirrored at
  // dualhook.com/docs/contacts-bsuid-api-changes): a send names its recipient by `to` (phone) or by `recipient`
  // (BSUID or parent BSUID); when both are present `to` wins. The answer's contacts[] carry `user_id` instead of
  // `wa_id` for a send by BSUID.
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/BaseMessageProperties',
    why: '2026 BSUID sends: `recipient` (BSUID) may replace `to` (Meta business-scoped user IDs page)',
    apply: (node) => {
      if (Array.isArray(node.required)) node.required = node.required.filter((r) => r !== 'to');
      (node.properties as Record<string, unknown>).recipient = {
        type: 'string',
        pattern: '^[A-Z]{2}\\.(ENT\\.)?[A-Za-z0-9]{1,128}$',
        description: 'Business-scoped user ID or parent BSUID (2026, not in the v23.0 spec)',
      };
      node.anyOf = [{ required: ['to'] }, { required: ['recipient'] }];
    },
  },
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/MessageResponsePayload/properties/contacts/items/properties',
    why: '2026 BSUID sends answer contacts[].user_id instead of wa_id (Meta business-scoped user IDs page)',
    apply: (node) => {
      node.user_id = { type: 'string' };
    },
  },
  // --- 2026 messaging limits per business portfolio (issue 12 item 2), missing from the v23.0 spec: schemas written
  // from Meta's pages in meta-portfolio-schemas.ts (which says which page says what).
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/PhoneNumberInfo/properties',
    why:
      "the phone number's `whatsapp_business_manager_messaging_limit` (the portfolio's limit, replacing the " +
      "deprecated messaging_limit_tier) is documented on Meta's 'Messaging limits' page but not in the spec",
    apply: (node) => {
      node.whatsapp_business_manager_messaging_limit = structuredClone(
        metaMessagingLimitFieldSchema,
      ) as unknown as JsonObject;
    },
  },
  {
    file: 'business-messaging-api_v23.0.yaml',
    pointer: '/components/schemas/WhatsAppBusinessAccount/properties',
    why:
      "the WABA's `owner_business_info` {id, name} (its business portfolio) is in Graph's WhatsApp Business " +
      'Account reference but not in the spec',
    apply: (node) => {
      node.owner_business_info = structuredClone(metaOwnerBusinessInfoSchema) as unknown as JsonObject;
    },
  },
];

export function applyPatches(docId: string, doc: JsonObject): void {
  // Coexistence and per-message pricing shapes (issue 12): spec-patches-2026.ts.
  for (const patch of [...specPatches, ...patches2026]) {
    if (patch.file !== docId) continue;
    let node: unknown = doc;
    for (const raw of patch.pointer.slice(1).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
    }
    if (!isObject(node))
      throw new Error(`spec patch target missing: ${docId}${patch.pointer} (${patch.why})`);
    patch.apply(node);
  }
}
