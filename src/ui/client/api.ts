// The pages' JSON client: bearer session on every call, the error envelope turned into words an agent reads.
import type { MessageKey } from '../i18n/en';
import { t } from './i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let bearer: string | null = null;
let onUnauthorized: (() => Promise<string | null>) | null = null;

export function setBearer(token: string, renew?: () => Promise<string | null>): void {
  bearer = token;
  onUnauthorized = renew ?? null;
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
  retried = false,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: unknown };
  } | null;
  if (res.ok) return data as T;
  // An expired session is renewed once from the CRM context (HighLevel SSO), then the call is repeated.
  if (res.status === 401 && !retried && onUnauthorized) {
    const token = await onUnauthorized();
    if (token) {
      bearer = token;
      return api<T>(path, init, true);
    }
  }
  const error = data?.error;
  throw new ApiError(
    res.status,
    error?.code ?? 'internal',
    error?.message ?? `HTTP ${res.status}`,
    error?.details,
  );
}

/** A file from the API (e.g. a campaign's outcome CSV) saved through the browser: the session stays in a header. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  if (!res.ok) throw new ApiError(res.status, 'download_failed', `The download failed (HTTP ${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The API's error in words for the agent, in the page language (DESIGN.md §3.4: template_required is said the same
 * everywhere). `fields` names the request's fields as the page labels them (`content.text` → "The message"), so a
 * refused field is named in plain words ("The message is too long: at most 4096 characters").
 */
export function describeError(error: unknown, fields: Record<string, string> = {}): string {
  if (!(error instanceof ApiError)) return t('errors.network');
  if (error.code === 'invalid_request' && Array.isArray(error.details)) {
    const details = (error.details as { path?: string; variable?: string; message?: string }[])
      .map((d) => fieldProblem(d, fields))
      .filter(Boolean)
      .slice(0, 3);
    if (details.length) return details.join(' ');
  }
  // The vendor's own words are data (Meta's text, in Meta's language); every code of ours has a catalogue message.
  if (error.code === 'provider_error') return t('errors.provider_error', { message: error.message });
  const key = `errors.${error.code}` as MessageKey;
  const text = t(key);
  return text === key ? error.message : text;
}

function fieldProblem(
  detail: { path?: string; variable?: string; message?: string },
  fields: Record<string, string>,
): string {
  const path = detail.path ?? detail.variable ?? '';
  const field = fields[path] ?? Object.entries(fields).find(([p]) => path.startsWith(`${p}.`))?.[1];
  if (!field) return path ? t('errors.field_invalid', { field: path }) : '';
  if (path === 'phone' || path === 'to') return t('errors.invalid_number');
  // zod's "Too big: expected string to have <=1024 characters" → the field's name and its limit.
  const max = /too big\D*?(\d+)/i.exec(detail.message ?? '')?.[1];
  if (max) return t('errors.too_long', { field, max });
  return t('errors.field_invalid', { field });
}
