import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { classifySend, estimateCost, estimateCampaignCost, rateCardSchema, rateOf } from './pricing';
import type { RateCard } from './pricing';
import { HOUR_MS } from './window';
import { inbound, P0, reply, T0, tpl } from '../../test/helpers/log-entries';

const H = HOUR_MS;
const MARKETING = { kind: 'template', category: 'MARKETING' } as const;
const UTILITY = { kind: 'template', category: 'UTILITY' } as const;
const AUTH = { kind: 'template', category: 'AUTHENTICATION' } as const;
const FREE = { kind: 'free_form' } as const;

const rates: RateCard = {
  currency: 'EUR',
  perMessage: { MARKETING: 0.0572, UTILITY: 0.03, AUTHENTICATION: 0.0357, SERVICE: 0.02 },
};

describe('CBP: conversation-based pricing until 2025-06-30 (seed 000)', () => {
  it('"se esiste una conversazione di autenticazione aperta tra te e un cliente e gli invii un altro messaggio di modello di autenticazione entro 24 ore, non viene aperta una nuova conversazione"', () => {
    const c = classifySend([tpl(T0, 'AUTHENTICATION')], AUTH, T0 + 5 * H);
    expect(c).toEqual({
      allowed: true,
      category: 'AUTHENTICATION',
      billable: false,
      opensConversation: null,
      freeEntryPoint: false,
      model: 'CBP',
    });
  });

  it('"Se gli invii un messaggio di marketing, tuttavia, viene aperta una nuova conversazione di marketing, con conseguenti due conversazioni aperte"', () => {
    const c = classifySend([tpl(T0, 'AUTHENTICATION')], MARKETING, T0 + 5 * H);
    expect(c).toMatchObject({ allowed: true, billable: true, opensConversation: 'MARKETING', model: 'CBP' });
  });

  it('"se non esiste una conversazione aperta e il cliente ti invia un messaggio ... e tu rispondi entro 24 ore con un messaggio in formato libero, viene aperta una nuova conversazione di servizio"', () => {
    const c = classifySend([inbound(T0)], FREE, T0 + 3 * H);
    expect(c).toMatchObject({
      allowed: true,
      category: 'SERVICE',
      billable: true,
      opensConversation: 'SERVICE',
    });
  });

  it('"se esiste una conversazione aperta di qualsiasi categoria ... e gli invii un messaggio in formato libero entro 24 ore, non viene aperta alcuna nuova conversazione"', () => {
    const c = classifySend([tpl(T0, 'UTILITY'), inbound(T0 + H)], FREE, T0 + 2 * H);
    expect(c).toMatchObject({ allowed: true, billable: false, opensConversation: null });
  });

  it('"Se ti trovi all\'esterno della finestra, puoi inviare solo messaggi modello"', () => {
    expect(classifySend([inbound(T0)], FREE, T0 + 25 * H)).toMatchObject({
      allowed: false,
      reason: 'template_required',
      billable: false,
    });
    expect(classifySend([], FREE, T0)).toMatchObject({ allowed: false, reason: 'template_required' });
    expect(classifySend([inbound(T0)], UTILITY, T0 + 25 * H)).toMatchObject({
      allowed: true,
      opensConversation: 'UTILITY',
      billable: true,
    });
  });

  it('a reply to an ad referral opens the free entry point; everything is then free for 72 h', () => {
    const log = [inbound(T0, true)];
    expect(classifySend(log, MARKETING, T0 + H)).toMatchObject({
      billable: false,
      opensConversation: 'FREE_ENTRY_POINT',
      freeEntryPoint: true,
    });
    const after = [...log, reply(T0 + H)];
    expect(classifySend(after, MARKETING, T0 + 50 * H)).toMatchObject({
      allowed: true,
      billable: false,
      opensConversation: null,
      freeEntryPoint: true,
    });
    expect(classifySend(after, MARKETING, T0 + 73 * H)).toMatchObject({
      billable: true,
      opensConversation: 'MARKETING',
      freeEntryPoint: false,
    });
  });
});

describe('PMP: per-message pricing since 2025-07-01 (vendors/providers.md)', () => {
  it.each([
    ['marketing in the window', [inbound(P0)], MARKETING, true],
    ['authentication outside it', [], AUTH, true],
    ['utility inside the window is free', [inbound(P0)], UTILITY, false],
    ['utility outside the window is billable', [inbound(P0 - 30 * H)], UTILITY, true],
    ['service (free-form) is free', [inbound(P0)], FREE, false],
  ] as const)('%s', (_label, log, send, billable) => {
    const c = classifySend(log, send, P0 + H);
    expect(c.model).toBe('PMP');
    expect(c.billable).toBe(billable);
    expect(c.opensConversation).toBeNull();
  });

  it('a repeated marketing template is billed again (no conversation covers it)', () => {
    expect(classifySend([tpl(P0, 'MARKETING')], MARKETING, P0 + H).billable).toBe(true);
  });

  it('all are free in a free entry point window', () => {
    const log = [inbound(P0, true), reply(P0 + H)];
    for (const send of [MARKETING, UTILITY, AUTH, FREE]) {
      expect(classifySend(log, send, P0 + 2 * H)).toMatchObject({
        allowed: true,
        billable: false,
        freeEntryPoint: true,
      });
    }
  });
});

describe('cost estimate', () => {
  it('sums billable sends per category from the rate card, without float drift', () => {
    const sends = [
      classifySend([], MARKETING, P0),
      classifySend([], MARKETING, P0),
      classifySend([inbound(P0)], UTILITY, P0 + H),
      classifySend([], UTILITY, P0),
      classifySend([], FREE, P0),
    ];
    const e = estimateCost(sends, rates);
    expect(e).toMatchObject({ currency: 'EUR', billable: 3, free: 1, refused: 1, total: 0.1444 });
    expect(e.byCategory.MARKETING).toEqual({ billable: 2, cost: 0.1144 });
    expect(e.byCategory.UTILITY).toEqual({ billable: 1, cost: 0.03 });
  });

  it('a 10,000-recipient marketing campaign costs exactly 10,000 × the rate', () => {
    const e = estimateCampaignCost(
      Array.from({ length: 10_000 }, () => []),
      'MARKETING',
      P0,
      rates,
    );
    expect(e.total).toBe(572);
  });

  it('the rate card is validated', () => {
    expect(rateCardSchema.safeParse(rates).success).toBe(true);
    expect(rateCardSchema.safeParse({ ...rates, currency: 'euro' }).success).toBe(false);
    expect(
      rateCardSchema.safeParse({ currency: 'EUR', perMessage: { ...rates.perMessage, SERVICE: -1 } }).success,
    ).toBe(false);
  });

  it('property: total = Σ rate over billable sends, billable + free + refused = count', () => {
    const sendArb = fc.constantFrom(MARKETING, UTILITY, AUTH, FREE);
    fc.assert(
      fc.property(fc.array(fc.tuple(sendArb, fc.boolean(), fc.boolean())), (items) => {
        const cs = items.map(([send, inWindow, cbp]) => {
          const now = cbp ? T0 : P0;
          return classifySend(inWindow ? [inbound(now - H)] : [], send, now);
        });
        const e = estimateCost(cs, rates);
        expect(e.billable + e.free + e.refused).toBe(cs.length);
        const expected =
          cs.filter((c) => c.billable).reduce((n, c) => n + Math.round(rateOf(rates, c.category) * 1e6), 0) /
          1e6;
        expect(e.total).toBe(expected);
      }),
    );
  });
});
