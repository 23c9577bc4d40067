// Issue 12 item 6: the rate card expresses the 2026 changes (vendors/whatsapp-2026.md §1.2) and the contact's
// stored free entry point counts; the provider's pricing decides over the estimate.
import { describe, expect, it } from 'vitest';
import {
  classifySend,
  estimateCost,
  isAuthenticationInternational,
  providerCharge,
  rateCardSchema,
  rateOf,
  type RateCard,
} from './pricing';
import { HOUR_MS, type LogEntry } from './window';

const H = HOUR_MS;
const NOW = Date.UTC(2026, 10, 20, 12);
const inbound = (at: number): LogEntry => ({ direction: 'inbound', at, kind: 'free_form' });
const UTILITY = { kind: 'template', category: 'UTILITY' } as const;
const AUTH = { kind: 'template', category: 'AUTHENTICATION' } as const;
const FREE = { kind: 'free_form' } as const;

const card2026: RateCard = rateCardSchema.parse({
  currency: 'EUR',
  perMessage: {
    MARKETING: 0.06,
    UTILITY: 0.03,
    AUTHENTICATION: 0.03,
    SERVICE: 0.01,
    AUTHENTICATION_INTERNATIONAL: 0.05,
  },
  windowCharges: { service: true, utility: true, since: '2026-10-01' },
  authenticationInternational: { callingCodes: ['+91', '+62'] },
});

describe('rate card: 2026 changes (configurable)', () => {
  it('by default service and in-window utility stay free (the 2026 charge is UNVERIFIED)', () => {
    expect(classifySend([inbound(NOW - H)], FREE, NOW)).toMatchObject({
      category: 'SERVICE',
      billable: false,
    });
    expect(classifySend([inbound(NOW - H)], UTILITY, NOW)).toMatchObject({ billable: false });
  });

  it('charges service replies and in-window utility templates from `since` when configured', () => {
    const charges = card2026.windowCharges;
    expect(classifySend([inbound(NOW - H)], FREE, NOW, { charges })).toMatchObject({ billable: true });
    expect(classifySend([inbound(NOW - H)], UTILITY, NOW, { charges })).toMatchObject({ billable: true });
    const before = Date.UTC(2026, 8, 30, 12);
    expect(classifySend([inbound(before - H)], FREE, before, { charges })).toMatchObject({ billable: false });
    const e = estimateCost(
      [classifySend([inbound(NOW - H)], FREE, NOW, { charges }), classifySend([], UTILITY, NOW, { charges })],
      card2026,
    );
    expect(e).toMatchObject({ billable: 2, total: 0.04 });
  });

  it('the free entry point stays free even with window charges', () => {
    const stored = { lastInboundAt: NOW - H, freeEntryPointUntil: NOW + 10 * H, referralAt: null };
    const c = classifySend([inbound(NOW - H)], FREE, NOW, { charges: card2026.windowCharges, stored });
    expect(c).toMatchObject({ billable: false, freeEntryPoint: true });
  });

  it('a pending referral in the stored summary makes this reply open the free entry point', () => {
    const stored = { lastInboundAt: NOW - H, freeEntryPointUntil: null, referralAt: NOW - H };
    expect(classifySend([inbound(NOW - H)], UTILITY, NOW, { stored })).toMatchObject({
      billable: false,
      freeEntryPoint: true,
      opensConversation: 'FREE_ENTRY_POINT',
    });
  });

  it('authentication to a listed market from another country is authentication-international', () => {
    expect(isAuthenticationInternational(card2026, '+919812345678', '+15550783881')).toBe(true);
    expect(isAuthenticationInternational(card2026, '+919812345678', '+919800000000')).toBe(false);
    expect(isAuthenticationInternational(card2026, '+393331234567', '+15550783881')).toBe(false);
    expect(isAuthenticationInternational(card2026, null, '+15550783881')).toBe(false);
    const c = classifySend([], AUTH, NOW, { authenticationInternational: true });
    expect(c).toMatchObject({ category: 'AUTHENTICATION_INTERNATIONAL', billable: true });
    expect(estimateCost([c], card2026).total).toBe(0.05);
  });

  it('new categories fall back to their parent rate; referral conversion is free', () => {
    const plain = rateCardSchema.parse({
      currency: 'USD',
      perMessage: { MARKETING: 0.025, UTILITY: 0.004, AUTHENTICATION: 0.0135, SERVICE: 0 },
    });
    expect(rateOf(plain, 'AUTHENTICATION_INTERNATIONAL')).toBe(0.0135);
    expect(rateOf(plain, 'MARKETING_LITE')).toBe(0.025);
    expect(rateOf(plain, 'REFERRAL_CONVERSION')).toBe(0);
    expect(() => rateCardSchema.parse({ ...plain, windowCharges: { since: '1 Oct' } })).toThrow();
    expect(() =>
      rateCardSchema.parse({ ...plain, authenticationInternational: { callingCodes: ['91'] } }),
    ).toThrow();
  });
});

describe('providerCharge: Meta PMP pricing decides (billable deprecated)', () => {
  it.each([
    [{ type: 'regular' }, true],
    [{ type: 'free_customer_service', billable: true }, false],
    [{ type: 'free_entry_point' }, false],
    [{ billable: true }, true],
    [{ billable: false }, false],
    [{}, null],
  ] as const)('%j → billable %s', (pricing, billable) => {
    expect(providerCharge({ category: 'UTILITY', ...pricing })).toEqual({ category: 'UTILITY', billable });
  });
});
