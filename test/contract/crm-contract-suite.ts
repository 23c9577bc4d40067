// The CRM contract (issue 13) as a reusable suite: what every CrmModule must do, run by crm-contract.test.ts over the
// registry and by fake-vendors.test.ts over a CRM registered at run time.
import type { HttpHandler } from 'msw';
import type { SetupServer } from 'msw/node';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CrmModule } from '../../adapters/crm/crm-module';
import type { CrmDeliveryResult, CrmMessageRecord, TokenSource } from '../../adapters/crm/types';
import * as z from 'zod/mini';
import { parseConfig } from '../../src/config';
import { TEST_SECRETS } from '../helpers/platform';
import type { Installation } from '../../src/store/installations';
import { createHighLevelSimulator } from '../mocks/highlevel';

export interface CrmContractFixture {
  /** Fresh simulator; its handlers. */
  reset(): HttpHandler[];
  installation(): Installation;
  tokenSource(): TokenSource;
  /** Vars the module reads (its simulator's base URLs and ids). */
  vars: Record<string, string>;
  /** How many records of this message the CRM holds (a retry must never make it 2). */
  recordsOf(record: CrmMessageRecord, result: CrmDeliveryResult): number;
}

export const AT = Date.UTC(2026, 2, 1, 9, 30, 0);

/** A fresh HighLevel simulator for the contract suites, answering as conversation provider `providerId`. */
export const contractHighLevel = (providerId: string) =>
  createHighLevelSimulator({ clientId: 'c', clientSecret: 's', conversationProviderId: providerId });

export const baseInstallation = (over: Partial<Installation>): Installation => ({
  id: 'inst_contract',
  crm: 'highlevel',
  accountId: 'acct',
  accountType: 'location',
  companyId: null,
  name: null,
  apiDomain: null,
  tokenExpiresAt: null,
  tokenVersion: 1,
  scopes: [],
  status: 'active',
  settings: {},
  hasTokens: true,
  createdAt: AT,
  ...over,
});

let n = 0;
function inbound(over: Partial<CrmMessageRecord> = {}): CrmMessageRecord {
  n++;
  return {
    messageId: `msg_contract_${n}`,
    direction: 'inbound',
    customerPhone: `+3725551${String(n).padStart(4, '0')}`,
    customerName: 'Mari Maasikas',
    text: 'Is the order ready?',
    attachments: [],
    providerMessageId: `wamid.contract.${n}`,
    occurredAt: AT,
    status: 'delivered',
    origin: 'customer',
    senderPhone: '+3726000000',
    ...over,
  };
}

export function describeCrmContract(
  module: CrmModule,
  fixture: CrmContractFixture,
  server: SetupServer,
): void {
  describe(`CRM contract: ${module.name}`, () => {
    const name = module.name;
    const config = parseConfig(fixture.vars);
    const env = { config, now: () => AT, sleep: async () => {} };
    const adapter = () =>
      module.createAdapter(env, {
        installation: fixture.installation(),
        connection: null,
        tokenSource: fixture.tokenSource(),
      });

    beforeEach(() => server.resetHandlers(...fixture.reset()));

    it('declares its pacing: positive rates, a key per account, config keys that exist', () => {
      const lanes = Object.values(module.rates);
      expect(lanes.length).toBeGreaterThan(0);
      for (const rate of lanes) {
        expect(rate.ratePerSecond).toBeGreaterThan(0);
        expect(rate.burst).toBeGreaterThanOrEqual(1);
      }
      const one = module.paceKey(baseInstallation({ crm: name, accountId: 'a1', companyId: 'c1', id: 'i1' }));
      const other = module.paceKey(
        baseInstallation({ crm: name, accountId: 'a2', companyId: 'c2', id: 'i2' }),
      );
      expect(one).toMatch(new RegExp(`^crm:${name}:`));
      expect(one).not.toBe(other);
      for (const key of Object.values(module.configKeys.baseUrls))
        expect(String(config[key])).toMatch(/^https?:\/\//);
    });

    it('install: the authorize URL carries our single-use state and our callback URL', () => {
      const withSecrets = { ...env, config: parseConfig({ ...TEST_SECRETS, ...fixture.vars }) };
      const redirectUri = `https://app.example/oauth/${name}/callback`;
      const url = new URL(
        module.install.authorizeUrl(withSecrets, { redirectUri, state: 'state-0123456789' }),
      );
      expect(url.protocol).toBe('https:');
      expect(url.searchParams.get('state')).toBe('state-0123456789');
      expect(url.searchParams.get('redirect_uri')).toBe(redirectUri);
      // The origins that embed our pages are https hosts (a wildcard subdomain at most), never a bare `*`.
      for (const origin of module.frameAncestors ?? [])
        expect(origin).toMatch(/^https:\/\/(\*\.)?[a-z0-9.-]+$/);
    });

    it('session: its POST /api/session body is told apart by `crm` (another name is refused on that field)', () => {
      const other = z.safeParse(module.session.body, { crm: `not-${name}` });
      expect(other.success).toBe(false);
      expect(other.error?.issues.map((issue) => issue.path.join('.'))).toContain('crm');
    });

    it('inbound: every endpoint refuses an unsigned call (401) before claiming anything', async () => {
      const claimed: string[] = [];
      const once = { claim: async (key: string) => (claimed.push(key), true), release: async () => {} };
      const withSecrets = { ...env, config: parseConfig({ ...TEST_SECRETS, ...fixture.vars }) };
      for (const endpoint of Object.values(module.inbound ?? {})) {
        const call = {
          rawBody: '{"type":"INSTALL"}',
          headers: new Headers({ 'content-type': 'application/json' }),
        };
        await expect(endpoint.verify(withSecrets, call, once)).rejects.toMatchObject({
          code: 'unauthorized',
        });
      }
      expect(claimed).toEqual([]);
    });

    it('records a customer message once, with the CRM ids to find it again', async () => {
      const record = inbound();
      const result = await adapter().recordMessage(record);
      expect(result.crmMessageId).toBeTruthy();
      expect(result.crmContactId).toBeTruthy();
      expect(fixture.recordsOf(record, result)).toBe(1);
    });

    it('a retry after a lost answer looks first and never writes twice', async () => {
      const record = inbound();
      const first = await adapter().recordMessage(record);
      const again = await adapter().recordMessage({ ...record, crmWriteUncertainSince: AT });
      expect(again.crmMessageId).toBe(first.crmMessageId);
      expect(fixture.recordsOf(record, first)).toBe(1);
    });

    it('reflects a later status and a customer edit of the recorded message', async () => {
      const record = inbound();
      const result = await adapter().recordMessage(record);
      const recorded = { ...record, ...result, status: 'read' as const };
      await expect(adapter().recordStatus(recorded)).resolves.toBeUndefined();
      const change = await adapter().recordChange(
        { ...recorded, text: 'Is the order ready now?', editedAt: AT + 60_000 },
        { id: `chg_${record.messageId}`, kind: 'edited', occurredAt: AT + 60_000 },
      );
      expect(change).toBeTypeOf('object');
    });
  });
}
