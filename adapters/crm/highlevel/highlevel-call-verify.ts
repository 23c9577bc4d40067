// Authentication of what HighLevel POSTs to /crm/highlevel/<endpoint> (its `inbound` endpoints) (DESIGN.md §6): X-GHL-Signature (Ed25519 over
// the raw body), the body timestamp window, and a single-use webhookId. A forged, stale or replayed call is a 401 and
// stores nothing.
import { optionalSecret } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import { sha256Hex } from '../../../src/security/encoding';
import type { CrmInboundEndpoint, CrmInboundUse } from '../crm-hooks';
import { verifyHighLevelWebhook } from './verify-highlevel-signature';

/**
 * `timestampRequired`: INSTALL/UNINSTALL bodies carry `timestamp` and `webhookId` (docs/WebhookAuthentication.md);
 * the Delivery URL payload documents neither (docs/ProviderOutboundMessage.md), so there a stale timestamp is refused
 * when present and duplicates are caught by messageId instead.
 */
export function highLevelInboundEndpoint(
  use: CrmInboundUse,
  options: { kind: 'event' | 'delivery'; timestampRequired: boolean },
): CrmInboundEndpoint {
  return {
    use,
    async verify({ config, now }, call, once) {
      const verified = await verifyHighLevelWebhook({
        rawBody: call.rawBody,
        headers: call.headers,
        // HighLevel's published key by default; a secret overrides it after a key rotation.
        ed25519PublicKey: optionalSecret(config, 'HIGHLEVEL_WEBHOOK_PUBLIC_KEY'),
        now: now(),
        required: options.timestampRequired,
      });
      // Without a webhookId the signed bytes themselves are the identity of the call: an identical replay is caught.
      const identity =
        verified.webhookId ?? (options.kind === 'event' ? await sha256Hex(call.rawBody) : undefined);
      const replayKey = identity ? `highlevel:${options.kind}:${identity}` : '';
      if (replayKey && !(await once.claim(replayKey))) {
        throw new AppError('unauthorized', 'This HighLevel webhook was already received (replay)');
      }
      return { body: verified.body, release: async () => (replayKey ? once.release(replayKey) : undefined) };
    },
  };
}
