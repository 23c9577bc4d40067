// What a vendor module (ProviderModule, CrmModule) reads from the deployment's configuration, by name: the
// operator's health report (services/operations/deployment-health.ts) and the deploy scripts list these instead of
// naming vendors.
import type { Config, SecretName } from '../../src/config';

export interface ModuleConfigKeys {
  /** Secrets the module reads (`required`: nothing of the vendor works without). */
  readonly secrets: Partial<Record<SecretName, { required: boolean }>>;
  /** Vars with no usable default that the vendor needs set (ids handed out when the app is registered with it). */
  readonly requiredVars?: readonly (keyof Config)[];
  /** The base URLs the module calls, under the name the health report shows them by (unique across modules). */
  readonly baseUrls: Readonly<Record<string, keyof Config>>;
}
