// Pipedrive as the app sees it (CrmModule): notes on persons (and deals), paced per company, on its api_domain.
import { requireSecret } from '../../../src/config';
import type { CrmModule } from '../crm-module';
import { createPipedriveAdapter } from './pipedrive-adapter';
import { PIPEDRIVE_RATES } from './pipedrive-client';
import { pipedriveInstall } from './pipedrive-install';
import { pipedriveClientOf } from './pipedrive-client-of';
import { refreshPipedriveToken } from './pipedrive-oauth';
import { pipedrivePanel } from './pipedrive-panel';
import { pipedriveSession } from './pipedrive-session';

export const pipedriveModule: CrmModule = {
  name: 'pipedrive',
  label: 'Pipedrive',
  rates: PIPEDRIVE_RATES,
  paceKey: (installation) => `crm:pipedrive:${installation.companyId ?? installation.id}`,
  configKeys: {
    secrets: {
      PIPEDRIVE_CLIENT_ID: { required: true },
      PIPEDRIVE_CLIENT_SECRET: { required: true },
      PIPEDRIVE_JWT_SECRET: { required: false },
    },
    baseUrls: { pipedriveOAuth: 'PIPEDRIVE_OAUTH_BASE_URL' },
  },
  refreshTokens: ({ config, now }, _installation, refreshToken) =>
    refreshPipedriveToken({
      oauthBaseUrl: config.PIPEDRIVE_OAUTH_BASE_URL,
      clientId: requireSecret(config, 'PIPEDRIVE_CLIENT_ID'),
      clientSecret: requireSecret(config, 'PIPEDRIVE_CLIENT_SECRET'),
      refreshToken,
      now,
    }),
  createAdapter: (env, { installation, tokenSource, pacer }) =>
    createPipedriveAdapter({
      client: pipedriveClientOf(env, installation, tokenSource, { pacer }),
      createUnknownPersons: installation.settings.createUnknownPersons ?? true,
    }),
  // Uninstall is a DELETE on the OAuth callback URL (no app-event endpoint).
  install: pipedriveInstall,
  session: pipedriveSession,
  panel: pipedrivePanel,
  // Every company's own subdomain.
  frameAncestors: ['https://*.pipedrive.com'],
};
