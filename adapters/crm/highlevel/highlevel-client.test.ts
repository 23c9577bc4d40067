import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createHighLevelSimulator } from '../../../test/mocks/highlevel';
import { assertHighLevelSpecClean } from '../../../test/mocks/highlevel/spec-check';
import { attachSpecValidation } from '../../../test/spec/msw-validation';
import type { TokenSource } from '../types';
import { VendorHttpError } from '../../shared/vendor-http-error';
import { upsertContactResponseSchema } from './highlevel-api';
import { createHighLevelClient, highLevelVersionFor, rateLimitWait } from './highlevel-client';

const API = 'https://services.leadconnectorhq.com';
const sim = createHighLevelSimulator({ clientId: 'c', clientSecret: 's' });
const server = setupServer(...sim.handlers);
const spec = attachSpecValidation(server, { vendorBases: [{ baseUrl: API, spec: 'highlevel' }] });
const LOC = sim.state.config.locationId;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  server.resetHandlers();
  sim.faults.clear();
  sim.state.requests.length = 0;
  await assertHighLevelSpecClean(spec);
});
afterAll(() => server.close());

/** A TokenSource over the simulator: `refresh()` rotates for real. */
function tokenSource() {
  let current = sim.seedTokens();
  const ts = {
    refreshes: 0,
    get: async () => current.accessToken,
    refresh: async () => {
      ts.refreshes++;
      current = sim.state.issueTokens({
        userType: 'Location',
        companyId: sim.state.config.companyId,
        locationId: LOC,
        userId: 'u',
        scopes: [],
      });
      return current.accessToken;
    },
    expire: () => sim.state.expireAccessToken(current.accessToken),
  };
  return ts satisfies TokenSource & object;
}

function setup(opts: { maxRateLimitRetries?: number } = {}) {
  const ts = tokenSource();
  const sleeps: number[] = [];
  const client = createHighLevelClient({
    tokenSource: ts,
    sleep: async (ms) => void sleeps.push(ms),
    ...opts,
  });
  return { ts, sleeps, client };
}

const upsert = {
  method: 'POST' as const,
  path: '/contacts/upsert',
  body: { locationId: LOC, phone: '+15550001111' },
  schema: upsertContactResponseSchema,
};
const search = {
  method: 'GET' as const,
  path: '/conversations/search',
  query: { locationId: LOC, contactId: 'x' },
  schema: z.looseObject({ total: z.number() }),
};

async function failure(p: Promise<unknown>): Promise<VendorHttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorHttpError);
  return err as VendorHttpError;
}

describe('Version header per endpoint family (conversations.json / contacts.json enums)', () => {
  it('maps paths', () => {
    expect(highLevelVersionFor('/conversations/messages/inbound')).toBe('2021-04-15');
    expect(highLevelVersionFor('/contacts/upsert')).toBe('2021-07-28');
    expect(highLevelVersionFor('/oauth/locationToken')).toBe('2021-07-28');
  });

  it('sends the bearer token and the right Version, accepted by the simulator', async () => {
    const { client } = setup();
    await expect(client.request(upsert)).resolves.toMatchObject({ new: true });
    await expect(client.request(search)).resolves.toEqual({ conversations: [], total: 0 });
    expect(sim.state.requests.map((r) => [r.path, r.version])).toEqual([
      ['/contacts/upsert', '2021-07-28'],
      ['/conversations/search', '2021-04-15'],
    ]);
  });
});

