// OpenAPI 3.0 / 3.1 Schema Object -> JSON Schema 2020-12 (for Ajv2020).
// Pure function over plain JSON; never mutates its input (the parsed spec is shared and cached).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface ConvertContext {
  /** `oas://<docId>` is the Ajv $id under which this document's components are registered. */
  docId: string;
  /** True for OpenAPI 3.0.x documents (nullable, boolean exclusiveMinimum, $ref siblings ignored). */
  oas30: boolean;
  /** Every `format` value seen, so unknown vendor formats can be registered as no-ops. */
  formats: Set<string>;
}

const SCHEMA_KEYS = [
  'items',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
];
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_ARRAY_KEYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Annotations that only slow Ajv down or trip it up. */
const DROP_KEYS = new Set(['example', 'xml', 'externalDocs', 'discriminator', 'nullable', '$schema', '$id']);

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rewrites `#/components/...` and `other.json#/components/...` to absolute Ajv ids. */
export function rewriteRef(ref: string, docId: string): string {
  if (ref.startsWith('#')) return `oas://${docId}${ref}`;
  const hash = ref.indexOf('#');
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const base = file.split('/').pop() ?? file;
  return `oas://${base}${hash < 0 ? '#' : ref.slice(hash)}`;
}

export function convertSchema(schema: Json, ctx: ConvertContext): Json {
  if (!isObject(schema)) return schema; // `true` / `false` schemas (3.1)
  if (typeof schema.$ref === 'string') {
    const ref: JsonObject = { $ref: rewriteRef(schema.$ref, ctx.docId) };
    if (!ctx.oas30) {
      // 3.1: siblings of $ref apply; keep the validating ones.
      const rest = { ...schema };
      delete rest.$ref;
      const converted = convertSchema(rest, ctx) as JsonObject;
      const merged = { ...converted, ...ref };
      return merged;
    }
    // 3.0: siblings are ignored by the spec, but vendors write `nullable: true` next to $ref and mean it.
    return schema.nullable === true ? { anyOf: [ref, { type: 'null' }] } : ref;
  }

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROP_KEYS.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_KEYS.includes(key) && (isObject(value) || typeof value === 'boolean')) {
      out[key] = convertSchema(value, ctx);
    } else if (key === 'items' && Array.isArray(value)) {
      out.prefixItems = value.map((s) => convertSchema(s, ctx)); // draft-4 style tuple
    } else if (SCHEMA_MAP_KEYS.includes(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = convertSchema(sub, ctx);
      out[key] = map;
    } else if (SCHEMA_ARRAY_KEYS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((s) => convertSchema(s, ctx));
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value && typeof schema[bound] === 'number') out[key] = schema[bound];
    } else if (key === 'format' && typeof value === 'string') {
      ctx.formats.add(value);
      out[key] = value;
    } else {
      out[key] = value;
    }
  }
  if (typeof schema.exclusiveMinimum === 'boolean' && schema.exclusiveMinimum) delete out.minimum;
  if (typeof schema.exclusiveMaximum === 'boolean' && schema.exclusiveMaximum) delete out.maximum;

  hoistClosedAllOfBranches(out);
  applyDiscriminator(schema, out, ctx);
  return applyNullable(schema, out);
}

/**
 * `allOf: [Base, {additionalProperties: false, properties: {...}}]` rejects every Base property, because
 * additionalProperties only sees its own sibling `properties`. Vendors (Meta) write this meaning "no other
 * properties than Base + these"; that is `unevaluatedProperties: false` on the parent.
 */
function hoistClosedAllOfBranches(out: JsonObject): void {
  if (!Array.isArray(out.allOf)) return;
  let closed = false;
  out.allOf = out.allOf.map((branch) => {
    if (isObject(branch) && branch.additionalProperties === false && branch.$ref === undefined) {
      closed = true;
      const copy = { ...branch };
      delete copy.additionalProperties;
      return copy;
    }
    return branch;
  });
  if (closed && out.unevaluatedProperties === undefined) out.unevaluatedProperties = false;
}

/**
 * `oneOf`/`anyOf` + `discriminator` -> dispatch on the discriminator value with if/then, so a bad body gets
 * the errors of the one intended branch instead of "must match exactly one schema" plus N branches of noise,
 * and overlapping branches (common in vendor specs) don't fail `oneOf`. A discriminator on a base schema
 * without oneOf/anyOf is only an annotation here (dispatching from the base would recurse via allOf).
 */
function applyDiscriminator(src: JsonObject, out: JsonObject, ctx: ConvertContext): void {
  const disc = src.discriminator;
  if (!isObject(disc) || typeof disc.propertyName !== 'string') return;
  const key = Array.isArray(src.oneOf) ? 'oneOf' : Array.isArray(src.anyOf) ? 'anyOf' : undefined;
  if (!key) return;
  const branches = src[key] as Json[];
  const refs = branches.map((b) => (isObject(b) && typeof b.$ref === 'string' ? b.$ref : undefined));
  if (refs.some((r) => r === undefined)) return; // inline branches: keep plain oneOf/anyOf semantics
  const mapping: Record<string, string> = {};
  if (isObject(disc.mapping)) {
    for (const [value, ref] of Object.entries(disc.mapping))
      if (typeof ref === 'string') mapping[value] = ref;
  } else {
    for (const ref of refs as string[]) mapping[ref.split('/').pop() ?? ref] = ref;
  }
  const mapped = new Set(Object.values(mapping));
  if (!(refs as string[]).every((r) => mapped.has(r))) return; // incomplete mapping: keep oneOf
  const prop = disc.propertyName;
  delete out[key];
  const allOf = Array.isArray(out.allOf) ? out.allOf : [];
  allOf.push({ type: 'object', required: [prop], properties: { [prop]: { enum: Object.keys(mapping) } } });
  for (const [value, ref] of Object.entries(mapping)) {
    allOf.push({
      if: { type: 'object', required: [prop], properties: { [prop]: { const: value } } },
      then: { $ref: rewriteRef(ref, ctx.docId) },
    });
  }
  out.allOf = allOf;
}

function applyNullable(src: JsonObject, out: JsonObject): Json {
  if (src.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    return out;
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
