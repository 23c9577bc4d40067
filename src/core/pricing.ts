// Send classification and cost estimate (DESIGN.md §3.2, seed 000, vendors/providers.md "Pricing").
// CBP (until 2025-06-30): a charge per conversation opened. PMP (since 2025-07-01): a charge per delivered
// marketing / authentication template, and per utility template outside the CSW; service is free; all free in FEP.
import * as z from 'zod/mini';
import type { TemplateCategory } from './template';
import { conversationOpenedBy, pricingModelAt, replay, windowFromSummary } from './window';
import type {
  ContactWindowSummary,
  ConversationCategory,
  LogEntry,
  PricingModel,
  ProposedSend,
} from './window';

/**
 * What a message is charged as. Besides the template categories and service, the provider may report
 * authentication-international, marketing lite (Marketing Messages API) and referral conversion (free entry point
 * under conversation-based pricing): Meta's `pricing.category` values (vendors/whatsapp-2026.md §1.2).
 */
export type PricingCategory =
  TemplateCategory | 'SERVICE' | 'AUTHENTICATION_INTERNATIONAL' | 'MARKETING_LITE' | 'REFERRAL_CONVERSION';
export const PRICING_CATEGORIES: readonly PricingCategory[] = [
  'MARKETING',
  'UTILITY',
  'AUTHENTICATION',
  'SERVICE',
  'AUTHENTICATION_INTERNATIONAL',
  'MARKETING_LITE',
  'REFERRAL_CONVERSION',
];

/** Why the provider says a message is (not) charged, PMP: `regular` = charged, the others = free. */
export type ProviderPricingType = 'regular' | 'free_customer_service' | 'free_entry_point';

/** The provider's own pricing of a message (status webhooks), normalized by its adapter. */
export interface ProviderPricing {
  category?: PricingCategory;
  type?: ProviderPricingType | (string & {});
  /** Deprecated by Meta under PMP: used only when `type` is absent. */
  billable?: boolean;
}

/**
 * The provider's pricing replaces our estimate whole (DESIGN.md §3.2): its category, and whether it is charged —
 * from `type` (PMP), else the deprecated `billable`, else unknown (null: keep what we had).
 */
export function providerCharge(pricing: ProviderPricing): {
  category: PricingCategory | null;
  billable: boolean | null;
} {
  const billable =
    pricing.type === 'regular'
      ? true
      : pricing.type === 'free_customer_service' || pricing.type === 'free_entry_point'
        ? false
        : (pricing.billable ?? null);
  return { category: pricing.category ?? null, billable };
}

export interface ClassifyOptions {
  /**
   * The contact's stored window summary: referral and free entry point are kept there (the log has no referral
   * flag), so a reply that opened the 72-hour window, or a pending referral, count.
   */
  stored?: ContactWindowSummary;
  /** Which 2026 in-window charges apply (the rate card's `windowCharges`). */
  charges?: RateCard['windowCharges'];
  /** The recipient is in a market where authentication is charged at the authentication-international rate. */
  authenticationInternational?: boolean;
}

function chargedInWindow(charges: RateCard['windowCharges'], what: 'service' | 'utility', now: number) {
  if (!charges?.[what]) return false;
  return !charges.since || now >= Date.parse(`${charges.since}T00:00:00Z`);
}

export interface SendClassification {
  allowed: boolean;
  /** Why the send is refused: free-form outside the customer service window. */
  reason?: 'template_required';
  category: PricingCategory;
  /** Whether this send is charged (CBP: it opens a paid conversation; PMP: the message itself is paid). */
  billable: boolean;
  /** CBP: the conversation this send opens; both models: `FREE_ENTRY_POINT` when it opens the 72-hour window. */
  opensConversation: ConversationCategory | null;
  /** The send is free because of a free entry point window (running, or opened by this very send). */
  freeEntryPoint: boolean;
  model: PricingModel;
}

/** Classifies a proposed send at `now` given the contact's log (outbound entries = sends that went out). */
export function classifySend(
  log: readonly LogEntry[],
  send: ProposedSend,
  now: number,
  options: ClassifyOptions = {},
): SendClassification {
  const replayed = replay(log, now);
  const stored = options.stored;
  const r = stored
    ? {
        ...replayed,
        summary: {
          lastInboundAt: replayed.summary.lastInboundAt ?? stored.lastInboundAt,
          freeEntryPointUntil:
            Math.max(replayed.summary.freeEntryPointUntil ?? 0, stored.freeEntryPointUntil ?? 0) || null,
          referralAt: stored.referralAt ?? null,
        },
      }
    : replayed;
  const window = windowFromSummary(r.summary, now);
  const model = pricingModelAt(now);
  const category: PricingCategory =
    send.kind === 'free_form'
      ? 'SERVICE'
      : send.category === 'AUTHENTICATION' && options.authenticationInternational
        ? 'AUTHENTICATION_INTERNATIONAL'
        : send.category;
  if (send.kind === 'free_form' && !window.freeFormAllowed) {
    return {
      allowed: false,
      reason: 'template_required',
      category,
      billable: false,
      opensConversation: null,
      freeEntryPoint: false,
      model,
    };
  }
  const opensConversation = conversationOpenedBy(r, send, now);
  const freeEntryPoint = opensConversation === 'FREE_ENTRY_POINT' || window.freeEntryPoint?.active === true;
  let billable: boolean;
  if (freeEntryPoint) billable = false;
  else if (model === 'CBP') billable = opensConversation !== null;
  // 2026: service replies and in-window utility templates are charged where the rate card says so (UNVERIFIED,
  // vendors/whatsapp-2026.md §1.2: configurable, off by default).
  else if (category === 'UTILITY')
    billable = !window.freeFormAllowed || chargedInWindow(options.charges, 'utility', now);
  else if (category === 'SERVICE') billable = chargedInWindow(options.charges, 'service', now);
  else billable = true; // marketing, authentication (international too)
  return { allowed: true, category, billable, opensConversation, freeEntryPoint, model };
}

