// The one place WhatsApp providers are listed. A ProviderName without a module here does not compile.
import type { ProviderName } from '../../src/core/template';
import { cmModule } from './cm/cm-module';
import { metaModule } from './meta/meta-module';
import type { ProviderModule } from './provider-module';
import { twilioModule } from './twilio/twilio-module';

export const PROVIDER_MODULES: Record<ProviderName, ProviderModule> = {
  meta: metaModule as ProviderModule,
  twilio: twilioModule as ProviderModule,
  cm: cmModule as ProviderModule,
};

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDER_MODULES, name);
}

export function providerModule(name: ProviderName): ProviderModule {
  return PROVIDER_MODULES[name];
}
