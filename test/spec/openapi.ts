// Validate HTTP requests/responses against the vendors' OpenAPI specs in ../shared/specs (DESIGN.md §7).
import { describeError, getValidator } from './ajv-cache';
import type { Mode } from './ajv-cache';
import { convertSchema, isObject } from './schema-convert';
import type { Json, JsonObject } from './schema-convert';
import { isJsonMedia, parseBody, pickMedia } from './http-body';
import { deref, loadSpec, normalizePath } from './spec-loader';
import type { LoadedSpec, Route } from './spec-loader';

export { loadSpec, registerSpec, specNames, specsDir, repoRoot } from './spec-loader';
export { parseBody } from './http-body';

export interface SpecError {
  /** Where: `request.body/template/name`, `response.body/messages/0/id`, `request.query.term`, `url`, ... */
  path: string;
  message: string;
}

export interface OperationRef {
  spec: string;
  doc: string;
  method: string;
  path: string;
  operationId?: string;
}

export interface ValidationResult {
  ok: boolean;
  errors: SpecError[];
  operation?: OperationRef;
}

export interface RequestInput {
  method: string;
  url: string;
  /** Strip this prefix before matching path templates (a test base like `http://meta.test`). */
  baseUrl?: string;
  contentType?: string;
  /** Parsed body (object), raw text, URLSearchParams, or FormData. */
  body?: unknown;
  /**
   * Pin the operation when templates are ambiguous (Meta's `GET /{Version}/{node-id}` matches 15 operations,
   * and the response then passes if it fits any of them).
   */
  operationId?: string;
}

export interface ResponseInput extends RequestInput {
  status: number;
}

export interface ResponseOptions {
  /** Undocumented statuses for which the body is not checked (e.g. injected 429/5xx). Default: none. */
  allowUndocumentedStatus?: (status: number) => boolean;
}

export interface Candidate {
  route: Route;
  method: string;
  op: JsonObject;
  ref: OperationRef;
}

const MAX_ERRORS = 25;

/** All operations of `spec` that (method, url) can be; several only when templates are equally specific. */
export function findOperations(specName: string, method: string, url: string, baseUrl?: string): Candidate[] {
  const spec = loadSpec(specName);
  const m = method.toLowerCase();
  const { remaining, basePath } = splitUrl(url, baseUrl);
  const matches: Candidate[] = [];
  for (const route of spec.routes) {
    const op = route.item[m];
    if (!isObject(op)) continue;
    for (const base of route.doc.basePaths) {
      let rel: string | undefined;
      if (base === '' || remaining === base || remaining.startsWith(`${base}/`))
        rel = remaining.slice(base.length);
      else if (basePath.endsWith(base)) rel = remaining; // the caller's baseUrl already contains the server path
      if (rel === undefined || !route.regex.test(normalizePath(rel))) continue;
      const ref: OperationRef = { spec: spec.name, doc: route.doc.docId, method: m, path: route.template };
      if (typeof op.operationId === 'string') ref.operationId = op.operationId;
      matches.push({ route, method: m, op, ref });
      break;
    }
  }
  if (matches.length <= 1) return matches;
  const best = matches.reduce((a, b) => (compareRank(a.route.rank, b.route.rank) >= 0 ? a : b));
  return matches.filter((c) => compareRank(c.route.rank, best.route.rank) === 0);
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function splitUrl(url: string, baseUrl?: string): { remaining: string; basePath: string } {
  const u = new URL(url, 'https://relative.invalid');
  let remaining = decodeURI(u.pathname);
  let basePath = '';
  if (baseUrl) {
    const b = new URL(baseUrl, 'https://relative.invalid');
    basePath = b.pathname.replace(/\/+$/, '');
    if (basePath && remaining.startsWith(basePath)) remaining = remaining.slice(basePath.length);
  }
  return { remaining: normalizePath(remaining), basePath };
}

function pinned(candidates: Candidate[], operationId: string | undefined): Candidate[] {
  return operationId === undefined ? candidates : candidates.filter((c) => c.ref.operationId === operationId);
}

function unknownOperation(
  specName: string,
  method: string,
  url: string,
  operationId?: string,
): ValidationResult {
  const where = `${method.toUpperCase()} ${new URL(url, 'https://relative.invalid').pathname}`;
  const message = `no operation${operationId ? ` "${operationId}"` : ''} in spec "${specName}" for ${where}`;
  return { ok: false, errors: [{ path: 'url', message }] };
}

/** Validates query parameters and body of a request our adapters (or a simulator's client) send. */
export function validateRequest(specName: string, req: RequestInput): ValidationResult {
  const candidates = pinned(findOperations(specName, req.method, req.url, req.baseUrl), req.operationId);
  if (candidates.length === 0) return unknownOperation(specName, req.method, req.url, req.operationId);
  return firstPassing(candidates, (c) => [...checkQuery(c, req.url), ...checkRequestBody(c, req)]);
}

/** Validates a (mocked) response body against the operation's response for that status. */
export function validateResponse(
  specName: string,
  res: ResponseInput,
  options: ResponseOptions = {},
): ValidationResult {
  const candidates = pinned(findOperations(specName, res.method, res.url, res.baseUrl), res.operationId);
  if (candidates.length === 0) return unknownOperation(specName, res.method, res.url, res.operationId);
  return firstPassing(candidates, (c) => checkResponse(c, res, options));
}

function firstPassing(candidates: Candidate[], check: (c: Candidate) => SpecError[]): ValidationResult {
  let first: ValidationResult | undefined;
  for (const c of candidates) {
    const errors = check(c);
    if (errors.length === 0) return { ok: true, errors, operation: c.ref };
    first ??= { ok: false, errors: errors.slice(0, MAX_ERRORS), operation: c.ref };
  }
  if (first && candidates.length > 1) {
    const others = candidates.slice(1).map((c) => c.ref.operationId ?? c.ref.path);
    first.errors.push({
      path: 'operation',
      message: `also failed ambiguous candidates: ${others.join(', ')}`,
    });
  }
  return first as ValidationResult;
}

function parameters(c: Candidate): JsonObject[] {
  const raw = [
    ...(Array.isArray(c.route.item.parameters) ? c.route.item.parameters : []),
    ...(Array.isArray(c.op.parameters) ? c.op.parameters : []),
  ];
  const byKey = new Map<string, JsonObject>();
  for (const p of raw) {
    const param = deref(c.route.doc, p);
    if (isObject(param) && typeof param.name === 'string')
      byKey.set(`${String(param.in)}:${param.name}`, param);
  }
  return [...byKey.values()];
}

function checkQuery(c: Candidate, url: string): SpecError[] {
  const params = parameters(c).filter((p) => p.in === 'query' && p.style !== 'deepObject');
  if (params.length === 0) return [];
  const query: Record<string, string | string[]> = {};
  for (const [rawKey, value] of new URL(url, 'https://relative.invalid').searchParams) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const prev = query[key];
    query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  const key = `${c.route.doc.docId} ${c.method} ${c.route.template} query`;
  const validate = getValidator(loadSpecOf(c), 'coerce', c.route.doc, key, (ctx) => {
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const p of params) {
      const name = p.name as string;
      properties[name] = isObject(p.schema) ? convertSchema(p.schema, ctx) : {};
      if (p.required === true) required.push(name);
    }
    return { type: 'object', properties, required };
  });
  return run(validate, query, 'request.query', true);
}

