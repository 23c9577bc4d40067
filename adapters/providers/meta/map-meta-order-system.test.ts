// Meta `order` and `system` messages reach the CRM as readable text, not "Unsupported" (#17 item 11). Payloads:
// the webhook reference examples (__fixtures__/spec-webhook-examples.json, Order Message and System Message).
import { describe, expect, it } from 'vitest';
import { describeContent } from '../../../src/core/readable';
import { parseMetaWebhook } from './map-meta-webhook';
import specExamples from './__fixtures__/spec-webhook-examples.json';

type Json = Record<string, unknown>;
const spec = specExamples as unknown as Record<string, Json>;

/** The example with its first message replaced by `patch(message)`. */
function withMessage(name: string, patch: (message: Json) => Json): string {
  const copy = structuredClone(spec[name]) as {
    entry: { changes: { value: { messages: Json[] } }[] }[];
  };
  const value = copy.entry[0]!.changes[0]!.value;
  value.messages = [patch(value.messages[0]!)];
  return JSON.stringify(copy);
}

function renderedContent(raw: string): string {
  const [event] = parseMetaWebhook(raw);
  if (event?.kind !== 'inbound_message') throw new Error(`expected inbound_message, got ${event?.kind}`);
  return describeContent(event.content);
}

describe('Meta order and system messages, rendered for the CRM', () => {
  it('an order lists its items, unit prices and total', () => {
    expect(renderedContent(JSON.stringify(spec['Order Message']))).toBe(
      '🛒 Order of 2 items: 2 × di9ozbzfi4 at 30 USD, 1 × nqryix03ez at 25 USD — total 85 USD',
    );
  });

  it("an order with the customer's note, and one without prices, stays readable", () => {
    const noted = withMessage('Order Message', (m) => ({
      ...m,
      order: { ...(m.order as Json), text: 'Ring the bell twice' },
    }));
    expect(renderedContent(noted)).toMatch(/— total 85 USD — "Ring the bell twice"$/);
    const unpriced = withMessage('Order Message', (m) => ({
      ...m,
      order: { catalog_id: '1', product_items: [{ product_retailer_id: 'sku-1', quantity: 3 }] },
    }));
    expect(renderedContent(unpriced)).toBe('🛒 Order of 1 item: 3 × sku-1');
  });

  it('a system notice that does not re-key the customer is shown with its text', () => {
    const notice = withMessage('System Message', (m) => ({
      ...m,
      system: { body: 'Messages and calls are end-to-end encrypted.', type: 'customer_identity_changed' },
    }));
    const [event] = parseMetaWebhook(notice);
    expect(event).toMatchObject({
      kind: 'inbound_message',
      content: { type: 'system', event: 'customer_identity_changed' },
    });
    expect(renderedContent(notice)).toBe('ℹ️ Messages and calls are end-to-end encrypted.');
    expect(renderedContent(notice)).not.toMatch(/Unsupported/);
  });
});
