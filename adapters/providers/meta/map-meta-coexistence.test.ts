import { describe, expect, it } from 'vitest';
import {
  metaEcho,
  metaEchoesWebhook,
  metaHistoryDeclinedWebhook,
  metaHistoryWebhook,
} from '../../../test/mocks/meta/meta-coexistence';
import { parseMetaWebhook } from './map-meta-webhook';

const parse = (payload: unknown) => parseMetaWebhook(JSON.stringify(payload));
const T = Date.UTC(2026, 10, 20, 12);
const CUSTOMER = '+393331234567';
const echo = metaEcho();

describe('parseMetaWebhook: coexistence (issue 12 item 5)', () => {
  it('an echo is an outbound coexistence message to the customer named by `to`', () => {
    expect(
      parse(metaEchoesWebhook({}, [echo.text({ to: CUSTOMER, id: 'wamid.E1', timestampMs: T }, 'Hi')])),
    ).toEqual([
      {
        kind: 'coexistence_message',
        source: 'echo',
        direction: 'outbound',
        routingKey: '106540352242922',
        from: CUSTOMER,
        timestamp: T,
        providerMessageId: 'wamid.E1',
        content: { type: 'text', text: 'Hi' },
        status: 'sent',
      },
    ]);
  });

  it('an echoed edit / revoke is a change of the original message', () => {
    const events = parse(
      metaEchoesWebhook({}, [
        echo.edit({ to: CUSTOMER, timestampMs: T }, 'wamid.E1', 'Hi there'),
        echo.revoke({ to: CUSTOMER, timestampMs: T }, 'wamid.E1'),
      ]),
    );
    expect(events).toMatchObject([
      { kind: 'message_edited', providerMessageId: 'wamid.E1', content: { type: 'text', text: 'Hi there' } },
      { kind: 'message_deleted', providerMessageId: 'wamid.E1' },
    ]);
  });

  it('an echo without a customer is kept as unreadable, the rest of the batch goes on', () => {
    const bad = { ...echo.text({ to: CUSTOMER, timestampMs: T }, 'x') } as Record<string, unknown>;
    delete bad.to;
    const events = parse(
      metaEchoesWebhook({}, [bad, echo.text({ to: CUSTOMER, id: 'wamid.E3', timestampMs: T }, 'ok')]),
    );
    expect(events.map((e) => e.kind)).toEqual(['unreadable', 'coexistence_message']);
  });

  it('history: direction from `from`, status from history_context, ordered by time across chunks', () => {
    const events = parse(
      metaHistoryWebhook({}, { phase: 1, chunkOrder: 2 }, [
        {
          customer: CUSTOMER,
          messages: [
            {
              by: 'business',
              text: 'Your table is ready',
              timestampMs: T - 1_000,
              id: 'wamid.H2',
              status: 'READ',
            },
            { by: 'customer', text: 'Table for two?', timestampMs: T - 5_000, id: 'wamid.H1' },
          ],
        },
      ]),
    );
    expect(events).toMatchObject([
      {
        kind: 'coexistence_message',
        source: 'history',
        direction: 'inbound',
        providerMessageId: 'wamid.H1',
        status: 'delivered',
        from: CUSTOMER,
      },
      {
        kind: 'coexistence_message',
        source: 'history',
        direction: 'outbound',
        providerMessageId: 'wamid.H2',
        status: 'read',
        from: CUSTOMER,
      },
    ]);
  });

  it('a declined history share imports nothing', () => {
    expect(parse(metaHistoryDeclinedWebhook({}))).toEqual([]);
  });
});
