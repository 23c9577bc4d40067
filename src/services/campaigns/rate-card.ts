// The configured rate card (PRICING_RATE_CARD) and how a send is classified against it: the contact's stored
// free entry point / referral, the 2026 in-window charges and authentication-international (issue 12 item 6).
import type { AppContext } from '../../context';
import {
  isAuthenticationInternational,
  rateCardSchema,
  type ClassifyOptions,
  type RateCard,
} from '../../core/pricing';
import type { ContactWindowSummary } from '../../core/window';

/** Illustrative per-message rates (USD) used when PRICING_RATE_CARD is not configured; set it for real figures. */
export const DEFAULT_RATE_CARD: RateCard = {
  currency: 'USD',
  perMessage: { MARKETING: 0.025, UTILITY: 0.004, AUTHENTICATION: 0.0135, SERVICE: 0 },
};

// Parsed once per configured value: every send and campaign slice prices against it.
let parsed: { raw: string; card: RateCard } | undefined;

export function rateCard(ctx: AppContext): RateCard {
  const raw = ctx.config.PRICING_RATE_CARD;
  if (!raw) return DEFAULT_RATE_CARD;
  if (parsed?.raw !== raw) parsed = { raw, card: parseRateCard(raw) };
  return parsed.card;
}

function parseRateCard(raw: string): RateCard {
  try {
    return rateCardSchema.parse(JSON.parse(raw));
  } catch {
    // A broken rate card must not block campaigns; the estimate says which card it used.
    return DEFAULT_RATE_CARD;
  }
}

/** Classification options of one send from `senderPhone` to a customer with this stored window summary. */
export function classifyOptions(
  rates: RateCard,
  stored: ContactWindowSummary,
  recipientPhone: string | null,
  senderPhone: string | null,
): ClassifyOptions {
  return {
    stored,
    charges: rates.windowCharges,
    authenticationInternational: isAuthenticationInternational(rates, recipientPhone, senderPhone),
  };
}

/** The stored window summary of a contact row as campaign queries read it. */
export function summaryOfRow(row: {
  last_inbound_at: number | null;
  free_entry_point_until: number | null;
  referral_at: number | null;
}): ContactWindowSummary {
  return {
    lastInboundAt: row.last_inbound_at,
    freeEntryPointUntil: row.free_entry_point_until,
    referralAt: row.referral_at,
  };
}
