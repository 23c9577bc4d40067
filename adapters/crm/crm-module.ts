// What a CRM is to the app, beside its adapter (types.ts): one `CrmModule` per vendor folder, all listed in
// registry.ts and nowhere else. Services read these fields instead of naming a CRM.
import type { Connection } from '../../src/store/connections';
import type { Installation, InstallationTokens } from '../../src/store/installations';
import type { ModuleConfigKeys } from '../shared/module-config';
import type { CrmDeliveryUrl, CrmWorkflows } from './crm-inbound-hooks';
import type {
  CrmInboundEndpoint,
  CrmInstallHooks,
  CrmLinkedAccounts,
  CrmPanelHooks,
  CrmSessionHooks,
} from './crm-hooks';
import type { CrmAdapter, CrmEnvironment, CrmName, CrmRate, CrmRequestPacer, TokenSource } from './types';

// In types.ts so that the hook files (crm-hooks.ts, crm-inbound-hooks.ts) need nothing from this one (no cycle).
export type { CrmEnvironment } from './types';

export interface CrmRefreshedTokens extends InstallationTokens {
  expiresAt: number;
}

export interface CrmAdapterDeps {
  installation: Installation;
  /** The number the message went through (a CRM may register a provider per number). */
  connection: Connection | null;
  tokenSource: TokenSource;
  /** Paces every request the adapter makes (services/crm/crm-pacing.ts). */
  pacer?: CrmRequestPacer;
}

export interface CrmModule {
  readonly name: CrmName;
  /** For people: "HighLevel". */
  readonly label: string;
  /** The CRM's documented burst limits per account, by lane (services/crm/crm-pacing.ts paces every request by them). */
  readonly rates: Readonly<Record<string, CrmRate>>;
  /** The limiter key of the CRM account an installation writes to. */
  paceKey(installation: Installation): string;
  /** Vars and secrets the module reads (deployment health lists them by name; `required`: nothing works without). */
  readonly configKeys: ModuleConfigKeys;
  /** OAuth refresh of an installation's tokens (serialized per installation by services/crm/crm-tokens.ts). */
  refreshTokens(
    env: CrmEnvironment,
    installation: Installation,
    refreshToken: string,
  ): Promise<CrmRefreshedTokens>;
  /** The adapter that records messages, statuses and changes for one installation. */
  createAdapter(env: CrmEnvironment, deps: CrmAdapterDeps): CrmAdapter;
  /** A CRM that asks us to send its users' messages (POST /crm/<crm>/outbound): services/crm/crm-deliveries.ts. */
  readonly deliveryUrl?: CrmDeliveryUrl;
  /** A CRM whose workflows call our actions and triggers (/automations/<crm>/…): services/crm/automation-*.ts. */
  readonly workflows?: CrmWorkflows;
  /** Marketplace install and uninstall (/oauth/:crm/…, app events): services/install/crm-install.ts. */
  readonly install: CrmInstallHooks;
  /** Accounts whose tokens are minted from a parent install (`settings.viaCompany`): refreshed by minting again. */
  readonly linkedAccounts?: CrmLinkedAccounts;
  /** What the CRM POSTs to /crm/<name>/<endpoint>: each endpoint's verification and the use case it feeds. */
  readonly inbound?: Readonly<Record<string, CrmInboundEndpoint>>;
  /** The iframe's sign-in → session (POST /api/session): services/install/crm-session.ts. */
  readonly session: CrmSessionHooks;
  /** The record panel (GET /api/crm/person), for a CRM that shows one. */
  readonly panel?: CrmPanelHooks;
  /** Origins whose pages embed ours (the /ui pages' CSP frame-ancestors, routes/ui.ts). */
  readonly frameAncestors?: readonly string[];
}
