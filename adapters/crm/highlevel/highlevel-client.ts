// HTTP client for the HighLevel API v2 (services.leadconnectorhq.com): Bearer from a TokenSource, the Version header
// each endpoint family requires, one refresh on 401, bounded waits on 429, and every failure as a VendorHttpError.
import { isAxiosError } from '../../shared/vendor-http';
import type { AxiosResponse } from 'axios';
import type * as z from 'zod/mini';
import type { CrmRate, CrmRequestPacer, TokenSource } from '../types';
import { highLevelError, vendorMessageOf } from './highlevel-errors';
import type { VendorHttpError } from '../../shared/vendor-http-error';
import { parseRetryAfter } from '../../shared/retry-after';
import { retryDelayMs, type RetryPolicy } from '../../../src/platform/retry-policy';
import { createVendorHttp, isTimeoutCode } from '../../shared/vendor-http';
import type { VendorFailureReason } from '../../shared/vendor-http-error';
import { HIGHLEVEL_API_BASE_URL } from './highlevel-oauth';

/** Conversations endpoints only accept `2021-04-15`; contacts, oauth/locationToken and the rest `2021-07-28`
 * (the `Version` header enums in specs/highlevel/conversations.json and contacts.json). */
export const HIGHLEVEL_VERSION_CONVERSATIONS = '2021-04-15';
export const HIGHLEVEL_VERSION_DEFAULT = '2021-07-28';

/** Pacing lanes (vendors/highlevel.md §6): 100 requests / 10 s per app per location (or company). A bucket allows at
 * most `burst + 10 s × rate` in any 10 s, so 12 + 80 = 92: headroom for the calls made outside jobs (install,
 * sidebar). "Rate 10/s, burst 100" would let 190 through in one 10 s window. perJob: a new contact's message costs
 * upsert, name, search, create conversation, add message. */
export const HIGHLEVEL_RATES = { location: { ratePerSecond: 8, burst: 12, perJob: 5 } } satisfies Record<
  string,
  CrmRate
>;
const PACED_LANES = ['location'] as const;

export function highLevelVersionFor(path: string): string {
  return path.startsWith('/conversations') ? HIGHLEVEL_VERSION_CONVERSATIONS : HIGHLEVEL_VERSION_DEFAULT;
}

export interface HighLevelClientOptions {
  tokenSource: TokenSource;
  baseUrl?: string;
  /** Injectable for tests (the backoff is real time otherwise). */
  sleep?: (ms: number) => Promise<void>;
  /** 429 retries before giving up with a retryable error (default 3). */
  maxRateLimitRetries?: number;
  /** Cap of one wait (default 10 s: the burst window is 100 requests / 10 s per location, docs/Authorization.md). */
  maxBackoffMs?: number;
  /** Clock an HTTP-date Retry-After is read against (injected in tests). */
  now?: () => number;
  /** Per-request timeout (adapters/shared/vendor-http.ts: the one timeout rule). */
  timeoutMs?: number;
  /** Paces every request through the caller's shared limiter; on 429 it waits instead of `sleep`. */
  pacer?: CrmRequestPacer;
}

export interface HighLevelRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Response schema: a 2xx with another shape is a `malformed_response`. */
  schema: z.ZodMiniType<T>;
  /** Extra statuses that mean "try again later" for this endpoint (e.g. 403 on status updates). */
  retryableStatuses?: number[];
}

