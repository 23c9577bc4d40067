// The msw-over-HTTP bridge local mode relies on: vendor paths answered by the same handlers as in tests,
// unknown paths a JSON 404, injected network errors a dropped connection, /_sim/ routed to the control hook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer } from './http-server';
import type { SimulatorServer } from './http-server';
import { createVendorSimulators, localVendorBases } from './index';
import type { VendorSimulators } from './index';
import { freePort } from '../../scripts/local-mode/wrangler';

let server: SimulatorServer;
let sims: VendorSimulators;

beforeAll(async () => {
  const port = await freePort();
  sims = createVendorSimulators({ bases: localVendorBases(`http://127.0.0.1:${port}`) });
  server = await startSimulatorServer({
    handlers: sims.handlers,
    port,
    control: async (request) =>
      new URL(request.url).pathname === '/_sim/ping'
        ? Response.json({ pong: await request.text() })
        : undefined,
  });
});
afterAll(() => server?.close());

describe('simulator HTTP server', () => {
  it('answers a vendor request with the simulator, over loopback', async () => {
    sims.meta.state.seedTemplates(3);
    const res = await fetch(`${sims.bases.meta}/v23.0/${sims.meta.config.wabaId}/message_templates?limit=2`, {
      headers: { authorization: `Bearer ${sims.meta.config.accessToken}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: unknown[]; paging: { next?: string } };
    expect(body.data).toHaveLength(2);
    expect(body.paging.next).toContain(`${server.origin}/meta/`);
  });

  it('passes request bodies and vendor errors through', async () => {
    const res = await fetch(`${sims.bases.twilio}/2010-04-01/Accounts/${sims.twilio.state.accountSid}.json`, {
      headers: { authorization: `Basic ${btoa('AC00000000000000000000000000000000:wrong')}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: number }).code).toBe(20003);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await fetch(`${server.origin}/nowhere`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('drops the connection for an injected network error', async () => {
    sims.faults.cm.add({ networkError: true });
    await expect(fetch(`${sims.bases.cm}/v1.0/message`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('routes /_sim/ to the control hook', async () => {
    const res = await fetch(`${server.origin}/_sim/ping`, { method: 'POST', body: 'hi' });
    expect(await res.json()).toEqual({ pong: 'hi' });
  });
});
