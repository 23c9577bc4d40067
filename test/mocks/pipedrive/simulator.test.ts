import { describe, expect, it } from 'vitest';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, usePipedriveSimulator } from './harness';

const API = 'https://acme.pipedrive.com';
const OAUTH = 'https://oauth.pipedrive.com';
let clock = Date.UTC(2026, 2, 1);

describe('Pipedrive simulator', () => {
  const ctx = usePipedriveSimulator({ now: () => clock, burstLimit: 3 });
  const basic = `Basic ${btoa(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`)}`;

  it('expires authorization codes after 5 minutes', async () => {
    const code = ctx.sim.issueAuthorizationCode('https://app.example/cb');
    clock += 5 * 60_000 + 1;
    const res = await fetch(`${OAUTH}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example/cb',
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('expires access tokens after their lifetime (401 with the spec error body)', async () => {
    const { accessToken } = ctx.sim.issueTokens();
    clock += 3600 * 1000;
    const res = await fetch(`${API}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ success: false, error: 'unauthorized access', errorCode: 401 });
  });

  it('reports rate-limit headers and enforces the burst limit per 2 s window', async () => {
    const { accessToken } = ctx.sim.issueTokens();
    const get = () =>
      fetch(`${API}/api/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await get();
      statuses.push(r.status);
      remaining.push(r.headers.get('x-ratelimit-remaining'));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
    clock += 2000;
    expect((await get()).status).toBe(200);
  });

  it('counts created and updated notes so duplicates are visible', async () => {
    const { accessToken } = ctx.sim.issueTokens();
    const p = ctx.sim.seedPerson({ name: 'A' });
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${API}/api/v1/notes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: 'one', person_id: p.id }),
    });
    const { data } = (await created.json()) as { data: { id: number } };
    await fetch(`${API}/api/v1/notes/${data.id}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ content: 'two' }),
    });
    expect(ctx.sim.state.counters).toMatchObject({ notesCreated: 1, notesUpdated: 1 });
    expect(ctx.sim.state.notes.get(data.id)?.history).toEqual(['one', 'two']);
  });

  it('"store then fail" faults let the handler act, then replace its answer', async () => {
    const { accessToken } = ctx.sim.issueTokens();
    const p = ctx.sim.seedPerson({ name: 'A' });
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    ctx.sim.faults.add({ afterHandler: true, status: 502, match: (r) => r.method === 'POST' });
    const res = await fetch(`${API}/api/v1/notes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: 'kept', person_id: p.id }),
    });
    expect(res.status).toBe(502);
    const list = await fetch(`${API}/api/v1/notes?person_id=${p.id}&sort=add_time%20DESC&limit=5`, {
      headers,
    });
    expect(await list.json()).toMatchObject({
      success: true,
      data: [{ content: 'kept', person_id: p.id }],
      additional_data: { pagination: { start: 0, limit: 5, more_items_in_collection: false } },
    });
    expect(ctx.sim.state.counters).toMatchObject({ notesCreated: 1, noteLists: 1 });
  });
});
