// The send path's classification (issue 13): every provider answer → what it means for the message and its sender.
// Through real adapters and their simulators: test/integration/send-one-providers.test.ts.
import { describe, expect, it } from 'vitest';
import type { ProviderAdapter, SendResult } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { ProviderError, TEMPLATE_REQUIRED_REASON, type ProviderErrorKind } from '../../core/errors';
import type { OutboundMessage } from '../../core/message';
import { classifySendError, errorInfo, MIN_SENDER_HOLD_MS, outboundMessage, sendOne } from './send-one';

const NOW = 1_700_000_000_000;

/** The only parts of the context the send path touches: the clock and the sender's bucket. */
function fakeContext() {
  const pauses: [string, number][] = [];
  const ctx = {
    now: () => NOW,
    platform: {
      limiter: {
        pause: async (key: string, until: number) => {
          pauses.push([key, until]);
        },
      },
    },
  } as unknown as AppContext;
  return { ctx, pauses };
}

function adapterAnswering(answer: () => Promise<SendResult>, normalize?: (e: unknown) => ProviderError) {
  const sent: OutboundMessage[] = [];
  const adapter = {
    send: async (m: OutboundMessage) => {
      sent.push(m);
      return answer();
    },
    normalizeError: normalize ?? ((e: unknown) => new ProviderError('rejected', String(e))),
  } as unknown as ProviderAdapter;
  return { adapter, sent };
}

const message: OutboundMessage = {
  reference: 'msg_1',
  to: '+16505551234',
  content: { type: 'text', text: 'Hi' },
};

describe('classifySendError: what a refusal means', () => {
  const cases: [ProviderErrorKind, string][] = [
    ['unknown_outcome', 'unknown'],
    ['capped', 'capped'],
    ['marketing_opted_out', 'opted_out'],
    ['auth', 'sender_refused'],
    ['rate_limited', 'retryable'],
    ['transient', 'retryable'],
    ['template_required', 'refused'],
    ['template_mismatch', 'refused'],
    ['invalid_recipient', 'refused'],
    ['rejected', 'refused'],
  ];
  it.each(cases)('%s → %s', (kind, expected) => {
    const error = new ProviderError(kind, `failed: ${kind}`);
    const answer = classifySendError(error, NOW);
    expect(answer.kind).toBe(expected);
    expect(answer.error).toBe(error);
  });

  it('a lost answer or a timeout (unknown_outcome) is never retryable, even with a Retry-After', () => {
    const answer = classifySendError(
      new ProviderError('unknown_outcome', 'timed out', { retryAfterMs: 5 }),
      NOW,
    );
    expect(answer).toMatchObject({ kind: 'unknown' });
    expect(answer).not.toHaveProperty('senderHoldUntil');
  });

  it('a sender-wide 429 holds the sender for its Retry-After, at least a second', () => {
    const at = (retryAfterMs?: number) =>
      classifySendError(new ProviderError('rate_limited', '429', { retryAfterMs }), NOW);
    expect(at(5_000)).toMatchObject({ kind: 'retryable', retryAfterMs: 5_000, senderHoldUntil: NOW + 5_000 });
    expect(at(undefined)).toMatchObject({
      senderHoldUntil: NOW + MIN_SENDER_HOLD_MS,
      retryAfterMs: undefined,
    });
    expect(at(0)).toMatchObject({ senderHoldUntil: NOW + MIN_SENDER_HOLD_MS, retryAfterMs: 0 });
  });

  it('a limit on one recipient (pair rate) or an outage holds nobody else', () => {
    const pair = new ProviderError('rate_limited', 'pair', {
      retryAfterMs: 6_000,
      rateLimitScope: 'recipient',
    });
    expect(classifySendError(pair, NOW)).toMatchObject({
      kind: 'retryable',
      retryAfterMs: 6_000,
      senderHoldUntil: null,
    });
    const down = new ProviderError('transient', '503', { retryAfterMs: 2_000 });
    expect(classifySendError(down, NOW)).toMatchObject({ kind: 'retryable', senderHoldUntil: null });
  });
});

describe('sendOne', () => {
  it('accepted: the provider id and status, nothing paused', async () => {
    const { ctx, pauses } = fakeContext();
    const { adapter, sent } = adapterAnswering(async () => ({
      providerMessageId: 'wamid.X',
      status: 'pending',
    }));
    await expect(sendOne(ctx, adapter, 'conn_1', message)).resolves.toEqual({
      kind: 'accepted',
      result: { providerMessageId: 'wamid.X', status: 'pending' },
    });
    expect(sent).toEqual([message]);
    expect(pauses).toEqual([]);
  });

  it('a sender-wide 429 pauses the number’s bucket before answering', async () => {
    const { ctx, pauses } = fakeContext();
    const { adapter } = adapterAnswering(async () => {
      throw new ProviderError('rate_limited', 'slow down', { retryAfterMs: 3_000 });
    });
    await expect(sendOne(ctx, adapter, 'conn_1', message)).resolves.toMatchObject({
      kind: 'retryable',
      senderHoldUntil: NOW + 3_000,
    });
    expect(pauses).toEqual([['conn_1', NOW + 3_000]]);
  });

  it('other refusals pause nothing', async () => {
    for (const kind of ['transient', 'unknown_outcome', 'auth', 'capped', 'invalid_recipient'] as const) {
      const { ctx, pauses } = fakeContext();
      const { adapter } = adapterAnswering(async () => {
        throw new ProviderError(kind, kind);
      });
      await sendOne(ctx, adapter, 'conn_1', message);
      expect(pauses, kind).toEqual([]);
    }
  });

  it('a raw failure (timeout, dropped connection) goes through the adapter’s own mapping: unknown, sent once', async () => {
    const { ctx } = fakeContext();
    const lost = new Error('socket hang up');
    const seen: unknown[] = [];
    const { adapter, sent } = adapterAnswering(
      async () => {
        throw lost;
      },
      (e) => {
        seen.push(e);
        return new ProviderError('unknown_outcome', 'network error: socket hang up');
      },
    );
    const answer = await sendOne(ctx, adapter, 'conn_1', message);
    expect(answer).toMatchObject({ kind: 'unknown', error: { kind: 'unknown_outcome' } });
    expect(seen).toEqual([lost]);
    expect(sent).toHaveLength(1);
  });
});

describe('outboundMessage and errorInfo', () => {
  it('adds the template send identity to a template message only', () => {
    const template = {
      providerTemplateId: 'tpl_1',
      name: 'welcome',
      language: 'en',
      parameterFormat: 'positional',
      variables: ['1'],
      components: { body: { text: 'Hi {{1}}' }, buttons: [] },
    } as never;
    const content = {
      type: 'template',
      templateId: 't',
      templateName: 'welcome',
      language: 'en',
      values: {},
    } as const;
    expect(outboundMessage('m1', '+1', content, template).template).toMatchObject({
      providerTemplateId: 'tpl_1',
      name: 'welcome',
      buttonTypes: [],
    });
    expect(outboundMessage('m1', '+1', content, null).template).toBeUndefined();
    expect(outboundMessage('m1', '+1', { type: 'text', text: 'x' }, template).template).toBeUndefined();
  });

  it('one wording for a closed window, the vendor text kept', () => {
    const info = errorInfo(
      new ProviderError('template_required', 'vendor says 131047', { vendorCode: '131047' }),
    );
    expect(info).toEqual({
      kind: 'template_required',
      vendorCode: '131047',
      vendorMessage: undefined,
      reason: TEMPLATE_REQUIRED_REASON,
    });
  });
});
