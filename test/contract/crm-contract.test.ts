// The CRM contract (issue 13): every CrmModule of the registry, built through the registry alone (createAdapter with
// the app's configuration), against its simulator. The fixtures are a Record<CrmName, …>: a CRM added to the
// registry without one does not compile. Like test/contract/provider-contract.test.ts for providers.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_MODULES, isCrmName } from '../../adapters/crm/registry';
import type { CrmName } from '../../adapters/crm/types';
import type { HighLevelSimulator } from '../mocks/highlevel';
import { createPipedriveSimulator } from '../mocks/pipedrive/simulator';
import {
  baseInstallation,
  contractHighLevel,
  describeCrmContract,
  type CrmContractFixture,
} from './crm-contract-suite';

let highLevel: HighLevelSimulator;
let pipedrive: ReturnType<typeof createPipedriveSimulator>;
const PROVIDER_ID = 'prov-contract';
const PIPEDRIVE_API = 'https://acme.pipedrive.com';

const FIXTURES: Record<CrmName, CrmContractFixture> = {
  highlevel: {
    reset() {
      highLevel = contractHighLevel(PROVIDER_ID);
      return highLevel.handlers;
    },
    installation: () =>
      baseInstallation({ crm: 'highlevel', accountId: highLevel.state.config.locationId, settings: {} }),
    tokenSource() {
      const token = highLevel.seedTokens().accessToken;
      return { get: async () => token, refresh: async () => token };
    },
    vars: { HIGHLEVEL_CONVERSATION_PROVIDER_ID: PROVIDER_ID },
    recordsOf: (record) => highLevel.state.countByAltId(record.providerMessageId ?? record.messageId),
  },
  pipedrive: {
    reset() {
      pipedrive = createPipedriveSimulator({
        clientId: 'cid',
        clientSecret: 'pd-test-client-secret-0123456789',
        companyId: 54235233,
        apiDomain: PIPEDRIVE_API,
        oauthBaseUrl: 'https://oauth.pipedrive.com',
      });
      return pipedrive.handlers;
    },
    installation: () =>
      baseInstallation({
        crm: 'pipedrive',
        accountId: '54235233',
        companyId: '54235233',
        apiDomain: PIPEDRIVE_API,
      }),
    tokenSource() {
      const token = pipedrive.issueTokens().accessToken;
      return { get: async () => token, refresh: async () => token };
    },
    vars: {},
    recordsOf: (_record, result) =>
      pipedrive.state.notesFor({ personId: Number(result.crmContactId) }).length,
  },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('the CRM registry', () => {
  it('lists every CRM once, under its own name', () => {
    for (const [name, module] of Object.entries(CRM_MODULES)) {
      expect(module.name).toBe(name);
      expect(isCrmName(name)).toBe(true);
    }
    expect(isCrmName('salesforce')).toBe(false);
  });
});

for (const module of Object.values(CRM_MODULES)) describeCrmContract(module, FIXTURES[module.name], server);
