// What a CRM's record panel shows before the agent writes (DESIGN.md §1; issue 5 item 3), and the installation
// settings page. The panel is the CRM's (CrmModule.panel: the person of the open record and which of their phones can
// receive WhatsApp); its calls use the session installation's own tokens, so another account's record is never read.
import type { CrmPanelContext, CrmPanelHooks, CrmPanelTarget } from '../../../adapters/crm/crm-hooks';
import { CRM_MODULES, crmModule } from '../../../adapters/crm/registry';
import type { CrmName } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { Installation, InstallationSettings } from '../../store/installations';
import { crmEnvironment, crmTokenSource } from '../crm/crm';

/** The panel of the session's CRM; a CRM without one is a conflict (its pages do not call this). */
export function crmPanel(crm: CrmName): CrmPanelHooks {
  const panel = crmModule(crm).panel;
  if (panel) return panel;
  const withPanel = Object.values(CRM_MODULES).filter((module) => module.panel);
  throw new AppError(
    'conflict',
    `This page is for ${withPanel.map((module) => module.label).join(' or ')} installations`,
  );
}

export async function loadPanelContext(
  ctx: AppContext,
  installation: Installation,
  target: CrmPanelTarget,
): Promise<CrmPanelContext> {
  return crmPanel(installation.crm).context(
    crmEnvironment(ctx),
    { installation, target },
    {
      tokenSource: crmTokenSource(ctx, installation),
      linkedCustomer: (crmContactId) => ctx.contacts.findByCrmContactIdIn(installation.id, crmContactId),
    },
  );
}

/** Installation settings an admin may change from the settings page. */
export interface SettingsPatch {
  createUnknownPersons?: boolean;
}

export async function updateInstallationSettings(
  ctx: AppContext,
  installation: Installation,
  patch: SettingsPatch,
): Promise<InstallationSettings> {
  const { installations } = await ctx.secretStores();
  const settings: InstallationSettings = { ...installation.settings };
  if (patch.createUnknownPersons !== undefined) settings.createUnknownPersons = patch.createUnknownPersons;
  await installations.updateSettings(installation.id, settings, ctx.now());
  return settings;
}

/** Settings as the pages read them, with the defaults filled in. */
export function effectiveSettings(installation: Installation) {
  return {
    crm: installation.crm,
    createUnknownPersons: installation.settings.createUnknownPersons ?? true,
  };
}
