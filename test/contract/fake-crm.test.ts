// A CRM the app has never heard of (fake-crm.fixture.ts), registered at run time through the CRM registry alone (no
// other file changed): it passes both CRM contract suites, and the services that pace and build CRM adapters take it
// from the registry (issue 13). Stored in D1 and carried through install → inbound → CRM → reply → uninstall:
// test/integration/fake-vendors-flow.test.ts; its Delivery URL and workflows: fake-crm-inbound.test.ts.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmModule, isCrmName } from '../../adapters/crm/registry';
import { crmPaceKey } from '../../src/services/crm/crm-pacing';
import { baseInstallation, describeCrmContract } from './crm-contract-suite';
import { describeCrmInboundContract } from './crm-inbound-contract-suite';
import {
  FAKE_CRM as FAKE,
  fakeCrmContractFixture,
  fakeCrmInboundFixture,
  fakeCrmModule,
  registerFakeCrm,
} from './fake-crm.fixture';

const unregister = registerFakeCrm();

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  unregister();
});

describe('a CRM registered through the registry alone', () => {
  it('is found by name and paced under its own key by the services', () => {
    expect(isCrmName(FAKE)).toBe(true);
    expect(crmModule(FAKE)).toBe(fakeCrmModule);
    expect(crmPaceKey(baseInstallation({ crm: FAKE, accountId: 'acct-9' }))).toBe(`crm:${FAKE}:acct-9`);
  });
});

describeCrmContract(crmModule(FAKE), fakeCrmContractFixture, server);
describeCrmInboundContract(crmModule(FAKE), fakeCrmInboundFixture, server);
