// The one place CRMs are listed. A CrmName without a module here does not compile.
import type { CrmModule } from './crm-module';
import { highLevelModule } from './highlevel/highlevel-module';
import { pipedriveModule } from './pipedrive/pipedrive-module';
import type { CrmName } from './types';

export const CRM_MODULES: Record<CrmName, CrmModule> = {
  highlevel: highLevelModule,
  pipedrive: pipedriveModule,
};

export function isCrmName(name: string): name is CrmName {
  return Object.hasOwn(CRM_MODULES, name);
}

export function crmModule(name: CrmName): CrmModule {
  return CRM_MODULES[name];
}