describe('401 → one refresh → retry', () => {
  it('refreshes once and succeeds with the new token', async () => {
    const { client, ts } = setup();
    ts.expire();
    await expect(client.request(upsert)).resolves.toMatchObject({ contact: { phone: '+15550001111' } });
    expect(ts.refreshes).toBe(1);
    expect(sim.state.requests).toHaveLength(2);
    expect(sim.state.requests[0]!.token).not.toBe(sim.state.requests[1]!.token);
  });

  it('a second 401 after the refresh is an auth failure, not a loop', async () => {
    const { client, ts } = setup();
    sim.faults.add({
      status: 401,
      body: { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' },
      times: 5,
    });
    const before = sim.faults.injected;
    const err = await failure(client.request(upsert));
    expect(err.details).toMatchObject({
      reason: 'auth',
      status: 401,
      retryable: false,
      vendorMessage: 'Invalid JWT',
    });
    expect(ts.refreshes).toBe(1);
    expect(sim.faults.injected - before).toBe(2);
  });
});

describe('429 rate limits (100 requests / 10 s per location)', () => {
  it('waits Retry-After seconds, then succeeds', async () => {
    const { client, sleeps } = setup();
    sim.faults.add({
      status: 429,
      headers: { 'Retry-After': '2' },
      body: { statusCode: 429, message: 'Too Many Requests' },
    });
    await expect(client.request(upsert)).resolves.toMatchObject({ contact: { phone: '+15550001111' } });
    expect(sleeps).toEqual([2000]);
  });

  it('waits the burst interval from X-RateLimit-* when Remaining is 0 (the simulator limiter)', async () => {
    const limited = createHighLevelSimulator({
      clientId: 'c',
      clientSecret: 's',
      rateLimit: { max: 2, intervalMs: 10_000 },
    });
    server.use(...limited.handlers);
    const token = limited.seedTokens().accessToken;
    const sleeps: number[] = [];
    const client = createHighLevelClient({
      tokenSource: { get: async () => token, refresh: async () => token },
      sleep: async (ms) => void sleeps.push(ms),
    });
    const req = { ...upsert, body: { locationId: limited.state.config.locationId, phone: '+15550002222' } };
    await client.request(req);
    await client.request(req);
    const third = await failure(client.request(req));
    expect(sleeps).toHaveLength(3);
    expect(sleeps.every((ms) => ms > 9_000 && ms <= 10_000)).toBe(true);
    expect(third.details).toMatchObject({ reason: 'rate_limited', retryable: true, status: 429 });
  });

  it('gives up after the bounded number of retries with a retryable error and exponential, capped waits', async () => {
    const { client, sleeps } = setup({ maxRateLimitRetries: 4 });
    sim.faults.add({ status: 429, times: 10 });
    const before = sim.faults.injected;
    const err = await failure(client.request(upsert));
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(err.details).toMatchObject({ reason: 'rate_limited', retryable: true, status: 429 });
    expect(sim.faults.injected - before).toBe(5);
  });

  it('does not wait out an exhausted daily quota', async () => {
    const { client, sleeps } = setup();
    sim.faults.add({ status: 429, headers: { 'X-RateLimit-Daily-Remaining': '0' } });
    const err = await failure(client.request(upsert));
    expect(sleeps).toEqual([]);
    expect(err.details).toMatchObject({ retryable: true, retryAfterMs: 3_600_000 });
  });

  it('rateLimitWait caps Retry-After at the max backoff and reads HTTP dates', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(rateLimitWait({ 'retry-after': '120' }, 0, 10_000, now)).toEqual({ retry: true, ms: 10_000 });
    const soon = new Date(now + 3_000).toUTCString();
    expect(rateLimitWait({ 'retry-after': soon }, 0, 10_000, now)).toEqual({ retry: true, ms: 3_000 });
  });
});

describe('other failures', () => {
  it('5xx is a retryable crm_error', async () => {
    const { client } = setup();
    sim.faults.add({ status: 502, body: { message: 'Bad Gateway' } });
    const err = await failure(client.request(upsert));
    expect(err.code).toBe('crm_error');
    expect(err.status).toBe(502);
    expect(err.details).toMatchObject({
      reason: 'server',
      retryable: true,
      status: 502,
      operation: 'POST /contacts/upsert',
    });
  });

  it('a 4xx is not retryable and keeps the vendor message (UnprocessableDTO message array)', async () => {
    const { client } = setup();
    sim.faults.add({
      status: 422,
      body: {
        statusCode: 422,
        message: ['phone must be a valid phone number'],
        error: 'Unprocessable Entity',
      },
    });
    const err = await failure(client.request(upsert));
    expect(err.details).toMatchObject({
      reason: 'rejected',
      retryable: false,
      vendorMessage: 'phone must be a valid phone number',
    });
  });

  it('a 2xx with the wrong shape is a clear malformed_response', async () => {
    const { client } = setup();
    server.use(http.post(`${API}/contacts/upsert`, () => HttpResponse.json({ contact: { name: 'no id' } })));
    const err = await failure(client.request(upsert));
    expect(err.details).toMatchObject({ reason: 'malformed_response', retryable: false, status: 200 });
    expect(err.details.vendorMessage).toMatch(/contact\.id/);
  });

  it('a network error is retryable', async () => {
    const { client } = setup();
    sim.faults.add({ networkError: true });
    const err = await failure(client.request(upsert));
    expect(err.details).toMatchObject({ reason: 'network', retryable: true });
  });

  it('a hung request times out as a retryable timeout', async () => {
    const ts = tokenSource();
    const client = createHighLevelClient({ tokenSource: ts, timeoutMs: 50 });
    sim.faults.add({ delayMs: 500, status: 200 });
    const err = await failure(client.request(upsert));
    expect(err.details).toMatchObject({ reason: 'timeout', retryable: true });
  });
});
