// Authentication of everything HighLevel POSTs to us (DESIGN.md §6): X-GHL-Signature (Ed25519 over the raw body),
// the body timestamp window, and a single-use webhookId. A forged, stale or replayed call is a 401 and stores nothing.
import {
  verifyHighLevelWebhook,
  type VerifiedHighLevelWebhook,
} from '../../../adapters/crm/highlevel/verify-highlevel-signature';
import { optionalSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { sha256Hex } from '../../security/encoding';
import type { CrmInboundCall, VerifiedInboundCall } from './crm-install-flows';

export type HighLevelCall = CrmInboundCall;

export interface VerifiedCall extends VerifiedHighLevelWebhook {
  /** processed_events key that marks this call as seen; release it if acting on the call fails. */
  replayKey: string;
}

/**
 * Verifies and claims one call. `timestampRequired`: INSTALL/UNINSTALL bodies carry `timestamp` and `webhookId`
 * (docs/WebhookAuthentication.md); the Delivery URL payload documents neither (docs/ProviderOutboundMessage.md), so
 * there a stale timestamp is refused when present and duplicates are caught by messageId instead.
 */
export async function verifyHighLevelCall(
  ctx: AppContext,
  call: HighLevelCall,
  options: { kind: 'event' | 'delivery'; timestampRequired: boolean },
): Promise<VerifiedCall> {
  const verified = await verifyHighLevelWebhook({
    rawBody: call.rawBody,
    headers: call.headers,
    // HighLevel's published key by default (adapters/crm/highlevel); a secret overrides it after a key rotation.
    ed25519PublicKey: optionalSecret(ctx.config, 'HIGHLEVEL_WEBHOOK_PUBLIC_KEY'),
    now: ctx.now(),
    required: options.timestampRequired,
  });
  // Without a webhookId the signed bytes themselves are the identity of the call: an identical replay is caught too.
  const identity =
    verified.webhookId ?? (options.kind === 'event' ? await sha256Hex(call.rawBody) : undefined);
  const replayKey = identity ? `highlevel:${options.kind}:${identity}` : '';
  if (replayKey && !(await ctx.events.claim(replayKey, ctx.now()))) {
    throw new AppError('unauthorized', 'This HighLevel webhook was already received (replay)');
  }
  return { ...verified, replayKey };
}

export async function releaseHighLevelCall(ctx: AppContext, call: VerifiedCall): Promise<void> {
  if (call.replayKey) await ctx.events.release(call.replayKey);
}

/** The /crm/highlevel/<endpoint> authentication as the generic route's middleware runs it (crm-install-flows.ts). */
export function highLevelInboundVerifier(options: {
  kind: 'event' | 'delivery';
  timestampRequired: boolean;
}): (ctx: AppContext, call: HighLevelCall) => Promise<VerifiedInboundCall> {
  return async (ctx, call) => {
    const verified = await verifyHighLevelCall(ctx, call, options);
    return { body: verified.body, release: () => releaseHighLevelCall(ctx, verified) };
  };
}