function checkRequestBody(c: Candidate, req: RequestInput): SpecError[] {
  const body = deref(c.route.doc, c.op.requestBody);
  const { kind, value } = parseBody(req.body, req.contentType);
  if (!isObject(body) || !isObject(body.content)) {
    return kind === 'empty' ? [] : [{ path: 'request.body', message: 'operation defines no request body' }];
  }
  if (kind === 'empty') {
    return body.required === true ? [{ path: 'request.body', message: 'request body is required' }] : [];
  }
  const media = pickMedia(body.content, req.contentType, kind);
  if (!media) {
    const allowed = Object.keys(body.content).join(', ');
    return [
      { path: 'request.body', message: `content type ${req.contentType ?? kind} not accepted (${allowed})` },
    ];
  }
  const [mediaType, entry] = media;
  if (!isObject(entry) || !isObject(entry.schema)) return [];
  if (kind === 'json' && !isJsonMedia(mediaType)) return [];
  const mode: Mode = kind === 'json' ? 'json' : 'coerce';
  return validateSchema(c, mode, `request ${mediaType}`, entry.schema, value, 'request.body');
}

function checkResponse(c: Candidate, res: ResponseInput, options: ResponseOptions): SpecError[] {
  const responses = deref(c.route.doc, c.op.responses);
  const status = String(res.status);
  const cls = `${status[0] ?? ''}XX`;
  const table = isObject(responses) ? responses : {};
  const entry = deref(c.route.doc, table[status] ?? table[cls] ?? table[cls.toLowerCase()] ?? table.default);
  if (entry === undefined) {
    if (options.allowUndocumentedStatus?.(res.status)) return [];
    const documented = Object.keys(table).join(', ');
    return [
      { path: 'response.status', message: `status ${status} is not documented (documented: ${documented})` },
    ];
  }
  if (!isObject(entry) || !isObject(entry.content) || Object.keys(entry.content).length === 0) return [];
  const { kind, value } = parseBody(res.body, res.contentType);
  const media = pickMedia(entry.content, res.contentType, kind === 'empty' ? 'json' : kind);
  if (!media)
    return [{ path: 'response.body', message: `content type ${res.contentType ?? kind} not documented` }];
  const [mediaType, mediaEntry] = media;
  if (!isObject(mediaEntry) || !isObject(mediaEntry.schema) || !isJsonMedia(mediaType)) return [];
  if (kind === 'empty')
    return [{ path: 'response.body', message: `empty body; spec documents ${mediaType}` }];
  if (kind !== 'json')
    return [{ path: 'response.body', message: `expected JSON (${mediaType}), got ${kind}` }];
  return validateSchema(
    c,
    'json',
    `response ${status} ${mediaType}`,
    mediaEntry.schema,
    value,
    'response.body',
  );
}

function validateSchema(
  c: Candidate,
  mode: Mode,
  part: string,
  schema: Json,
  value: unknown,
  at: string,
): SpecError[] {
  const key = `${c.route.doc.docId} ${c.method} ${c.route.template} ${part}`;
  const validate = getValidator(loadSpecOf(c), mode, c.route.doc, key, (ctx) => convertSchema(schema, ctx));
  return run(validate, value, at, false);
}

function run(
  validate: ReturnType<typeof getValidator>,
  value: unknown,
  at: string,
  dotted: boolean,
): SpecError[] {
  if (validate instanceof Error)
    return [{ path: at, message: `spec schema does not compile: ${validate.message}` }];
  if (validate(value)) return [];
  const seen = new Set<string>();
  const errors: SpecError[] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if') continue; // the failing `then` branch is reported by itself
    const path = dotted ? `${at}${e.instancePath.replace(/\//g, '.')}` : `${at}${e.instancePath}`;
    const message = describeError(e);
    const k = `${path} ${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    errors.push({ path, message });
  }
  return errors;
}

function loadSpecOf(c: Candidate): LoadedSpec {
  return loadSpec(c.ref.spec);
}
