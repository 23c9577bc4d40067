// Pipedrive as the app sees it (CrmModule): notes on persons (and deals), paced per company, on its api_domain.
import { requireSecret } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import type { Installation } from '../../../src/store/installations';
import type { CrmEnvironment, CrmModule } from '../crm-module';
import type { CrmRequestPacer, TokenSource } from '../types';
import { createPipedriveAdapter } from './pipedrive-adapter';
import { createPipedriveClient, PIPEDRIVE_RATES, type PipedriveClient } from './pipedrive-client';
import { refreshPipedriveToken } from './pipedrive-oauth';

/** The one set-up of a Pipedrive client for an installation (record jobs and the panel). */
export function pipedriveClientOf(
  { config, now, sleep }: CrmEnvironment,
  installation: Installation,
  tokenSource: TokenSource,
  options: { pacer?: CrmRequestPacer; maxWaitMs?: number } = {},
): PipedriveClient {
  if (!installation.apiDomain) throw new AppError('crm_error', 'Pipedrive installation has no api_domain');
  return createPipedriveClient({
    apiDomain: installation.apiDomain,
    tokenSource,
    sleep,
    now,
    timeoutMs: config.CRM_TIMEOUT_MS,
    ...options,
  });
}

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
};
