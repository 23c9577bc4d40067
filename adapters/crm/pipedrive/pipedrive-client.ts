// HTTP client for one Pipedrive installation: `{api_domain}/api/v2` where v2 exists, `/api/v1` only for notes
// and users/me (v1 sunsets 2026-07-31 for most endpoints; notes have no v2 yet — vendors/pipedrive.md §0).
import type { AxiosInstance, AxiosResponse } from 'axios';
import type * as z from 'zod/mini';
import type { CrmRate, CrmRequestPacer, TokenSource } from '../types';
import { mayRetry, retryDelayMs, type RetryPolicy } from '../../../src/platform/retry-policy';
import {
  currentUserResponseSchema,
  dealResponseSchema,
  noteResponseSchema,
  notesPageResponseSchema,
  personResponseSchema,
  personSearchResponseSchema,
  userResponseSchema,
} from './pipedrive-api';
import type {
  CreateNoteBody,
  CreatePersonBody,
  CurrentUserResponse,
  Deal,
  Note,
  NotesPage,
  NotesQuery,
  Person,
  PersonSearchItem,
  PipedriveUser,
  UpdateNoteBody,
} from './pipedrive-api';
import { pipedriveError } from './pipedrive-errors';
import { describeVendorError, parseJson, parseRateLimitReset } from './pipedrive-http-signals';
import { parseRetryAfter } from '../../shared/retry-after';
import { createVendorHttp, mayHaveArrived } from '../../shared/vendor-http';

export { parseRateLimitReset };

export interface PipedriveClientOptions {
  /** The installation's `api_domain` (`https://acme.pipedrive.com`), or the simulator base in tests. */
  apiDomain: string;
  tokenSource: TokenSource;
  fetch?: typeof fetch;
  /** Injectable for tests: how to wait before a retry. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Retries after 429 (any method) or 5xx / network errors (GET, PUT only). Default 3. */
  maxRetries?: number;
  /** Longest wait done inline; a longer Retry-After (daily budget exhausted) surfaces as a retryable error. Default 10 s. */
  maxWaitMs?: number;
  timeoutMs?: number;
  /** Paces every request through the caller's shared limiter; on 429 it waits instead of `sleep`. */
  pacer?: CrmRequestPacer;
}

/** Pacing lanes (vendors/pipedrive.md §6), per rolling 2 s: OAuth tokens 80 on the lowest plan, Search 10. A bucket
 * allows at most `burst + 2 s × rate` in any 2 s: 5 + 70 = 75 of 80, and 1 + 8 = 9 of 10 searches. */
export const PIPEDRIVE_RATES = {
  // perJob: a note costs a person search (or lookup) and the note; a deal lookup or a new person one more.
  token: { ratePerSecond: 35, burst: 5, perJob: 3 },
  search: { ratePerSecond: 4, burst: 1, perJob: 1 },
} satisfies Record<string, CrmRate>;
const lanesOf = (path: string): readonly (keyof typeof PIPEDRIVE_RATES)[] =>
  path.endsWith('/search') ? ['search', 'token'] : ['token'];

export interface PipedriveClient {
  readonly apiDomain: string;
  /** GET /api/v2/persons/search?term&fields=phone&exact_match=true (cost 20; Search burst 10 per 2 s). */
  searchPersonsByPhone(term: string): Promise<PersonSearchItem[]>;
  /** GET /api/v2/persons/search over names (a username customer's BSUID is part of their name, issue 11). */
  searchPersonsByName(term: string): Promise<PersonSearchItem[]>;
  /** PATCH /api/v2/persons/{id}: replaces the person's phones. */
  setPersonPhones(id: number, phones: CreatePersonBody['phones']): Promise<void>;
  /** GET /api/v2/persons/{id}; null when it does not exist (404). */
  getPerson(id: number): Promise<Person | null>;
  /** POST /api/v2/persons. */
  createPerson(body: CreatePersonBody): Promise<Person>;
  /** GET /api/v2/deals/{id}; null when it does not exist (404). */
  getDeal(id: number): Promise<Deal | null>;
  /** POST /api/v1/notes. */
  createNote(body: CreateNoteBody): Promise<Note>;
  /** PUT /api/v1/notes/{id}; null when the note was deleted (404). */
  updateNote(id: number, body: UpdateNoteBody): Promise<Note | null>;
  /** GET /api/v1/notes?person_id|deal_id, newest first (cost 20): one page, and where the next one starts. */
  listNotes(query: NotesQuery): Promise<NotesPage>;
  /** GET /api/v1/users/me. */
  getCurrentUser(): Promise<CurrentUserResponse['data']>;
  /** GET /api/v1/users/{id} (no v2 equivalent); null when the user does not exist. */
  getUser(id: number): Promise<PipedriveUser | null>;
}

