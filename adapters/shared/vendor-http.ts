// The one way adapters make vendor HTTP calls: an axios instance on the fetch adapter (the only transport in
// workerd; axios is the chosen client), with one timeout rule. Each adapter keeps its vendor's own headers, auth and
// error mapping; what is shared is here.
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';
import { createAxios, isAxiosError } from './axios-core';

export { isAxiosError };

/** A vendor call that takes longer than this is abandoned (PROVIDER_TIMEOUT_MS / CRM_TIMEOUT_MS override it). */
export const DEFAULT_VENDOR_TIMEOUT_MS = 15_000;

/** The one timeout rule: the configured value when it is a positive number, otherwise the default. */
export function vendorTimeoutMs(configured: number | undefined): number {
  return configured !== undefined && Number.isFinite(configured) && configured > 0
    ? configured
    : DEFAULT_VENDOR_TIMEOUT_MS;
}

export interface VendorHttpOptions extends Omit<CreateAxiosDefaults, 'adapter' | 'timeout' | 'baseURL'> {
  /** Trailing slashes are dropped. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Tests may hand in their own fetch. */
  fetch?: typeof fetch;
  /** Answer every status (the caller reads it) and keep the body as text (the caller parses and validates it). */
  rawText?: boolean;
}

export function createVendorHttp(options: VendorHttpOptions = {}): AxiosInstance {
  const { baseUrl, timeoutMs, fetch: fetchImpl, rawText, ...rest } = options;
  return createAxios({
    ...rest,
    ...(baseUrl !== undefined ? { baseURL: baseUrl.replace(/\/+$/, '') } : {}),
    adapter: 'fetch',
    timeout: vendorTimeoutMs(timeoutMs),
    ...(rawText
      ? {
          responseType: 'text',
          transformResponse: [(data: unknown) => data],
          validateStatus: () => true,
        }
      : {}),
    ...(fetchImpl ? { env: { fetch: fetchImpl } } : {}),
  });
}

/** Whether a failed call without an answer timed out: our own timeout's code, or a runtime's timeout message. */
export function isTimeoutError(error: { code?: string; message: string }): boolean {
  return isTimeoutCode(error.code) || /timeout/i.test(error.message);
}

/** Whether an axios failure was our own timeout. */
export function isTimeoutCode(code: string | undefined): boolean {
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT';
}

/**
 * Failures that prove the request never left (Node/undici and axios codes): a refused connection, a failed DNS
 * lookup, a URL that could not be used, a request we cancelled before it was made.
 */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'ERR_CANCELED']);

/**
 * Whether a request that failed without an HTTP answer can have reached the vendor. Only a failure that proves
 * otherwise (NEVER_SENT, on the error or its causes) says no; a timeout, a reset or an unnamed runtime error
 * (workerd names none) may have happened after the vendor acted on it — for a send, an unknown outcome that is
 * never resent (DESIGN.md §3.5). The one rule for every vendor adapter.
 */
export function mayHaveArrived(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT.has(code)) return false;
    current = (current as { cause?: unknown }).cause;
  }
  return true;
}
