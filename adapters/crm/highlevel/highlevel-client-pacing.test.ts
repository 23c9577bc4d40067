// The pacing hook: every request (retries included) asks the pacer first, a 429 is reported to it instead of slept
// out by the client, and a pacer that refuses leaves the request unsent.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHighLevelSimulator } from '../../../test/mocks/highlevel';
import type { CrmRequestPacer } from '../types';
import { upsertContactResponseSchema } from './highlevel-api';
import { createHighLevelClient, HIGHLEVEL_RATES } from './highlevel-client';

const sim = createHighLevelSimulator({ clientId: 'c', clientSecret: 's' });
const server = setupServer(...sim.handlers);
const LOC = sim.state.config.locationId;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  sim.faults.clear();
  sim.state.requests.length = 0;
});
afterAll(() => server.close());

function recordingPacer(refuseAfter = Infinity) {
  const calls: { lanes: readonly string[]; write: boolean }[] = [];
  const pauses: { lanes: readonly string[]; waitMs: number }[] = [];
  const pacer: CrmRequestPacer = {
    async beforeRequest(request) {
      if (calls.length >= refuseAfter) throw new Error('paced: come back later');
      calls.push(request);
    },
    async rateLimited(lanes, waitMs) {
      pauses.push({ lanes, waitMs });
    },
  };
  return { pacer, calls, pauses };
}

function client(pacer: CrmRequestPacer) {
  const sleeps: number[] = [];
  const tokens = sim.seedTokens();
  const c = createHighLevelClient({
    tokenSource: { get: async () => tokens.accessToken, refresh: async () => tokens.accessToken },
    sleep: async (ms) => void sleeps.push(ms),
    pacer,
  });
  return { client: c, sleeps };
}

const upsert = {
  method: 'POST' as const,
  path: '/contacts/upsert',
  body: { locationId: LOC, phone: '+15550002222' },
  schema: upsertContactResponseSchema,
};

describe('HighLevel client pacing hook', () => {
  it('the documented burst fits the window: burst + 10 s of refill stays under 100 requests', () => {
    const { ratePerSecond, burst } = HIGHLEVEL_RATES.location;
    expect(burst + ratePerSecond * 10).toBeLessThanOrEqual(100);
  });

  it('asks the pacer before every request, retries included, and reports a 429 instead of sleeping', async () => {
    const { pacer, calls, pauses } = recordingPacer();
    const { client: c, sleeps } = client(pacer);
    sim.faults.add({
      status: 429,
      headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Interval-Milliseconds': '4000' },
    });
    await expect(c.request(upsert)).resolves.toMatchObject({ contact: { phone: '+15550002222' } });
    expect(calls).toEqual([
      { lanes: ['location'], write: true },
      { lanes: ['location'], write: true },
    ]);
    expect(pauses).toEqual([{ lanes: ['location'], waitMs: 4000 }]);
    expect(sleeps).toEqual([]);
    expect(sim.state.contacts.size).toBe(1);
  });

  it('a pacer that refuses leaves the request unsent and its error reaches the caller', async () => {
    const { pacer } = recordingPacer(0);
    const { client: c } = client(pacer);
    await expect(c.request(upsert)).rejects.toThrow('paced: come back later');
    expect(sim.state.requests).toHaveLength(0);
  });
});
