// Test wiring for the Meta simulator: msw server (unhandled = error), spec validation of every exchange,
// a fresh simulator state per test, and an adapter pointed at the simulator's base URL.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { setupServer } from 'msw/node';
import { attachSpecValidation, formatViolations } from '../../spec/msw-validation';
import { createMetaAdapter } from '../../../adapters/providers/meta/meta-adapter';
import type { MetaAdapterOptions } from '../../../adapters/providers/meta/meta-adapter';
import type { MetaCredentials } from '../../../adapters/providers/meta/meta-credentials';
import { createMetaSimulator, META_SIM_DEFAULTS } from './meta-simulator';
import type { MetaSimulatorOptions } from './meta-simulator';

/** A base that is not Meta's host: proves the adapter takes its base URL from config. */
export const META_TEST_BASE = 'https://graph.simulator.test';
export const META_TEST_APP_SECRET = 'meta-test-app-secret';

export function metaTestCredentials(overrides: Partial<MetaCredentials> = {}): MetaCredentials {
  return {
    accessToken: META_SIM_DEFAULTS.accessToken,
    wabaId: META_SIM_DEFAULTS.wabaId,
    phoneNumberId: META_SIM_DEFAULTS.phoneNumberId,
    apiVersion: 'v23.0',
    ...overrides,
  };
}

/** Registers beforeAll/afterEach/afterAll hooks; call at the top of a test file. */
export function useMetaSimulator(options: MetaSimulatorOptions = {}) {
  const sim = createMetaSimulator({ baseUrl: META_TEST_BASE, ...options });
  const server = setupServer(...sim.handlers);
  // Graph error bodies are documented (GraphAPIError, patched onto sendMessage / message_templates in
  // test/spec/spec-patches.ts) for 400/401/403/404 and validated; other undocumented 4xx/5xx are let through.
  const validation = attachSpecValidation(server, {
    vendorBases: [{ baseUrl: META_TEST_BASE, spec: 'meta' }],
    allowUndocumentedStatus: (status) => status >= 400,
  });

  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  // Reset before each test (not after): a failing afterEach assertion must not leak state into the next test.
  beforeEach(() => {
    server.resetHandlers();
    sim.state.reset();
    sim.faults.clear();
  });
  afterAll(() => {
    validation.detach();
    server.close();
  });

  function adapter(overrides: Partial<MetaAdapterOptions> = {}) {
    return createMetaAdapter({
      credentials: metaTestCredentials(),
      http: { baseUrl: META_TEST_BASE, timeoutMs: 2_000 },
      appSecret: META_TEST_APP_SECRET,
      ...overrides,
    });
  }

  /** Every exchange so far validates against the Meta spec (its documented gaps are patched in test/spec/spec-patches.ts). */
  async function assertSpecValid() {
    await validation.settled();
    const violations = validation.violations();
    validation.reset();
    if (violations.length) throw new Error(`Meta spec violations:\n${formatViolations(violations)}`);
  }

  return { sim, server, validation, adapter, assertSpecValid };
}
