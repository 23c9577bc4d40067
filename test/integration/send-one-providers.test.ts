// The one send path (src/services/relay/send-one.ts) over the three real adapters and their simulators: every answer
// a provider gives a send, including a timeout and a connection dropped after the request left, ends in the same
// SendAnswer whoever the provider is — the answer single sends and campaign slices both act on.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { MIN_SENDER_HOLD_MS, sendOne, type SendAnswer } from '../../src/services/relay/send-one';
import { cmFixture } from '../contract/cm.fixture';
import { metaFixture } from '../contract/meta.fixture';
import { text, type ContractErrorKind, type ProviderContractFixture } from '../contract/provider-fixture';
import { twilioFixture } from '../contract/twilio.fixture';

const NOW = 1_800_000_000_000;

const EXPECTED: Record<ContractErrorKind, SendAnswer['kind']> = {
  template_required: 'refused',
  template_mismatch: 'refused',
  invalid_recipient: 'refused',
  auth: 'sender_refused',
  rate_limited: 'retryable',
  transient: 'retryable',
  unknown_outcome: 'unknown',
};

function fakeContext() {
  const pauses: [string, number][] = [];
  const ctx = {
    now: () => NOW,
    platform: { limiter: { pause: async (key: string, until: number) => void pauses.push([key, until]) } },
  } as unknown as AppContext;
  return { ctx, pauses };
}

describe.each([metaFixture, twilioFixture, cmFixture])(
  '$provider: one send, one answer',
  (fixture: ProviderContractFixture) => {
    const server = setupServer(...fixture.handlers);
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    beforeEach(() => fixture.reset());
    afterAll(() => server.close());

    it('accepted: the provider message id, nothing held', async () => {
      const { ctx, pauses } = fakeContext();
      const answer = await sendOne(ctx, fixture.adapter(), 'conn_1', fixture.sends[0]!.message());
      expect(answer.kind).toBe('accepted');
      if (answer.kind === 'accepted') expect(answer.result.providerMessageId).toMatch(/\S{6,}/);
      expect(fixture.sentCount()).toBe(1);
      expect(pauses).toEqual([]);
    });

    it.each(Object.keys(EXPECTED) as ContractErrorKind[])('%s', async (kind) => {
      const c = fixture.errors[kind];
      c.arrange?.();
      const { ctx, pauses } = fakeContext();
      const adapter = fixture.adapter({
        badCredentials: c.badCredentials,
        timeoutMs: kind === 'unknown_outcome' ? 300 : undefined,
      });
      const answer = await sendOne(ctx, adapter, 'conn_1', c.message?.() ?? text());
      expect(answer.kind).toBe(EXPECTED[kind]);
      if (answer.kind !== 'accepted') expect(answer.error.kind).toBe(kind);
      if (kind === 'rate_limited') {
        // The whole sender waits out the provider's Retry-After: its bucket is paused before the caller decides.
        const until = NOW + Math.max(c.retryAfterMs ?? 0, MIN_SENDER_HOLD_MS);
        expect(answer).toMatchObject({ retryAfterMs: c.retryAfterMs, senderHoldUntil: until });
        expect(pauses).toEqual([['conn_1', until]]);
      } else {
        expect(pauses).toEqual([]);
      }
      expect(fixture.sentCount()).toBe(0);
    });

    it('a connection dropped after the request left is a lost answer: unknown, never retryable', async () => {
      fixture.faults.add({ networkError: true });
      const { ctx, pauses } = fakeContext();
      const answer = await sendOne(ctx, fixture.adapter(), 'conn_1', text());
      expect(answer).toMatchObject({ kind: 'unknown', error: { kind: 'unknown_outcome', retryable: false } });
      expect(pauses).toEqual([]);
    });
  },
);
