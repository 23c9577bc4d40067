// One contract, every provider of the registry (issue 3; over the registry since issue 13): each ProviderModule and
// its adapter behave the same against the vendor's simulator — the suite is provider-contract-suite.ts, and every
// request it sends validates against the vendor's OpenAPI file (CM.com publishes none). The fixtures are a
// Record<ProviderName, …>: a provider added to the registry without one does not compile. A provider registered at
// run time passes the same suite: fake-provider.test.ts.
import { describe, expect, it } from 'vitest';
import { PROVIDER_MODULES } from '../../adapters/providers/registry';
import type { ProviderName } from '../../src/core/template';
import { cmFixture } from './cm.fixture';
import { metaFixture } from './meta.fixture';
import { describeProviderContract } from './provider-contract-suite';
import type { ProviderContractFixture } from './provider-fixture';
import { twilioFixture } from './twilio.fixture';

const FIXTURES: Record<ProviderName, ProviderContractFixture> = {
  meta: metaFixture,
  twilio: twilioFixture,
  cm: cmFixture,
};

describe('the provider registry', () => {
  it('has a contract fixture for every module', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(Object.keys(PROVIDER_MODULES).sort());
  });
});

for (const module of Object.values(PROVIDER_MODULES)) describeProviderContract(module, FIXTURES[module.name]);
