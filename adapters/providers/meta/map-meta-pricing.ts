// Meta's `pricing` object on status webhooks → our provider pricing (issue 12 item 6). Under per-message pricing
// (since 2025-07-01) `type` says why a message is or is not charged — regular | free_customer_service |
// free_entry_point — and `billable` is deprecated; categories since 2026 include authentication_international,
// marketing_lite and referral_conversion (vendors/whatsapp-2026.md §1.2; Meta's status webhook reference, mirrored
// at docs.ycloud.com/reference/whatsapp-message-pricing-updates). Not in the v23.0 spec: see test/spec/spec-patches-2026.ts.
import type { PricingCategory } from '../../../src/core/pricing';
import type { PricingInfo } from '../types';
import type { MetaStatus } from './meta-api';

const CATEGORIES: Record<string, PricingCategory> = {
  marketing: 'MARKETING',
  marketing_lite: 'MARKETING_LITE',
  utility: 'UTILITY',
  authentication: 'AUTHENTICATION',
  authentication_international: 'AUTHENTICATION_INTERNATIONAL',
  service: 'SERVICE',
  referral_conversion: 'REFERRAL_CONVERSION',
};

export function mapMetaPricing(pricing: NonNullable<MetaStatus['pricing']>): PricingInfo {
  const raw = pricing.category;
  const category = raw ? CATEGORIES[raw.toLowerCase()] : undefined;
  return {
    ...(pricing.billable !== undefined ? { billable: pricing.billable } : {}),
    ...(pricing.pricing_model ? { model: pricing.pricing_model } : {}),
    ...(pricing.type ? { type: pricing.type } : {}),
    // An unknown category word is kept as the provider wrote it, never guessed into one of ours.
    ...(category ? { category } : {}),
    ...(raw ? { providerCategory: raw } : {}),
  };
}
