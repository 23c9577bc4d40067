// A CRM the app has never heard of, registered at run time through the CRM registry alone (no other file changed):
// it passes the CRM contract suite, and the services that pace and build CRM adapters take it from the registry
// (issue 13). Stored in D1 and carried through inbound → CRM → reply: test/integration/fake-vendors-flow.test.ts.
import { setupServer } from 'msw/node';
import * as z from 'zod/mini';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmModule } from '../../adapters/crm/crm-module';
import { CRM_MODULES, crmModule, isCrmName } from '../../adapters/crm/registry';
import type { CrmAdapter, CrmMessageRecord, CrmName } from '../../adapters/crm/types';
import { crmPaceKey } from '../../src/services/crm/crm-pacing';
import { baseInstallation, describeCrmContract } from './crm-contract-suite';

const FAKE = 'fakecrm' as CrmName;

/** An in-memory CRM: one note per message, keyed by our message id (so a retry finds it). */
function fakeCrm() {
  const notes = new Map<string, { id: string; contactId: string; text: string; status: string }>();
  let next = 1;
  const adapter: CrmAdapter = {
    crm: FAKE,
    async recordMessage(record: CrmMessageRecord) {
      const existing = notes.get(record.messageId);
      if (existing) return { crmMessageId: existing.id, crmContactId: existing.contactId };
      const note = {
        id: `note_${next++}`,
        contactId: `person_${record.customerPhone}`,
        text: record.text,
        status: record.status,
      };
      notes.set(record.messageId, note);
      return { crmMessageId: note.id, crmContactId: note.contactId };
    },
    async recordStatus(record) {
      const note = notes.get(record.messageId);
      if (!note) throw new Error('not recorded');
      note.status = record.status;
    },
    async recordChange(record) {
      const note = notes.get(record.messageId)!;
      note.text = record.text;
      return { crmMessageId: note.id };
    },
  };
  const module: CrmModule = {
    name: FAKE,
    label: 'Fake CRM',
    rates: { account: { ratePerSecond: 5, burst: 5 } },
    paceKey: (installation) => `crm:${FAKE}:${installation.accountId}`,
    configKeys: { secrets: {}, baseUrls: { fakeCrm: 'APP_BASE_URL' } },
    refreshTokens: async () => ({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.UTC(2030, 0, 1) }),
    createAdapter: () => adapter,
    // Installs and sessions through the same hooks: test/integration/fake-vendors-flow.test.ts.
    install: {
      authorizeUrl: (_env, { redirectUri, state }) =>
        `https://fake-crm.test/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state })}`,
      complete: async () => {
        throw new Error('not installed in this test');
      },
    },
    session: {
      body: z.object({ crm: z.literal(FAKE) }),
      identify: async () => {
        throw new Error('no session in this test');
      },
      admit: async () => ({ role: 'agent' }),
    },
  };
  return { module, notes };
}

const fake = fakeCrm();
(CRM_MODULES as Record<string, CrmModule>)[FAKE] = fake.module;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  delete (CRM_MODULES as Record<string, CrmModule>)[FAKE];
});

describe('a CRM registered through the registry alone', () => {
  it('is found by name and paced under its own key by the services', () => {
    expect(isCrmName(FAKE)).toBe(true);
    expect(crmModule(FAKE)).toBe(fake.module);
    expect(crmPaceKey(baseInstallation({ crm: FAKE, accountId: 'acct-9' }))).toBe(`crm:${FAKE}:acct-9`);
  });
});

describeCrmContract(
  crmModule(FAKE),
  {
    reset: () => [],
    installation: () => baseInstallation({ crm: FAKE, accountId: 'acct-1' }),
    tokenSource: () => ({ get: async () => 't', refresh: async () => 't' }),
    vars: {},
    recordsOf: (record) => (fake.notes.has(record.messageId) ? 1 : 0),
  },
  server,
);