const rate = z.number().check(z.nonnegative());
const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

export const rateCardSchema = z.object({
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  perMessage: z.object({
    MARKETING: rate,
    UTILITY: rate,
    AUTHENTICATION: rate,
    SERVICE: rate,
    /** Authentication to a market with an authentication-international rate (defaults to AUTHENTICATION's). */
    AUTHENTICATION_INTERNATIONAL: z.optional(rate),
    /** Marketing Messages API sends (defaults to MARKETING's). */
    MARKETING_LITE: z.optional(rate),
  }),
  /**
   * 2026 changes (vendors/whatsapp-2026.md §1.2, UNVERIFIED against Meta's own text, so off unless configured):
   * from `since`, free-form replies in the window (`service`) and utility templates in the window (`utility`) are
   * charged at SERVICE / UTILITY.
   */
  windowCharges: z.optional(
    z.object({
      service: z.optional(z.boolean()),
      utility: z.optional(z.boolean()),
      since: z.optional(isoDate),
    }),
  ),
  /**
   * Markets (calling codes such as "+91") where an authentication template from a number of another country is
   * charged at AUTHENTICATION_INTERNATIONAL (Meta's authentication-international rates; nine more markets since
   * 2026-10-01, vendors/whatsapp-2026.md §1.2).
   */
  authenticationInternational: z.optional(
    z.object({ callingCodes: z.array(z.string().check(z.regex(/^\+\d{1,4}$/))) }),
  ),
});
/** Rates per billable message (PMP) or per opened conversation (CBP), from config. */
export type RateCard = z.infer<typeof rateCardSchema>;

/** The rate of one billable message of `category` (the 2026 categories fall back to their parent's rate). */
export function rateOf(rates: RateCard, category: PricingCategory): number {
  const p = rates.perMessage;
  switch (category) {
    case 'AUTHENTICATION_INTERNATIONAL':
      return p.AUTHENTICATION_INTERNATIONAL ?? p.AUTHENTICATION;
    case 'MARKETING_LITE':
      return p.MARKETING_LITE ?? p.MARKETING;
    case 'REFERRAL_CONVERSION':
      return 0;
    default:
      return p[category];
  }
}

/**
 * Whether an authentication template to `recipientPhone` from `senderPhone` is charged at the international rate:
 * the recipient's market is listed and the sender's number is from another country.
 */
export function isAuthenticationInternational(
  rates: RateCard,
  recipientPhone: string | null,
  senderPhone: string | null,
): boolean {
  const codes = rates.authenticationInternational?.callingCodes ?? [];
  if (!recipientPhone) return false;
  const market = codes.find((c) => recipientPhone.startsWith(c));
  return market !== undefined && !(senderPhone ?? '').startsWith(market);
}

export interface CostEstimate {
  currency: string;
  total: number;
  billable: number;
  free: number;
  refused: number;
  byCategory: Record<PricingCategory, { billable: number; cost: number }>;
}

// Money is summed in millionths to avoid float drift over thousands of sends.
const MICRO = 1_000_000;

export function estimateCost(classifications: readonly SendClassification[], rates: RateCard): CostEstimate {
  const micro = Object.fromEntries(PRICING_CATEGORIES.map((c) => [c, 0])) as Record<PricingCategory, number>;
  const byCategory = Object.fromEntries(
    PRICING_CATEGORIES.map((c) => [c, { billable: 0, cost: 0 }]),
  ) as CostEstimate['byCategory'];
  let billable = 0;
  let free = 0;
  let refused = 0;
  for (const c of classifications) {
    if (!c.allowed) refused++;
    else if (!c.billable) free++;
    else {
      billable++;
      byCategory[c.category].billable++;
      micro[c.category] += Math.round(rateOf(rates, c.category) * MICRO);
    }
  }
  let totalMicro = 0;
  for (const key of Object.keys(micro) as PricingCategory[]) {
    byCategory[key].cost = micro[key] / MICRO;
    totalMicro += micro[key];
  }
  return { currency: rates.currency, total: totalMicro / MICRO, billable, free, refused, byCategory };
}

/** Cost of sending one template of `category` now to each recipient, given each recipient's own log. */
export function estimateCampaignCost(
  recipientLogs: readonly (readonly LogEntry[])[],
  category: TemplateCategory,
  now: number,
  rates: RateCard,
): CostEstimate {
  return estimateCost(
    recipientLogs.map((log) => classifySend(log, { kind: 'template', category }, now)),
    rates,
  );
}