export interface HighLevelClient {
  request<T>(req: HighLevelRequest<T>): Promise<T>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createHighLevelClient(options: HighLevelClientOptions): HighLevelClient {
  const baseUrl = (options.baseUrl ?? HIGHLEVEL_API_BASE_URL).replace(/\/+$/, '');
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maxRateLimitRetries = options.maxRateLimitRetries ?? 3;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const http = createVendorHttp({ timeoutMs: options.timeoutMs, rawText: true });

  async function send(
    req: HighLevelRequest<unknown>,
    token: string,
    operation: string,
  ): Promise<AxiosResponse<string>> {
    try {
      return await http.request<string>({
        method: req.method,
        url: baseUrl + req.path,
        params: req.query,
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        headers: {
          Authorization: `Bearer ${token}`,
          Version: highLevelVersionFor(req.path),
          Accept: 'application/json',
          ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
      });
    } catch (err) {
      const timedOut = isAxiosError(err) && isTimeoutCode(err.code);
      // A timeout may hide a request HighLevel processed: still retryable (losing a CRM record is worse than a rare
      // duplicate), but reported as such so the caller can tell.
      throw highLevelError(`HighLevel ${operation} ${timedOut ? 'timed out' : 'could not be reached'}`, {
        reason: timedOut ? 'timeout' : 'network',
        retryable: true,
        unknownOutcome: req.method !== 'GET',
        operation,
        vendorMessage: err instanceof Error ? err.message : undefined,
      });
    }
  }

  async function request<T>(req: HighLevelRequest<T>): Promise<T> {
    const operation = `${req.method} ${req.path}`;
    let token = await options.tokenSource.get();
    let refreshed = false;
    let rateLimited = 0;
    for (;;) {
      await options.pacer?.beforeRequest({ lanes: PACED_LANES, write: req.method !== 'GET' });
      const res = await send(req as HighLevelRequest<unknown>, token, operation);
      const status = res.status;
      const body = parseBody(res.data);
      if (status >= 200 && status < 300) {
        const parsed = req.schema.safeParse(body.json);
        if (parsed.success) return parsed.data;
        throw highLevelError(`HighLevel ${operation} returned an unexpected body`, {
          reason: 'malformed_response',
          retryable: false,
          status,
          operation,
          vendorMessage: parsed.error.issues
            .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; '),
          raw: body.json ?? res.data,
        });
      }
      if (status === 401 && !refreshed) {
        // docs/Authorization.md: "If you get a response saying that the token is expired, refresh the token".
        // One refresh per request; the TokenSource serializes concurrent refreshes per installation.
        refreshed = true;
        token = await options.tokenSource.refresh();
        continue;
      }
      if (status === 429) {
        const wait = rateLimitWait(res.headers, rateLimited, maxBackoffMs, now());
        await options.pacer?.rateLimited(PACED_LANES, wait.ms);
        if (wait.retry && rateLimited < maxRateLimitRetries) {
          rateLimited++;
          if (!options.pacer) await sleep(wait.ms);
          continue;
        }
        throw failure(operation, status, body.json ?? res.data, 'rate_limited', true, wait.ms);
      }
      const retryable = status >= 500 || status === 408 || (req.retryableStatuses ?? []).includes(status);
      const reason: VendorFailureReason = status === 401 ? 'auth' : status >= 500 ? 'server' : 'rejected';
      const error = failure(operation, status, body.json ?? res.data, reason, retryable);
      // A write answered 5xx / 408 may have been stored before the failure (its answer is what was lost).
      if (req.method !== 'GET' && (status >= 500 || status === 408)) error.details.unknownOutcome = true;
      throw error;
    }
  }

  return { request };
}

function failure(
  operation: string,
  status: number,
  raw: unknown,
  reason: VendorFailureReason,
  retryable: boolean,
  retryAfterMs?: number,
): VendorHttpError {
  const vendorMessage = vendorMessageOf(raw);
  return highLevelError(
    `HighLevel ${operation} failed with HTTP ${status}${vendorMessage ? `: ${vendorMessage}` : ''}`,
    {
      reason,
      retryable,
      status,
      operation,
      retryAfterMs,
      vendorMessage,
      raw,
    },
  );
}

function parseBody(text: string | undefined): { json: unknown } {
  if (text === undefined || text === '') return { json: undefined };
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { json: undefined };
  }
}

type HeaderBag = AxiosResponse['headers'];

function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = (headers as Record<string, unknown>)[name.toLowerCase()];
  return v === undefined || v === null ? undefined : String(v);
}

/** How long to wait after a 429. Order: Retry-After (seconds or HTTP date); the burst window
 * (`X-RateLimit-Interval-Milliseconds` when `X-RateLimit-Remaining` is 0); else exponential from 1 s. An exhausted
 * daily quota (`X-RateLimit-Daily-Remaining: 0`) is not worth waiting for here: give it back to the queue. */
export function rateLimitWait(
  headers: HeaderBag,
  attempt: number,
  maxBackoffMs: number,
  now: number,
): { retry: boolean; ms: number } {
  if (headerValue(headers, 'x-ratelimit-daily-remaining') === '0') return { retry: false, ms: 60 * 60_000 };
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return { retry: true, ms: clamp(retryAfter, 0, maxBackoffMs) };
  const interval = Number(headerValue(headers, 'x-ratelimit-interval-milliseconds'));
  if (headerValue(headers, 'x-ratelimit-remaining') === '0' && Number.isFinite(interval) && interval > 0) {
    return { retry: true, ms: clamp(interval, 0, maxBackoffMs) };
  }
  // In-request retry (a job waits on it): 1 s doubling, no jitter.
  const policy: RetryPolicy = { firstMs: 1_000, maxMs: maxBackoffMs, jitter: 'none' };
  return { retry: true, ms: clamp(retryDelayMs(policy, attempt), 0, maxBackoffMs) };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(n)));
}
