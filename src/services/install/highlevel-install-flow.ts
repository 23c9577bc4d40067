// HighLevel behind the generic /oauth/:crm and /crm/:crm routes (services/install/crm-install-flows.ts).
import { AppError } from '../../core/errors';
import { acceptCrmDelivery } from '../crm/crm-deliveries';
import type { CrmInstallFlow } from './crm-install-flows';
import { applyHighLevelAppEvent, completeHighLevelInstall, startHighLevelInstall } from './highlevel-install';
import { highLevelInboundVerifier } from './highlevel-verify';

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
    // The app's INSTALL / UNINSTALL webhooks: they carry timestamp and webhookId (docs/WebhookAuthentication.md).
    events: {
      verify: highLevelInboundVerifier({ kind: 'event', timestampRequired: true }),
      handle: async (ctx, body) => ({ outcome: await applyHighLevelAppEvent(ctx, body) }),
    },
    // The conversation provider's Delivery URL: only stores and enqueues (DESIGN.md §6).
    outbound: {
      verify: highLevelInboundVerifier({ kind: 'delivery', timestampRequired: false }),
      handle: (ctx, body) => acceptCrmDelivery(ctx, 'highlevel', body),
    },
  },
};
