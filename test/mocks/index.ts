// Every vendor simulator in one object: tests use it with the real vendor URLs (msw intercepts them), local mode
// with loopback path prefixes of one HTTP server (test/mocks/http-server.ts, scripts/local-mode.ts).
import type { HttpHandler } from 'msw';
import type { FaultInjector } from './faults';
import { createCmSimulator, CM_SIM_PRODUCT_TOKEN } from './cm';
import type { CmSimulator, CmSimulatorOptions } from './cm';
import { createHighLevelSimulator } from './highlevel';
import type { HighLevelSimulator, HighLevelSimulatorOptions } from './highlevel';
import { createMetaSimulator, META_SIM_DEFAULTS } from './meta';
import type { MetaSimulator, MetaSimulatorOptions } from './meta';
import { createPipedriveSimulator } from './pipedrive/simulator';
import type { PipedriveSimulator, PipedriveSimulatorOptions } from './pipedrive/simulator';
import { createTwilioSimulator, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './twilio';
import type { TwilioSimulator, TwilioSimulatorOptions } from './twilio';

export { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, META_SIM_DEFAULTS };
// Each vendor's webhook builders and signers (play the customer / the CRM), one namespace per vendor.
export * as metaMock from './meta';
export * as twilioMock from './twilio';
export * as cmMock from './cm';
export * as highlevelMock from './highlevel';
export * as pipedriveMock from './pipedrive/simulator';

/** Where each simulator answers. Names match the config vars in src/config.ts (see `vendorEnvVars`). */
export interface VendorBases {
  meta: string;
  twilio: string;
  twilioContent: string;
  cm: string;
  highlevel: string;
  /** Full URL of HighLevel's consent screen (HIGHLEVEL_AUTHORIZE_URL), not a prefix. */
  highlevelAuthorize: string;
  pipedriveOauth: string;
  /** The company's `api_domain` handed out in Pipedrive token responses (stored per installation). */
  pipedriveApi: string;
}

/** The real vendors: what the app uses by default, so tests intercept exactly these. */
export const REAL_VENDOR_BASES: VendorBases = {
  meta: 'https://graph.facebook.com',
  twilio: 'https://api.twilio.com',
  twilioContent: 'https://content.twilio.com',
  cm: 'https://gw.messaging.cm.com',
  highlevel: 'https://services.leadconnectorhq.com',
  highlevelAuthorize: 'https://marketplace.gohighlevel.com/oauth/chooselocation',
  pipedriveOauth: 'https://oauth.pipedrive.com',
  pipedriveApi: 'https://acme.pipedrive.com',
};

/** Path prefixes of one simulator server (local mode): `http://127.0.0.1:8789/meta`, … */
export function localVendorBases(origin: string): VendorBases {
  const o = origin.replace(/\/+$/, '');
  return {
    meta: `${o}/meta`,
    twilio: `${o}/twilio`,
    twilioContent: `${o}/twilio-content`,
    cm: `${o}/cm`,
    highlevel: `${o}/highlevel`,
    highlevelAuthorize: `${o}/highlevel-authorize/oauth/chooselocation`,
    pipedriveOauth: `${o}/pipedrive-oauth`,
    pipedriveApi: `${o}/pipedrive-api`,
  };
}

/** The app's base-URL vars pointing at these simulators (Pipedrive's API base comes from the token's api_domain). */
export function vendorEnvVars(bases: VendorBases): Record<string, string> {
  return {
    META_GRAPH_BASE_URL: bases.meta,
    TWILIO_API_BASE_URL: bases.twilio,
    TWILIO_CONTENT_BASE_URL: bases.twilioContent,
    CM_GATEWAY_BASE_URL: bases.cm,
    HIGHLEVEL_API_BASE_URL: bases.highlevel,
    HIGHLEVEL_AUTHORIZE_URL: bases.highlevelAuthorize,
    PIPEDRIVE_OAUTH_BASE_URL: bases.pipedriveOauth,
  };
}

/** Default CRM app credentials of the simulators (the same values as TEST_SECRETS in test/helpers/platform.ts). */
export const SIM_CRM_CLIENTS = {
  highlevel: {
    clientId: 'ghl-client-id',
    clientSecret: 'ghl-client-secret-test',
    appId: 've9EPM428h8vShlRW1KT',
  },
  pipedrive: { clientId: 'pd-client-id', clientSecret: 'pd-client-secret-test', companyId: 54235233 },
} as const;

type Without<T, K extends keyof T> = Omit<T, K>;

export interface VendorSimulatorsOptions {
  /** Defaults to REAL_VENDOR_BASES, per vendor. */
  bases?: Partial<VendorBases>;
  meta?: Without<MetaSimulatorOptions, 'baseUrl'>;
  twilio?: Without<TwilioSimulatorOptions, 'baseUrl' | 'contentBaseUrl'>;
  cm?: Without<CmSimulatorOptions, 'baseUrl'>;
  highlevel?: Partial<Without<HighLevelSimulatorOptions, 'baseUrl' | 'authorizeUrl'>>;
  pipedrive?: Partial<Without<PipedriveSimulatorOptions, 'oauthBaseUrl' | 'apiDomain'>>;
}

export interface VendorSimulators {
  bases: VendorBases;
  meta: MetaSimulator;
  twilio: TwilioSimulator;
  cm: CmSimulator;
  highlevel: HighLevelSimulator;
  pipedrive: PipedriveSimulator;
  /** Every simulator's handlers, for `setupServer(...)` or the HTTP server. */
  handlers: HttpHandler[];
  faults: Record<VendorName, FaultInjector>;
  /** Drops every queued fault (between tests). */
  clearFaults(): void;
}

export type VendorName = 'meta' | 'twilio' | 'cm' | 'highlevel' | 'pipedrive';

export function createVendorSimulators(options: VendorSimulatorsOptions = {}): VendorSimulators {
  const bases: VendorBases = { ...REAL_VENDOR_BASES, ...options.bases };
  const meta = createMetaSimulator({ ...options.meta, baseUrl: bases.meta });
  const twilio = createTwilioSimulator({
    ...options.twilio,
    baseUrl: bases.twilio,
    contentBaseUrl: bases.twilioContent,
  });
  const cm = createCmSimulator({ ...options.cm, baseUrl: bases.cm });
  const highlevel = createHighLevelSimulator({
    ...SIM_CRM_CLIENTS.highlevel,
    ...options.highlevel,
    baseUrl: bases.highlevel,
    authorizeUrl: bases.highlevelAuthorize,
  });
  const pipedrive = createPipedriveSimulator({
    ...SIM_CRM_CLIENTS.pipedrive,
    ...options.pipedrive,
    oauthBaseUrl: bases.pipedriveOauth,
    apiDomain: bases.pipedriveApi,
  });
  const faults: Record<VendorName, FaultInjector> = {
    meta: meta.faults,
    twilio: twilio.faults,
    cm: cm.faults,
    highlevel: highlevel.faults,
    pipedrive: pipedrive.faults,
  };
  return {
    bases,
    meta,
    twilio,
    cm,
    highlevel,
    pipedrive,
    handlers: [
      ...meta.handlers,
      ...twilio.handlers,
      ...cm.handlers,
      ...highlevel.handlers,
      ...pipedrive.handlers,
    ],
    faults,
    clearFaults: () => Object.values(faults).forEach((f) => f.clear()),
  };
}
