// HighLevel behind the generic /oauth/:crm and /crm/:crm routes (services/install/crm-install-flows.ts).
import { AppError } from '../../core/errors';
import { acceptHighLevelDelivery } from '../crm/highlevel-outbound';
import type { CrmInstallFlow } from './crm-install-flows';
import { completeHighLevelInstall, receiveHighLevelEvent, startHighLevelInstall } from './highlevel-install';

export const crmInstallFlow: CrmInstallFlow = {
  start: startHighLevelInstall,
  async complete(ctx, input) {
    if (!input.code) {
      throw new AppError(
        'invalid_request',
        `HighLevel did not authorize the install${input.error ? `: ${input.error}` : ''}`,
      );
    }
    await completeHighLevelInstall(ctx, { code: input.code, state: input.state });
  },
  inbound: {
    // The app's INSTALL / UNINSTALL / LocationCreate… webhooks.
    events: async (ctx, call) => ({ outcome: await receiveHighLevelEvent(ctx, call) }),
    // The conversation provider's Delivery URL: only stores and enqueues (DESIGN.md §6).
    outbound: async (ctx, call) => acceptHighLevelDelivery(ctx, call),
  },
};
