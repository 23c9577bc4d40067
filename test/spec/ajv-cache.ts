// One pair of Ajv instances per spec (strict types for JSON, type-coercing for form/query strings), with every
// document's components registered under `oas://<docId>`, and compiled validators cached per operation part.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { convertSchema, isObject } from './schema-convert';
import type { ConvertContext, Json, JsonObject } from './schema-convert';
import { formatOverrides } from './spec-loader';
import type { LoadedSpec, SpecDoc } from './spec-loader';

// ajv-formats is CommonJS; depending on the loader the plugin is the default export or its `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

export type Mode = 'json' | 'coerce';

interface SpecAjv {
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction | Error>;
}

const instances = new Map<string, SpecAjv>();

function createAjv(spec: LoadedSpec, mode: Mode): SpecAjv {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
    unicodeRegExp: false,
    coerceTypes: mode === 'coerce' ? 'array' : false,
  });
  addFormats(ajv);
  // Twilio types its relative resource paths (`/2010-04-01/Accounts/AC.../Messages/SM....json`) as `uri`.
  ajv.addFormat('uri', fullFormats['uri-reference']);
  for (const [name, format] of Object.entries(formatOverrides(spec.name))) ajv.addFormat(name, format);
  for (const doc of spec.docs) {
    const ctx = contextFor(doc);
    const components = isObject(doc.doc.components) ? doc.doc.components : {};
    const schemas: JsonObject = {};
    if (isObject(components.schemas)) {
      for (const [name, schema] of Object.entries(components.schemas))
        schemas[name] = convertSchema(schema, ctx);
    }
    registerFormats(ajv, ctx);
    ajv.addSchema({ components: { schemas } }, `oas://${doc.docId}`);
  }
  return { ajv, validators: new Map() };
}

function registerFormats(ajv: Ajv2020, ctx: ConvertContext): void {
  for (const format of ctx.formats) {
    // Vendor-specific formats (phone-number, date-time-rfc-2822, YYYY-MM-DD, TEXT, ...) are annotations only.
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
}

export function contextFor(doc: SpecDoc): ConvertContext {
  return { docId: doc.docId, oas30: doc.oas30, formats: new Set() };
}

/** Compiles (once) the schema built by `build` under `key`; returns the compile error instead of throwing. */
export function getValidator(
  spec: LoadedSpec,
  mode: Mode,
  doc: SpecDoc,
  key: string,
  build: (ctx: ConvertContext) => Json,
): ValidateFunction | Error {
  const id = `${spec.name}:${mode}`;
  let entry = instances.get(id);
  if (!entry) {
    entry = createAjv(spec, mode);
    instances.set(id, entry);
  }
  const cached = entry.validators.get(key);
  if (cached) return cached;
  let result: ValidateFunction | Error;
  try {
    const ctx = contextFor(doc);
    const schema = build(ctx);
    registerFormats(entry.ajv, ctx);
    result = entry.ajv.compile(schema as object);
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  entry.validators.set(key, result);
  return result;
}

export function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `${e.message ?? 'must be one of'}: ${JSON.stringify(p.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'additionalProperties':
      return `must NOT have additional property '${String(p.additionalProperty)}'`;
    case 'unevaluatedProperties':
      return `must NOT have unevaluated property '${String(p.unevaluatedProperty)}'`;
    default:
      return e.message ?? e.keyword;
  }
}
