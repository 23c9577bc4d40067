// Seeds an installation with connections straight through the stores (no vendor calls), for API tests.
import type { Platform } from '../../src/context';
import { AppContext } from '../../src/context';
import { createSessionToken, type SessionClaims } from '../../src/security/session';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import { TEST_SECRETS } from './platform';

/** Credentials the vendor simulators accept by default are not needed here: nothing calls a vendor. */
export const SEED_CREDENTIALS = {
  meta: {
    accessToken: 'EAAG-seeded-meta-access-token-0001',
    wabaId: '102290129340398',
    phoneNumberId: '106540352242922',
    apiVersion: 'v23.0',
  },
  twilio: {
    accountSid: 'AC' + 'a'.repeat(32),
    authToken: 'seeded-twilio-auth-token-0001',
    from: '+14155238886',
  },
  cm: { productToken: '00000000-0000-4000-8000-000000000001', from: '+31201234567' },
} as const;

export interface Seeded {
  ctx: AppContext;
  installation: Installation;
  connections: Record<'meta' | 'twilio' | 'cm', Connection>;
  token(role?: 'admin' | 'agent'): Promise<string>;
}

export async function seedInstallation(
  platform: Platform & { trackSecret?: (value: string) => void },
  options: { crm?: 'highlevel' | 'pipedrive'; accountId?: string } = {},
): Promise<Seeded> {
  const ctx = new AppContext(platform);
  const { installations, connections } = await ctx.secretStores();
  const crm = options.crm ?? 'highlevel';
  const accountId = options.accountId ?? `loc-${Math.random().toString(36).slice(2, 10)}`;
  const installation = await installations.upsert(
    {
      crm,
      accountId,
      accountType: crm === 'highlevel' ? 'location' : 'company',
      companyId: 'company-1',
      apiDomain: crm === 'pipedrive' ? 'https://acme.pipedrive.com' : null,
      tokens: { accessToken: `crm-access-${accountId}`, refreshToken: `crm-refresh-${accountId}` },
      tokenExpiresAt: ctx.now() + 3_600_000,
      scopes: ['conversations.write'],
    },
    ctx.now(),
  );
  const suffix = accountId.replace(/\D/g, '').padEnd(4, '7').slice(0, 4);
  const meta = await connections.create(
    {
      installationId: installation.id,
      provider: 'meta',
      label: 'Meta',
      senderPhone: '+15550783881',
      routingKey: `10654035${suffix}`,
      providerAccountId: SEED_CREDENTIALS.meta.wabaId,
      credentials: { ...SEED_CREDENTIALS.meta, phoneNumberId: `10654035${suffix}` },
    },
    ctx.now(),
  );
  const twilio = await connections.create(
    {
      installationId: installation.id,
      provider: 'twilio',
      label: 'Twilio',
      senderPhone: `+1415523${suffix}`,
      routingKey: `+1415523${suffix}`,
      credentials: { ...SEED_CREDENTIALS.twilio, from: `+1415523${suffix}` },
    },
    ctx.now(),
  );
  const cm = await connections.create(
    {
      installationId: installation.id,
      provider: 'cm',
      label: 'CM.com',
      senderPhone: `+3120123${suffix}`,
      routingKey: `+3120123${suffix}`,
      credentials: { ...SEED_CREDENTIALS.cm, from: `+3120123${suffix}` },
      webhookToken: 'seeded-cm-webhook-token-0001',
    },
    ctx.now(),
  );
  return {
    ctx,
    installation,
    connections: { meta, twilio, cm },
    token: async (role = 'admin') => {
      const claims: SessionClaims = { installationId: installation.id, crm, role, userId: 'user-1' };
      return (await createSessionToken(TEST_SECRETS.SESSION_SECRET, claims, ctx.now())).token;
    },
  };
}
