// Issue 12 item 7: one configured Graph API version, a current default, honoured by every request and by the
// simulator, which refuses versions Graph does not know or no longer serves.
import { describe, expect, it } from 'vitest';
import { graphVersionState, GRAPH_API_VERSIONS } from '../../../adapters/providers/meta/graph-api-versions';
import { ProviderError } from '../../../src/core/errors';
import { parseConfig } from '../../../src/config';
import type { AppContext } from '../../../src/context';
import { providerAdapterFromCredentials } from '../../../src/services/relay/providers';
import { META_TEST_BASE, metaTestCredentials, useMetaSimulator } from './harness';
import { META_SIM_DEFAULTS } from './meta-simulator';

const { sim, server, adapter, assertSpecValid } = useMetaSimulator();
const auth = { authorization: `Bearer ${META_SIM_DEFAULTS.accessToken}` };
const DEC_2026 = Date.UTC(2026, 11, 4);

describe('Graph API version (issue 12 item 7)', () => {
  it('defaults to the newest version in Meta’s changelog, which has not expired', () => {
    const config = parseConfig({});
    expect(config.META_GRAPH_API_VERSION).toBe('v27.0');
    expect(GRAPH_API_VERSIONS[0]!.version).toBe('v27.0');
    expect(graphVersionState(config.META_GRAPH_API_VERSION, DEC_2026)).toBe('usable');
    expect(() => parseConfig({ META_GRAPH_API_VERSION: '27' })).toThrow();
  });

  it('knows expiry: v20.0 expired on 2026-09-24, v21.0 serves until 2027-01-21', () => {
    expect(graphVersionState('v20.0', DEC_2026)).toBe('expired');
    expect(graphVersionState('v20.0', Date.UTC(2026, 8, 23))).toBe('usable');
    expect(graphVersionState('v21.0', DEC_2026)).toBe('usable');
    expect(graphVersionState('v21.0', Date.UTC(2027, 0, 21))).toBe('expired');
    expect(graphVersionState('v99.0', DEC_2026)).toBe('unknown');
  });

  it('every request of the adapter carries the configured version, over the one stored in credentials', async () => {
    sim.state.seedTemplates(3);
    const seen: string[] = [];
    const meta = adapter({ apiVersion: 'v27.0' });
    const listener = ({ request }: { request: Request }) => {
      seen.push(new URL(request.url).pathname.split('/')[1]!);
    };
    // The credentials of harness connections say v23.0: the configured version wins.
    server.events.on('request:start', listener);
    try {
      for await (const page of meta.listTemplates()) expect(page.length).toBeGreaterThan(0);
      await meta.send({ reference: 'r1', to: '+16505551234', content: { type: 'text', text: 'hi' } });
      await meta.testCredentials();
    } finally {
      server.events.removeListener('request:start', listener);
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen)).toEqual(new Set(['v27.0']));
    await assertSpecValid();
  });

  it('the simulator refuses an expired or unknown version like Graph, and the adapter reports it', async () => {
    for (const version of ['v20.0', 'v99.0']) {
      const res = await fetch(`${META_TEST_BASE}/${version}/${META_SIM_DEFAULTS.phoneNumberId}`, {
        headers: auth,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 100, type: 'GraphMethodException' } });
    }
    const error = await adapter({ apiVersion: 'v20.0' })
      .send({ reference: 'r2', to: '+16505551234', content: { type: 'text', text: 'hi' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(sim.state.sent).toHaveLength(0);
    await assertSpecValid();
  });

  it('the app builds every Meta adapter with META_GRAPH_API_VERSION', async () => {
    const config = parseConfig({ META_GRAPH_BASE_URL: META_TEST_BASE, META_GRAPH_API_VERSION: 'v26.0' });
    const ctx = { config, now: () => Date.now() } as unknown as AppContext;
    const seen: string[] = [];
    const listener = ({ request }: { request: Request }) => {
      seen.push(new URL(request.url).pathname.split('/')[1]!);
    };
    server.events.on('request:start', listener);
    try {
      const meta = providerAdapterFromCredentials(ctx, 'meta', metaTestCredentials({ apiVersion: 'v23.0' }));
      await meta.send({ reference: 'r3', to: '+16505551234', content: { type: 'text', text: 'hi' } });
    } finally {
      server.events.removeListener('request:start', listener);
    }
    expect(seen).toEqual(['v26.0']);
    await assertSpecValid();
  });
});
