// Test wiring for the Pipedrive simulator: msw server (unhandled = error), spec validation of every exchange,
// a fresh simulator per test, and a TokenSource that refreshes through the real OAuth code.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { setupServer } from 'msw/node';
import type { SetupServer } from 'msw/node';
import { attachSpecValidation } from '../../spec/msw-validation';
import type { SpecValidation, SpecViolation } from '../../spec/msw-validation';
import { validateRequest, validateResponse } from '../../spec/openapi';
import { refreshPipedriveToken } from '../../../adapters/crm/pipedrive/pipedrive-oauth';
import type { TokenSource } from '../../../adapters/crm/types';
import { createPipedriveSimulator } from './simulator';
import type { PipedriveSimulator, PipedriveSimulatorOptions } from './simulator';

export const TEST_CLIENT_ID = 'b4a1f3c2d9e8';
export const TEST_CLIENT_SECRET = 'pd-test-client-secret-0123456789';
export const TEST_COMPANY_ID = 54235233;

/**
 * Known defects of Pipedrive's own spec, reported instead of hidden (see README in adapters/crm/pipedrive):
 * addPerson (v2) marks `title` required (persons have no title; the docs require only `name`).
 */
export function isKnownSpecDefect(v: SpecViolation): boolean {
  return (
    v.phase === 'request' &&
    v.operation?.operationId === 'addPerson' &&
    v.errors.every((e) => /title/.test(e.message) || /title/.test(e.path))
  );
}

/**
 * The validator maps a spec to its document `servers` (`/v1`, `/api/v2`). Pipedrive's OAuth operations declare
 * their own per-operation server (https://oauth.pipedrive.com), which the validator does not read yet, so OAuth
 * exchanges are checked here by re-basing them onto the document server.
 */
function attachOAuthValidation(
  server: SetupServer,
  oauthBase: string,
  out: SpecViolation[],
  pending: Set<Promise<void>>,
) {
  server.events.on('response:mocked', ({ request, response }) => {
    if (!request.url.startsWith(`${oauthBase}/oauth/token`) || response.headers.has('x-mock-fault')) return;
    const url = `https://api.pipedrive.com/v1${request.url.slice(oauthBase.length)}`;
    const p = (async () => {
      const body = await request.clone().text();
      const req = validateRequest('pipedrive-v1', {
        method: 'POST',
        url,
        contentType: request.headers.get('content-type') ?? undefined,
        body,
      });
      if (!req.ok)
        out.push({
          spec: 'pipedrive-v1',
          phase: 'request',
          method: 'POST',
          url: request.url,
          errors: req.errors,
        });
      if (response.status === 200) {
        const res = validateResponse('pipedrive-v1', {
          method: 'POST',
          url,
          status: 200,
          contentType: response.headers.get('content-type') ?? undefined,
          body: await response.clone().text(),
        });
        if (!res.ok)
          out.push({
            spec: 'pipedrive-v1',
            phase: 'response',
            method: 'POST',
            url: request.url,
            status: 200,
            errors: res.errors,
          });
      }
    })().finally(() => pending.delete(p));
    pending.add(p);
  });
}

export interface PipedriveTestContext {
  readonly sim: PipedriveSimulator;
  readonly server: SetupServer;
  readonly validation: SpecValidation;
  /** A TokenSource for an installed app; `refreshes` counts refresh() calls. */
  tokenSource(): TokenSource & { refreshes: number };
}

export function usePipedriveSimulator(
  overrides: Partial<PipedriveSimulatorOptions> = {},
): PipedriveTestContext {
  const options: PipedriveSimulatorOptions = {
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    companyId: TEST_COMPANY_ID,
    apiDomain: 'https://acme.pipedrive.com',
    oauthBaseUrl: 'https://oauth.pipedrive.com',
    ...overrides,
  };
  const server = setupServer();
  const oauthViolations: SpecViolation[] = [];
  const oauthPending = new Set<Promise<void>>();
  let sim: PipedriveSimulator;
  let validation: SpecValidation;

  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    const api = options.apiDomain!;
    validation = attachSpecValidation(server, {
      vendorBases: [
        // Pipedrive serves v1 at {api_domain}/api/v1 while the v1 spec's server is /v1.
        { baseUrl: `${api}/api/v1`, spec: 'pipedrive-v1' },
        { baseUrl: `${api}/api/v2`, spec: 'pipedrive-v2' },
      ],
      skip: (_req, res) => res.headers.has('x-mock-fault'),
      // Pipedrive's spec documents only 200 for most operations; its error envelope (400/401/403/404 with
      // {success:false,error,error_info}) is described once in the docs (RD/core-api-concepts-http-status-codes).
      allowUndocumentedStatus: (status) =>
        status === 429 || status >= 500 || [400, 401, 403, 404].includes(status),
    });
    attachOAuthValidation(server, options.oauthBaseUrl!, oauthViolations, oauthPending);
  });
  beforeEach(() => {
    sim = createPipedriveSimulator(options);
    server.resetHandlers(...sim.handlers);
    validation.reset();
    oauthViolations.length = 0;
  });
  afterEach(async () => {
    await validation.settled();
    while (oauthPending.size > 0) await Promise.all([...oauthPending]);
    const real = [...validation.violations(), ...oauthViolations].filter((v) => !isKnownSpecDefect(v));
    expect(real, 'mocked Pipedrive traffic must match the vendor spec').toEqual([]);
  });
  afterAll(() => server.close());

  return {
    get sim() {
      return sim;
    },
    server,
    get validation() {
      return validation;
    },
    tokenSource() {
      const installed = sim.issueTokens();
      let access = installed.accessToken;
      const source = {
        refreshes: 0,
        get: async () => access,
        refresh: async () => {
          source.refreshes++;
          const t = await refreshPipedriveToken({
            oauthBaseUrl: options.oauthBaseUrl,
            clientId: options.clientId,
            clientSecret: options.clientSecret,
            refreshToken: installed.refreshToken,
          });
          access = t.accessToken;
          return access;
        },
      };
      return source;
    },
  };
}
