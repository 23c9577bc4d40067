// An agency install's locations get their tokens minted from the agency's (POST /oauth/locationToken, no refresh token
// of their own): the CrmModule.linkedAccounts hook, against the HighLevel simulator.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config';
import { createHighLevelSimulator } from '../../../test/mocks/highlevel';
import { baseInstallation } from '../../../test/contract/crm-contract-suite';
import { highLevelLinkedLocations } from './highlevel-install';

const NOW = Date.UTC(2026, 11, 5, 3, 0, 0);
const sim = createHighLevelSimulator({ clientId: 'c', clientSecret: 's', now: () => NOW });
const server = setupServer(...sim.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const env = { config: parseConfig({}), now: () => NOW };
const agency = () =>
  baseInstallation({ crm: 'highlevel', accountId: sim.state.config.companyId, accountType: 'company' });

describe('HighLevel locations minted from the agency token', () => {
  it('gives the location its own grant under the agency, without a refresh token', async () => {
    const token = sim.seedTokens('Company').accessToken;
    const grant = await highLevelLinkedLocations.mintToken(env, {
      parent: agency(),
      accountId: 'loc-minted-1',
      parentTokens: { get: async () => token, refresh: async () => token },
    });
    expect(grant).toMatchObject({
      accountId: 'loc-minted-1',
      accountType: 'location',
      companyId: sim.state.config.companyId,
      tokens: { refreshToken: '' },
    });
    expect(grant.tokens.accessToken).toBeTruthy();
    expect(grant.tokenExpiresAt).toBeGreaterThan(NOW);
  });

  it('an agency token refused early (401) is refreshed once and the mint retried; a second refusal is the error', async () => {
    const fresh = sim.seedTokens('Company').accessToken;
    let refreshes = 0;
    const grant = await highLevelLinkedLocations.mintToken(env, {
      parent: agency(),
      accountId: 'loc-minted-2',
      parentTokens: { get: async () => 'revoked-agency-token', refresh: async () => (refreshes++, fresh) },
    });
    expect(refreshes).toBe(1);
    expect(grant.accountId).toBe('loc-minted-2');

    await expect(
      highLevelLinkedLocations.mintToken(env, {
        parent: agency(),
        accountId: 'loc-minted-3',
        parentTokens: { get: async () => 'revoked', refresh: async () => (refreshes++, 'still-revoked') },
      }),
    ).rejects.toMatchObject({ reason: 'auth' });
    expect(refreshes).toBe(2);
  });
});
