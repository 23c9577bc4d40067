// The pages' JSON client: bearer session on every call, the error envelope turned into words an agent reads.

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

/** The API's error in words for the agent (DESIGN.md §3.4: template_required is said the same everywhere). */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'The network failed: check the connection and try again.';
  switch (error.code) {
    case 'template_required':
      return 'The 24-hour window is closed: the customer has to write first, or you can send an approved template.';
    case 'rate_limited':
      return 'Too many messages are being sent right now: wait a few seconds and try again.';
    case 'unauthorized':
      return 'Your session has ended: reopen this page from the CRM.';
    case 'forbidden':
      return `Not allowed: ${error.message}`;
    case 'invalid_request': {
      const details = Array.isArray(error.details)
        ? (error.details as { path?: string; variable?: string; message?: string }[])
            .map((d) => d.message ?? '')
            .filter(Boolean)
            .slice(0, 3)
            .join(' ')
        : '';
      return details ? `${error.message}: ${details}` : error.message;
    }
    case 'provider_error':
      return `WhatsApp provider error: ${error.message}`;
    default:
      return error.message;
  }
}
