// Minimal, documented corrections to vendor specs, applied at load time. Only where the vendor's own examples
// (and its public docs) contradict the schema. Everything else is validated exactly as the vendor wrote it.
import { isObject } from './schema-convert';
import type { JsonObject } from './schema-convert';

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
];

export function applyPatches(docId: string, doc: JsonObject): void {
  for (const patch of specPatches) {
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
