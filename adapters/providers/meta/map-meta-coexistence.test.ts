import { describe, expect, it } from 'vitest';
import {
  metaEcho,
  metaEchoesWebhook,
  metaHistoryDeclinedWebhook,
  metaHistoryWebhook,
} from '../../../test/mocks/meta/meta-coexistence';
import { historyEvents } from './map-meta-coexistence';
import { parseMetaHistoryChunk, parseMetaWebhook } from './map-meta-webhook';

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

  it('history: the chunk is kept raw with its phase, order and progress; its messages are read when imported', () => {
    const chunks = parse(
      metaHistoryWebhook({}, { phase: 1, chunkOrder: 2, progress: 40 }, [
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
    expect(chunks).toMatchObject([
      { kind: 'history_chunk', routingKey: '106540352242922', phase: 1, chunkOrder: 2, progress: 40 },
    ]);
    expect(chunks[0]).not.toHaveProperty('declined');
    const chunk = chunks[0] as Extract<(typeof chunks)[number], { kind: 'history_chunk' }>;
    // Read item by item, ordered by time; the same chunk always reads the same (the import pages through it).
    const events = parseMetaHistoryChunk(chunk.raw);
    expect(parseMetaHistoryChunk(chunk.raw)).toEqual(events);
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

  it('history: an unreadable item is kept as such, the others still read; an unreadable stored chunk too', () => {
    const payload = metaHistoryWebhook({}, {}, [
      { customer: CUSTOMER, messages: [{ by: 'customer', text: 'ok', timestampMs: T, id: 'wamid.H5' }] },
    ]) as { entry: { changes: { value: { history: { threads: { messages: unknown[] }[] }[] } }[] }[] };
    payload.entry[0]!.changes[0]!.value.history[0]!.threads[0]!.messages.unshift({
      id: 'wamid.BAD',
      type: 7,
    });
    const [chunk] = parse(payload) as Extract<ReturnType<typeof parse>[number], { kind: 'history_chunk' }>[];
    expect(
      parseMetaHistoryChunk(chunk!.raw)
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['coexistence_message', 'unreadable']);
    expect(parseMetaHistoryChunk('{"not":"a chunk"}').map((e) => e.kind)).toEqual(['unreadable']);
  });

  it('history: a chunk too large for one stored row is kept in parts, cut between threads, then between messages', () => {
    const messages = (customer: string, n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        by: 'customer' as const,
        text: `text ${i} ${'x'.repeat(200)}`,
        timestampMs: T + (from + i) * 1_000,
        id: `wamid.P${from + i}`,
      }));
    const payload = metaHistoryWebhook({}, { phase: 0, chunkOrder: 3, progress: 10 }, [
      { customer: CUSTOMER, messages: messages(CUSTOMER, 3, 0) },
      { customer: '+393331234568', messages: messages('+393331234568', 12, 3) },
    ]) as { entry: { changes: { value: unknown }[] }[] };
    const fail = () => {
      throw new Error('unexpected');
    };
    const parts = historyEvents(payload.entry[0]!.changes[0]!.value, fail, T, 2_000) as Extract<
      ReturnType<typeof parse>[number],
      { kind: 'history_chunk' }
    >[];
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => p.raw.length < 2_600 && p.phase === 0 && p.chunkOrder === 3)).toBe(true);
    // Every message exactly once across the parts, each part in time order.
    const ids = parts.flatMap((p) =>
      parseMetaHistoryChunk(p.raw).map((e) => (e as { providerMessageId: string }).providerMessageId),
    );
    expect(ids.sort()).toEqual(Array.from({ length: 15 }, (_, i) => `wamid.P${i}`).sort());
  });

  it('a declined history share (2593109) is a chunk marked declined, with no messages', () => {
    const events = parse(metaHistoryDeclinedWebhook({}));
    expect(events).toMatchObject([
      {
        kind: 'history_chunk',
        declined: { code: 2593109, reason: 'The business declined to share its chat history.' },
      },
    ]);
    const chunk = events[0] as Extract<(typeof events)[number], { kind: 'history_chunk' }>;
    expect(parseMetaHistoryChunk(chunk.raw)).toEqual([]);
  });
});
