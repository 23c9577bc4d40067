// A connection's `{ provider, credentials }` as the admin API takes it: one branch per module in the registry, each
// parsed by the module's own credentials schema (in its vendor folder). Built when asked, so a provider registered
// in the registry (tests register fakes at run time) connects without an edit here.
import * as z from 'zod/mini';
import type { ProviderName } from '../../src/core/template';
import { PROVIDER_MODULES } from './registry';

export interface ProviderCredentials {
  provider: ProviderName;
  /** Parsed by the provider module's `credentialsSchema`. */
  credentials: unknown;
}

/** Discriminated by `provider`: an unknown name fails on `provider`, bad credentials on `credentials.<field>`. */
export function providerCredentialsSchema() {
  const [first, ...rest] = Object.values(PROVIDER_MODULES).map((module) =>
    z.object({ provider: z.literal(module.name), credentials: module.credentialsSchema }),
  );
  return z.discriminatedUnion('provider', [first!, ...rest]);
}
