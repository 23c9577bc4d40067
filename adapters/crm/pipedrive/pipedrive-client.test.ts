import { describe, expect, it } from 'vitest';
import { HttpResponse, http } from 'msw';
import { usePipedriveSimulator } from '../../../test/mocks/pipedrive/harness';
import { createPipedriveClient, parseRateLimitReset } from './pipedrive-client';
import { VendorHttpError } from '../../shared/vendor-http-error';

const API = 'https://acme.pipedrive.com';
const fault = { 'x-mock-fault': '1' };
const isNotes = (r: Request) => new URL(r.url).pathname === '/api/v1/notes';
const isPerson = (r: Request) => /\/api\/v2\/persons\/\d+$/.test(new URL(r.url).pathname);

describe('Pipedrive client', () => {
  const ctx = usePipedriveSimulator();

  function setup(opts: { maxRetries?: number; maxWaitMs?: number } = {}) {
    const sleeps: number[] = [];
    const tokenSource = ctx.tokenSource();
    const client = createPipedriveClient({
      apiDomain: API,
      tokenSource,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...opts,
    });
    return { client, sleeps, tokenSource };
  }

  async function failure(p: Promise<unknown>): Promise<VendorHttpError> {
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorHttpError);
    return err as VendorHttpError;
  }

  it('reads persons, deals and the current user through v2 / v1', async () => {
    const { client } = setup();
    const p = ctx.sim.seedPerson({ name: 'Jane Doe', phones: ['+372 5555 5555'] });
    const d = ctx.sim.seedDeal({ title: 'Big deal', personId: p.id });
    expect(await client.getPerson(p.id)).toMatchObject({
      id: p.id,
      name: 'Jane Doe',
      phones: [{ value: '+372 5555 5555', primary: true }],
    });
    expect(await client.getDeal(d.id)).toMatchObject({ id: d.id, person_id: p.id });
    expect(await client.searchPersonsByPhone('+37255555555')).toMatchObject([
      { id: p.id, phones: ['+372 5555 5555'] },
    ]);
    expect((await client.getCurrentUser()).company_id).toBe(54235233);
    expect(await client.getPerson(999)).toBeNull();
  });

  it('on 401 refreshes the token once and retries', async () => {
    const { client, tokenSource } = setup();
    const p = ctx.sim.seedPerson({ name: 'A', phones: ['+1 415 555 0100'] });
    ctx.sim.expireAccessTokens();
    expect((await client.getPerson(p.id))?.id).toBe(p.id);
    expect(tokenSource.refreshes).toBe(1);
    expect(ctx.sim.state.counters.tokenRefreshes).toBe(1);
    expect(ctx.sim.state.counters.unauthorized).toBe(1);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    const { client, tokenSource } = setup();
    ctx.sim.faults.add({
      match: isPerson,
      status: 401,
      times: 2,
      body: { success: false, error: 'unauthorized access', errorCode: 401 },
    });
    const err = await failure(client.getPerson(1));
    expect(err.httpStatus).toBe(401);
    expect(err.retryable).toBe(false);
    expect(tokenSource.refreshes).toBe(1);
  });

  it('waits Retry-After on 429, then succeeds (POST included: a 429 did nothing)', async () => {
    const { client, sleeps } = setup();
    const p = ctx.sim.seedPerson({ name: 'A' });
    ctx.sim.faults.add({ match: isNotes, status: 429, headers: { ...fault, 'retry-after': '2' } });
    const note = await client.createNote({ content: 'hi', person_id: p.id });
    expect(sleeps).toEqual([2000]);
    expect(ctx.sim.state.notes.get(note.id)?.content).toBe('hi');
    expect(ctx.sim.state.counters.notesCreated).toBe(1);
  });

  it('falls back to x-ratelimit-reset on a 429 without Retry-After', async () => {
    const { client, sleeps } = setup();
    ctx.sim.faults.add({
      match: isPerson,
      status: 429,
      headers: { ...fault, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
    });
    ctx.sim.seedPerson({ name: 'A' });
    expect((await client.getPerson(1))?.id).toBe(1);
    expect(sleeps).toEqual([1000]);
  });

  it('surfaces a long Retry-After (daily budget exhausted) as a retryable error without waiting', async () => {
    const { client, sleeps } = setup();
    ctx.sim.faults.add({ match: isPerson, status: 429, headers: { ...fault, 'retry-after': '3600' } });
    const err = await failure(client.getPerson(1));
    expect(err.retryable).toBe(true);
    expect(err.info.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
  });

  it('pauses before the next call when x-ratelimit-remaining hits 0', async () => {
    const { client, sleeps } = setup();
    ctx.sim.seedPerson({ name: 'A' });
    ctx.server.use(
      http.get(`${API}/api/v2/persons/:id`, ({ request }) => {
        if (!request.headers.get('authorization')?.startsWith('Bearer '))
          return new HttpResponse(null, { status: 401 });
        return HttpResponse.json(
          { success: true, data: { id: 1, name: 'A', phones: [] } },
          { headers: { 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' } },
        );
      }),
    );
    await client.getPerson(1);
    expect(sleeps).toEqual([]);
    await client.getPerson(1);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1500);
    expect(sleeps[0]).toBeLessThanOrEqual(2000);
  });

  it('retries a 5xx GET with backoff, then classifies a persistent 5xx as retryable', async () => {
    const { client, sleeps } = setup({ maxRetries: 2 });
    ctx.sim.seedPerson({ name: 'A' });
    ctx.sim.faults.add({ match: isPerson, status: 502 });
    expect((await client.getPerson(1))?.id).toBe(1);
    expect(sleeps).toEqual([500]);
    ctx.sim.faults.add({ match: isPerson, status: 503, times: 3 });
    const err = await failure(client.getPerson(1));
    expect(err.retryable).toBe(true);
    expect(err.httpStatus).toBe(503);
    expect(err.code).toBe('crm_error');
  });

  it('does not repeat a POST after a 5xx (the note may exist): retryable, outcome unknown', async () => {
    const { client, sleeps } = setup();
    const p = ctx.sim.seedPerson({ name: 'A' });
    ctx.sim.faults.add({ match: isNotes, status: 500 });
    const err = await failure(client.createNote({ content: 'x', person_id: p.id }));
    expect(err.retryable).toBe(true);
    expect(err.info.unknownOutcome).toBe(true);
    expect(sleeps).toEqual([]);
    expect(ctx.sim.faults.injected).toBe(1);
  });

  it('a POST whose connection was refused never reached Pipedrive; a timed-out one may have', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    const unreachable = createPipedriveClient({
      apiDomain: API,
      tokenSource: ctx.tokenSource(),
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: refused });
      },
    });
    const notSent = await failure(unreachable.createNote({ content: 'x', person_id: 1 }));
    expect(notSent.retryable).toBe(true);
    expect(notSent.info.unknownOutcome).toBe(false);

    const p = ctx.sim.seedPerson({ name: 'A' });
    const slow = createPipedriveClient({ apiDomain: API, tokenSource: ctx.tokenSource(), timeoutMs: 50 });
    ctx.sim.faults.add({ match: isNotes, afterHandler: true, delayMs: 300, status: 200 });
    const lost = await failure(slow.createNote({ content: 'x', person_id: p.id }));
    expect(lost.info.unknownOutcome).toBe(true);
    expect(ctx.sim.state.notesFor({ personId: p.id })).toHaveLength(1); // stored, answer lost
  });

  it("lists a person's or a deal's notes newest first, one page at a time", async () => {
    const { client } = setup();
    const p = ctx.sim.seedPerson({ name: 'A' });
    const d = ctx.sim.seedDeal({ title: 'D', personId: p.id });
    for (const content of ['one', 'two', 'three']) await client.createNote({ content, person_id: p.id });
    await client.createNote({ content: 'on deal', person_id: p.id, deal_id: d.id });
    ctx.sim.seedPerson({ name: 'B' });
    await client.createNote({ content: 'other person', person_id: 2 });

    const first = await client.listNotes({ personId: p.id, limit: 3 });
    expect(first.notes.map((n) => n.content)).toEqual(['on deal', 'three', 'two']);
    expect(first.nextStart).toBe(3);
    const last = await client.listNotes({ personId: p.id, start: first.nextStart, limit: 3 });
    expect(last.notes.map((n) => n.content)).toEqual(['one']);
    expect(last.nextStart).toBeUndefined();
    expect((await client.listNotes({ dealId: d.id, limit: 3 })).notes.map((n) => n.content)).toEqual([
      'on deal',
    ]);
  });

  it('retries a GET after a network error', async () => {
    const { client } = setup();
    ctx.sim.seedPerson({ name: 'A' });
    ctx.sim.faults.add({ match: isPerson, networkError: true });
    expect((await client.getPerson(1))?.id).toBe(1);
  });

  it('turns a malformed 200 into one clear, non-retryable error', async () => {
    const { client } = setup();
    ctx.sim.faults.add({
      match: isPerson,
      status: 200,
      headers: fault,
      body: { success: true, data: { name: 'no id' } },
    });
    const err = await failure(client.getPerson(1));
    expect(err.message).toMatch(/unexpected response .*data\.id/);
    expect(err.retryable).toBe(false);
  });

  it('reports a refused request with the vendor message', async () => {
    const { client } = setup();
    const err = await failure(client.createNote({ content: 'x', person_id: 12345 }));
    expect(err.httpStatus).toBe(400);
    expect(err.message).toMatch(/Person not found/);
    expect(err.retryable).toBe(false);
  });
});

describe('rate-limit header parsing', () => {
  it('parses x-ratelimit-reset seconds or epoch (Retry-After: adapters/shared/retry-after.test.ts)', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRateLimitReset('2', now)).toBe(2000);
    expect(parseRateLimitReset(String(now / 1000 + 4), now)).toBe(4000);
    expect(parseRateLimitReset(undefined, now)).toBeUndefined();
  });
});
