// The Meta simulator's 2025–2026 webhook shapes (issue 12) validate against the schemas written from Meta's
// references (test/spec/spec-patches-2026.ts: the v23.0 spec lacks them), and wrong shapes are refused.
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../spec/openapi';
import { metaStatus, metaStatusesWebhook } from './meta-webhooks';
import {
  metaEcho,
  metaEchoesWebhook,
  metaHistoryDeclinedWebhook,
  metaHistoryWebhook,
} from './meta-coexistence';

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

describe('coexistence webhooks from the 2026 sources', () => {
  const echo = metaEcho();
  const T = Date.UTC(2026, 10, 20, 12);

  it('smb_message_echoes: text, image, edit and revoke', () => {
    const body = metaEchoesWebhook({}, [
      echo.text({ to: '+393331234567', id: 'wamid.E1', timestampMs: T }, 'Sent from my phone'),
      echo.image({ to: '+393331234567', id: 'wamid.E2', timestampMs: T }),
      echo.edit({ to: '+393331234567', timestampMs: T }, 'wamid.E1', 'Sent from my phone (edited)'),
      echo.revoke({ to: '+393331234567', timestampMs: T }, 'wamid.E2'),
    ]);
    expect(webhookValid(body).errors).toEqual([]);
  });

  it('history: a chunk with threads, and a declined share', () => {
    const body = metaHistoryWebhook({}, { phase: 1, chunkOrder: 2, progress: 40 }, [
      {
        customer: '+393331234567',
        messages: [
          { by: 'customer', text: 'Hello', timestampMs: T - 3_600_000 },
          { by: 'business', text: 'Hi!', timestampMs: T - 3_000_000, status: 'READ' },
        ],
      },
    ]);
    expect(webhookValid(body).errors).toEqual([]);
    expect(webhookValid(metaHistoryDeclinedWebhook({})).errors).toEqual([]);
  });

  it('refuses echoes without their list and a history chunk without its metadata', () => {
    const broken = metaEchoesWebhook({}, []) as {
      entry: { changes: { value: Record<string, unknown> }[] }[];
    };
    delete broken.entry[0]!.changes[0]!.value.message_echoes;
    expect(webhookValid(broken).ok).toBe(false);
    const history = metaHistoryWebhook({}, {}, [{ customer: '+393331234567', messages: [] }]) as {
      entry: { changes: { value: { history: Record<string, unknown>[] } }[] }[];
    };
    delete history.entry[0]!.changes[0]!.value.history[0]!.metadata;
    expect(webhookValid(history).ok).toBe(false);
  });
});
