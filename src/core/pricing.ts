// Send classification and cost estimate (DESIGN.md §3.2, seed 000, vendors/providers.md "Pricing").
// CBP (until 2025-06-30): a charge per conversation opened. PMP (since 2025-07-01): a charge per delivered
// marketing / authentication template, and per utility template outside the CSW; service is free; all free in FEP.
import * as z from 'zod/mini';
import type { TemplateCategory } from './template';
import { conversationOpenedBy, pricingModelAt, replay, windowFromSummary } from './window';
import type { ConversationCategory, LogEntry, PricingModel, ProposedSend } from './window';

export type PricingCategory = TemplateCategory | 'SERVICE';

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
export function classifySend(log: readonly LogEntry[], send: ProposedSend, now: number): SendClassification {
  const r = replay(log, now);
  const window = windowFromSummary(r.summary, now);
  const model = pricingModelAt(now);
  const category: PricingCategory = send.kind === 'template' ? send.category : 'SERVICE';
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
  else if (category === 'UTILITY') billable = !window.freeFormAllowed;
  else billable = category === 'MARKETING' || category === 'AUTHENTICATION';
  return { allowed: true, category, billable, opensConversation, freeEntryPoint, model };
}

export const rateCardSchema = z.object({
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  perMessage: z.object({
    MARKETING: z.number().check(z.nonnegative()),
    UTILITY: z.number().check(z.nonnegative()),
    AUTHENTICATION: z.number().check(z.nonnegative()),
    SERVICE: z.number().check(z.nonnegative()),
  }),
});
/** Rates per billable message (PMP) or per opened conversation (CBP), from config. */
export type RateCard = z.infer<typeof rateCardSchema>;

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
  const micro: Record<PricingCategory, number> = { MARKETING: 0, UTILITY: 0, AUTHENTICATION: 0, SERVICE: 0 };
  const byCategory: CostEstimate['byCategory'] = {
    MARKETING: { billable: 0, cost: 0 },
    UTILITY: { billable: 0, cost: 0 },
    AUTHENTICATION: { billable: 0, cost: 0 },
    SERVICE: { billable: 0, cost: 0 },
  };
  let billable = 0;
  let free = 0;
  let refused = 0;
  for (const c of classifications) {
    if (!c.allowed) refused++;
    else if (!c.billable) free++;
    else {
      billable++;
      byCategory[c.category].billable++;
      micro[c.category] += Math.round(rates.perMessage[c.category] * MICRO);
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
