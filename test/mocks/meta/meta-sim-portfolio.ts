// The simulator's business portfolio (issue 12 item 2): the messaging limit its numbers share, answered by Graph
// (phone number `whatsapp_business_manager_messaging_limit`, WABA `owner_business_info`) and announced by the
// `business_capability_update` webhook. Shapes from Meta's pages: test/spec/meta-portfolio-schemas.ts.
import { META_WEBHOOK_DEFAULTS, metaEnvelope, type MetaWebhookContext } from './meta-webhooks';

/** Meta's tier words for the five limits (250 → 2,000 → 10,000 → 100,000 → unlimited). */
export type MetaTier = 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

const TIER_NUMBER: Record<MetaTier, number> = {
  TIER_250: 250,
  TIER_2K: 2000,
  TIER_10K: 10000,
  TIER_100K: 100000,
  TIER_UNLIMITED: -1,
};

export const META_SIM_PORTFOLIO = { id: '520987654321098', name: 'wabridge simulator portfolio' } as const;

export class MetaSimPortfolio {
  id: string = META_SIM_PORTFOLIO.id;
  name: string = META_SIM_PORTFOLIO.name;
  /** Newly created business portfolios start at 250 (Meta "Messaging limits"). */
  tier: MetaTier = 'TIER_250';

  reset(): void {
    this.id = META_SIM_PORTFOLIO.id;
    this.name = META_SIM_PORTFOLIO.name;
    this.tier = 'TIER_250';
  }
}

export interface CapabilityInput {
  tier: MetaTier;
  timeMs?: number;
  /**
   * `business`: today's `max_daily_conversations_per_business` as a tier word; `business-number`: the same field as
   * the integer of the page's example; `legacy`: only `max_daily_conversation_per_phone` (removed February 2026).
   */
  form?: 'business' | 'business-number' | 'legacy';
}

/** A `business_capability_update` webhook for the WABA (…/webhooks/reference/business_capability_update). */
export function metaCapabilityWebhook(ctx: MetaWebhookContext, input: CapabilityInput) {
  const form = input.form ?? 'business';
  const n = TIER_NUMBER[input.tier];
  const value =
    form === 'legacy'
      ? { max_daily_conversation_per_phone: n }
      : { max_daily_conversations_per_business: form === 'business' ? input.tier : n };
  // Phone-number limits ride along: per business while the limit is 250, per WABA otherwise (the reference's note).
  const phones = n === 250 ? { max_phone_numbers_per_business: 2 } : { max_phone_numbers_per_waba: 25 };
  return metaEnvelope([
    {
      id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId,
      time: Math.floor((input.timeMs ?? Date.now()) / 1000),
      changes: [{ field: 'business_capability_update', value: { ...value, ...phones } }],
    },
  ]);
}

/** The Graph fields a GET asked for (`?fields=a,b`). */
export function askedFields(request: Request): Set<string> {
  const fields = new URL(request.url).searchParams.get('fields') ?? '';
  return new Set(
    fields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
  );
}