interface RequestSpec<S extends z.ZodMiniType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  schema: S;
  allow404?: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPipedriveClient(options: PipedriveClientOptions): PipedriveClient {
  const apiDomain = options.apiDomain.replace(/\/+$/, '');
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maxRetries = options.maxRetries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  // We parse and validate ourselves (rawText), so a malformed body gets one clear error.
  const http: AxiosInstance = createVendorHttp({
    baseUrl: apiDomain,
    timeoutMs: options.timeoutMs,
    rawText: true,
    fetch: options.fetch,
  });
  // Burst limit is per token per rolling 2 s (OAuth 80–480 by plan): when a response says none remain,
  // wait for the window to reset before the next call instead of collecting a 429.
  let blockedUntil = 0;

  function recordRateHeaders(res: AxiosResponse): void {
    const remaining = Number(res.headers['x-ratelimit-remaining']);
    if (Number.isFinite(remaining) && remaining <= 0) {
      const reset = parseRateLimitReset(res.headers['x-ratelimit-reset'] as string | undefined, now());
      if (reset !== undefined) blockedUntil = Math.max(blockedUntil, now() + reset);
    }
  }

  // In-request retries: someone (a job, a panel) waits on this call, so short and without jitter, 500 ms doubling.
  const retry: RetryPolicy = { firstMs: 500, maxMs: maxWaitMs, jitter: 'none', retries: maxRetries };
  const backoffMs = (attempt: number) => retryDelayMs(retry, attempt);

  async function request<S extends z.ZodMiniType>(spec: RequestSpec<S>): Promise<z.output<S> | null> {
    const operation = `${spec.method} ${spec.path}`;
    const idempotent = spec.method !== 'POST';
    const url = spec.query ? `${spec.path}?${new URLSearchParams(spec.query).toString()}` : spec.path;
    let refreshed = false;
    let refreshedToken: string | undefined;
    let attempt = 0;
    const lanes = lanesOf(spec.path);
    for (;;) {
      await options.pacer?.beforeRequest({ lanes, write: spec.method !== 'GET' });
      const wait = blockedUntil - now();
      if (wait > 0) await sleep(Math.min(wait, maxWaitMs));
      blockedUntil = 0;
      const token = refreshedToken ?? (await options.tokenSource.get());
      let res: AxiosResponse<string>;
      try {
        res = await http.request<string>({
          method: spec.method,
          url,
          data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
        });
      } catch (error) {
        if (idempotent && mayRetry(retry, attempt)) {
          await sleep(backoffMs(attempt++));
          continue;
        }
        throw pipedriveError(`Pipedrive ${operation} failed: ${(error as Error).message}`, {
          retryable: true,
          operation,
          unknownOutcome: !idempotent && mayHaveArrived(error),
        });
      }
      recordRateHeaders(res);
      const vendorError = parseJson(res.data);

      if (res.status === 401 && !refreshed) {
        // Access tokens expire after ~60 min; the TokenSource serializes the refresh per installation.
        refreshed = true;
        refreshedToken = await options.tokenSource.refresh();
        continue;
      }
      if (res.status === 429) {
        const retryAfterMs =
          parseRetryAfter(res.headers['retry-after'] as string | undefined, now()) ??
          parseRateLimitReset(res.headers['x-ratelimit-reset'] as string | undefined, now()) ??
          backoffMs(attempt);
        await options.pacer?.rateLimited(lanes, retryAfterMs);
        // A 429 is rejected before any work is done, so even a POST is safe to repeat.
        if (mayRetry(retry, attempt) && retryAfterMs <= maxWaitMs) {
          attempt++;
          if (!options.pacer) await sleep(retryAfterMs);
          blockedUntil = 0; // that wait covered the window reset too
          continue;
        }
        throw pipedriveError(`Pipedrive rate limit reached on ${operation}`, {
          status: 429,
          retryable: true,
          retryAfterMs,
          operation,
          raw: vendorError,
        });
      }
      if (res.status >= 500) {
        if (idempotent && mayRetry(retry, attempt)) {
          await sleep(backoffMs(attempt++));
          continue;
        }
        throw pipedriveError(`Pipedrive ${operation} failed with ${res.status}`, {
          status: res.status,
          retryable: true,
          operation,
          raw: vendorError,
          unknownOutcome: !idempotent,
        });
      }
      if (res.status === 404 && spec.allow404) return null;
      if (res.status < 200 || res.status >= 300) {
        throw pipedriveError(
          `Pipedrive ${operation} was refused (${res.status}): ${describeVendorError(vendorError)}`,
          {
            status: res.status,
            retryable: false,
            operation,
            raw: vendorError,
          },
        );
      }
      const parsed = spec.schema.safeParse(vendorError);
      if (!parsed.success) {
        const where = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        throw pipedriveError(`Pipedrive ${operation} returned an unexpected response (${where})`, {
          status: res.status,
          retryable: false,
          operation,
          raw: typeof res.data === 'string' ? res.data.slice(0, 500) : res.data,
        });
      }
      return parsed.data;
    }
  }

  async function must<S extends z.ZodMiniType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    return (await request(spec)) as z.output<S>;
  }

  return {
    apiDomain,
    async searchPersonsByPhone(term) {
      const res = await must({
        method: 'GET',
        path: '/api/v2/persons/search',
        query: { term, fields: 'phone', exact_match: 'true', limit: '10' },
        schema: personSearchResponseSchema,
      });
      return res.data.items.map((i) => i.item);
    },
    async searchPersonsByName(term) {
      const res = await must({
        method: 'GET',
        path: '/api/v2/persons/search',
        query: { term, fields: 'name', limit: '10' },
        schema: personSearchResponseSchema,
      });
      return res.data.items.map((i) => i.item);
    },
    async setPersonPhones(id, phones) {
      await must({
        method: 'PATCH',
        path: `/api/v2/persons/${id}`,
        body: { phones },
        schema: personResponseSchema,
      });
    },
    async getPerson(id) {
      const res = await request({
        method: 'GET',
        path: `/api/v2/persons/${id}`,
        schema: personResponseSchema,
        allow404: true,
      });
      return res?.data ?? null;
    },
    async createPerson(body) {
      return (await must({ method: 'POST', path: '/api/v2/persons', body, schema: personResponseSchema }))
        .data;
    },
    async getDeal(id) {
      const res = await request({
        method: 'GET',
        path: `/api/v2/deals/${id}`,
        schema: dealResponseSchema,
        allow404: true,
      });
      return res?.data ?? null;
    },
    async createNote(body) {
      return (await must({ method: 'POST', path: '/api/v1/notes', body, schema: noteResponseSchema })).data;
    },
    async updateNote(id, body) {
      const res = await request({
        method: 'PUT',
        path: `/api/v1/notes/${id}`,
        body,
        schema: noteResponseSchema,
        allow404: true,
      });
      return res?.data ?? null;
    },
    async listNotes(query) {
      const params: Record<string, string> = {
        // Newest first: a note written moments ago is on the first page.
        sort: 'add_time DESC, id DESC',
        start: String(query.start ?? 0),
        limit: String(query.limit),
      };
      if (query.personId !== undefined) params.person_id = String(query.personId);
      if (query.dealId !== undefined) params.deal_id = String(query.dealId);
      const res = await must({
        method: 'GET',
        path: '/api/v1/notes',
        query: params,
        schema: notesPageResponseSchema,
      });
      const pagination = res.additional_data?.pagination;
      return {
        notes: res.data ?? [],
        nextStart: pagination?.more_items_in_collection ? (pagination.next_start ?? undefined) : undefined,
      };
    },
    async getCurrentUser() {
      return (await must({ method: 'GET', path: '/api/v1/users/me', schema: currentUserResponseSchema }))
        .data;
    },
    async getUser(id) {
      const res = await request({
        method: 'GET',
        path: `/api/v1/users/${encodeURIComponent(String(id))}`,
        schema: userResponseSchema,
        allow404: true,
      });
      return res?.data ?? null;
    },
  };
}
