// The one way adapters make vendor HTTP calls: an axios instance on the fetch adapter (the only transport in
// workerd; axios is the chosen client), with one timeout rule. Each adapter keeps its vendor's own headers, auth and
// error mapping; what is shared is here.
import axios from 'axios';
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';

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
  return axios.create({
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

/** Whether an axios failure was our own timeout. */
export function isTimeoutCode(code: string | undefined): boolean {
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT';
}
