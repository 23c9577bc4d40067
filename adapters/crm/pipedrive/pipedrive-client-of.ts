// The one set-up of a Pipedrive client for an installation (record jobs, the session's user lookup, the panel).
import { AppError } from '../../../src/core/errors';
import type { Installation } from '../../../src/store/installations';
import type { CrmEnvironment } from '../crm-module';
import type { CrmRequestPacer, TokenSource } from '../types';
import { createPipedriveClient, type PipedriveClient } from './pipedrive-client';

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

/** The agent is waiting on the page: never sit out a long rate-limit window inline. */
export const PAGE_MAX_WAIT_MS = 2_000;
