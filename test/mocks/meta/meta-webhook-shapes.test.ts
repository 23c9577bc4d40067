// The Meta simulator's 2025–2026 webhook shapes (issue 12) validate against the schemas written from Meta's
// references (test/spec/spec-patches-2026.ts: the v23.0 spec lacks them), and wrong shapes are refused.
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../spec/openapi';
import { metaStatus, metaStatusesWebhook } from './meta-webhooks';

function webhookValid(body: unknown) {
  return validateRequest('meta', {
    method: 'POST',
    url: 'https://graph.facebook.com/whatsapp/webhooks',
    body,
  });
}

describe('Meta webhook shapes from the 2026 sources', () => {
  it('statuses with per-message pricing: every type and category', () => {
    for (const type of ['regular', 'free_customer_service', 'free_entry_point'])
      for (const category of ['marketing', 'utility', 'authentication_international', 'service']) {
        const body = metaStatusesWebhook({}, [
          metaStatus({
            id: 'wamid.X',
            status: 'sent',
            recipient: '+16505551234',
            pricing: { pricing_model: 'PMP', category, type },
          }),
        ]);
        expect(webhookValid(body).errors).toEqual([]);
      }
    // The simulator's default pricing on receipts is PMP too.
    const receipt = metaStatusesWebhook({}, [
      metaStatus({ id: 'wamid.Y', status: 'delivered', recipient: '+16505551234' }),
    ]);
    expect(webhookValid(receipt).ok).toBe(true);
  });

  it('refuses a pricing type or category Meta does not send', () => {
    for (const pricing of [
      { pricing_model: 'PMP', category: 'utility', type: 'free' },
      { pricing_model: 'PMP', category: 'promo', type: 'regular' },
    ]) {
      const body = metaStatusesWebhook({}, [
        metaStatus({ id: 'wamid.Z', status: 'sent', recipient: '+16505551234', pricing }),
      ]);
      expect(webhookValid(body).ok).toBe(false);
    }
  });
});
