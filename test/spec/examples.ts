// The vendors' own examples, so simulator fixtures can start from them (DESIGN.md §7).
import { findOperations } from './openapi';
import { isObject } from './schema-convert';
import type { Json } from './schema-convert';
import { deref } from './spec-loader';

export interface ExampleQuery {
  method: string;
  url: string;
  baseUrl?: string;
  /** Response status ('200', '2XX', 'default'), or 'request' for request body examples. */
  status?: string | number;
  /** Example name (the key under `examples`); default: the first one (or the single `example`). */
  name?: string;
}

/** Returns a deep copy of a documented example, or throws listing what exists. */
export function specExample<T = unknown>(specName: string, q: ExampleQuery): T {
  const all = specExamples(specName, q);
  const wanted = q.name === undefined ? Object.values(all)[0] : all[q.name];
  if (wanted === undefined) {
    const where = `${q.method.toUpperCase()} ${q.url} ${String(q.status ?? 200)}`;
    throw new Error(
      `no example ${q.name ?? ''} for ${where}; available: ${Object.keys(all).join(', ') || 'none'}`,
    );
  }
  return structuredClone(wanted) as T;
}

/** All named examples (media-level `example` is named `example`) for a request body or response. */
export function specExamples(specName: string, q: Omit<ExampleQuery, 'name'>): Record<string, Json> {
  const [c] = findOperations(specName, q.method, q.url, q.baseUrl);
  if (!c) throw new Error(`no operation in spec "${specName}" for ${q.method.toUpperCase()} ${q.url}`);
  const doc = c.route.doc;
  const status = String(q.status ?? 200);
  let holder: Json | undefined;
  if (status === 'request') holder = deref(doc, c.op.requestBody);
  else {
    const responses = deref(doc, c.op.responses);
    holder = isObject(responses) ? deref(doc, responses[status]) : undefined;
  }
  const out: Record<string, Json> = {};
  if (!isObject(holder) || !isObject(holder.content)) return out;
  for (const media of Object.values(holder.content)) {
    if (!isObject(media)) continue;
    if (media.example !== undefined) out.example = media.example;
    if (isObject(media.examples)) {
      for (const [name, ex] of Object.entries(media.examples)) {
        const resolved = deref(doc, ex);
        if (isObject(resolved) && resolved.value !== undefined) out[name] = resolved.value;
      }
    }
  }
  return out;
}
