// Body parsing and media-type selection for spec validation.
import type { Json, JsonObject } from './schema-convert';

export type BodyKind = 'empty' | 'json' | 'form' | 'multipart' | 'text';

/** Turns whatever the caller has (object, raw text, URLSearchParams, FormData) into a value to validate. */
export function parseBody(body: unknown, contentType?: string): { kind: BodyKind; value: unknown } {
  const ct = (contentType ?? '').toLowerCase();
  if (body === undefined || body === null || body === '') return { kind: 'empty', value: undefined };
  if (body instanceof URLSearchParams) return { kind: 'form', value: entriesToObject(body) };
  if (body instanceof FormData) return { kind: 'multipart', value: entriesToObject(body) };
  if (typeof body !== 'string') return { kind: ct.includes('form') ? 'form' : 'json', value: body };
  if (ct.includes('application/x-www-form-urlencoded')) {
    return { kind: 'form', value: entriesToObject(new URLSearchParams(body)) };
  }
  if (ct === '' || ct.includes('json')) {
    try {
      return { kind: 'json', value: JSON.parse(body) as unknown };
    } catch {
      return { kind: 'text', value: body };
    }
  }
  return { kind: 'text', value: body };
}

function entriesToObject(entries: URLSearchParams | FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  entries.forEach((raw: unknown, key: string) => {
    const value = typeof raw === 'string' ? raw : '(binary)';
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  });
  return out;
}

export function isJsonMedia(mediaType: string): boolean {
  return /json/i.test(mediaType) || mediaType === '*/*';
}

export function pickMedia(
  content: JsonObject,
  contentType: string | undefined,
  kind: BodyKind,
): [string, Json] | undefined {
  const entries = Object.entries(content);
  const wanted = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const norm = (k: string) => k.split(';')[0]?.trim().toLowerCase() ?? '';
  const byKind: Record<BodyKind, (k: string) => boolean> = {
    json: (k) => /json/.test(k),
    form: (k) => k === 'application/x-www-form-urlencoded',
    multipart: (k) => k.startsWith('multipart/'),
    text: (k) => k.startsWith('text/'),
    empty: () => false,
  };
  return (
    entries.find(([k]) => wanted !== '' && norm(k) === wanted) ??
    entries.find(([k]) => byKind[kind](norm(k))) ??
    entries.find(([k]) => k === '*/*') ??
    (entries.length === 1 && kind !== 'json' ? entries[0] : undefined)
  );
}
