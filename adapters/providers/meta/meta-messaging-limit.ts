// Messaging limits per business portfolio (issue 12 item 2; vendors/whatsapp-2026.md §1.5). None of these shapes is
// in the v23.0 spec; they are written from Meta's pages (checked 2026-12-04):
// - developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits: limits are set per business
//   portfolio and shared by all its numbers (250 → 2,000 → 10,000 → 100,000 → unlimited); the phone number field
//   `messaging_limit_tier` is deprecated, `whatsapp_business_manager_messaging_limit` replaces it (values TIER_250,
//   TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED, as in the phone_number_quality_update reference).
// - …/webhooks/reference/business_capability_update: `entry[].id` is the WABA; `value.max_daily_conversations_per_business`
//   is the portfolio's limit, TIER_250 … TIER_UNLIMITED in the table although the page's example sends the integer 2000
//   (both are read); the older `max_daily_conversation_per_phone` (250 … 100000, -1 = unlimited) was to be removed in
//   February 2026 and is read only when the new field is absent. A change carrying neither (phone-number limits only)
//   is no messaging-limit event.
// - The WABA node's `owner_business_info {id, name}` (Graph reference "WhatsApp Business Account") names the business
//   portfolio that owns it, and so every number of the WABA.
import type { AxiosInstance } from 'axios';
import * as z from 'zod/mini';
import { ProviderError } from '../../../src/core/errors';
import type { ProviderEvent, ProviderMessagingLimit } from '../types';

const tierValue = z.union([z.string(), z.number()]);

export const metaPhoneMessagingLimitSchema = z.looseObject({
  id: z.string(),
  whatsapp_business_manager_messaging_limit: z.optional(tierValue),
});

export const metaWabaOwnerSchema = z.looseObject({
  id: z.string(),
  owner_business_info: z.optional(z.looseObject({ id: z.string(), name: z.optional(z.string()) })),
});

export const metaCapabilityValueSchema = z.looseObject({
  max_daily_conversations_per_business: z.optional(tierValue),
  max_daily_conversation_per_phone: z.optional(z.number()),
  max_phone_numbers_per_business: z.optional(z.number()),
  max_phone_numbers_per_waba: z.optional(z.number()),
});

/**
 * A Meta tier as a number of unique customers per 24 h: null = unlimited, undefined = not a limit (TIER_NOT_SET,
 * an unknown word). Reads `TIER_2K`, `TIER_250`, `TIER_UNLIMITED`, 2000, "2000" and -1.
 */
export function metaTierLimit(value: string | number | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' || /^-?\d+$/.test(value)) {
    const n = Number(value);
    if (n === -1) return null;
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  }
  const word = value.trim().toUpperCase();
  if (word === 'TIER_UNLIMITED' || word === 'UNLIMITED') return null;
  const tier = /^TIER_(\d+)(K)?$/.exec(word);
  if (!tier) return undefined;
  return Number(tier[1]) * (tier[2] ? 1000 : 1);
}

/** GET the phone number's limit and the WABA's owner (two reads, in parallel). Answers we cannot read throw. */
export async function readMetaMessagingLimit(
  client: AxiosInstance,
  input: { version: string; phoneNumberId: string; wabaId: string },
): Promise<ProviderMessagingLimit> {
  const [phone, waba] = await Promise.all([
    client.get(`/${input.version}/${input.phoneNumberId}`, {
      params: { fields: 'id,whatsapp_business_manager_messaging_limit' },
    }),
    client.get(`/${input.version}/${input.wabaId}`, { params: { fields: 'id,owner_business_info' } }),
  ]);
  const limit = metaPhoneMessagingLimitSchema.safeParse(phone.data);
  const owner = metaWabaOwnerSchema.safeParse(waba.data);
  if (!limit.success || !owner.success)
    throw new ProviderError('rejected', 'Meta returned an unexpected messaging limit or WABA owner', {
      raw: { phone: phone.data, waba: waba.data },
    });
  const tier = metaTierLimit(limit.data.whatsapp_business_manager_messaging_limit);
  const portfolioId = owner.data.owner_business_info?.id;
  return { ...(portfolioId ? { portfolioId } : {}), ...(tier !== undefined ? { limit: tier } : {}) };
}

/** One `business_capability_update` change → a messaging_limit event of the WABA (or nothing, or unreadable). */
export function capabilityEvents(
  value: unknown,
  wabaId: string,
  time: number | undefined,
  receivedAt: number,
): ProviderEvent[] {
  const timestamp = time !== undefined ? time * 1000 : receivedAt;
  const parsed = metaCapabilityValueSchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
      .join('; ');
    return [
      {
        kind: 'unreadable',
        provider: 'meta',
        routingKey: wabaId,
        reason: `\`business_capability_update\` change: ${where}`,
        raw: JSON.stringify(value) ?? String(value),
        timestamp,
      },
    ];
  }
  const v = parsed.data;
  const business = metaTierLimit(v.max_daily_conversations_per_business);
  const limit = business !== undefined ? business : metaTierLimit(v.max_daily_conversation_per_phone);
  if (limit === undefined) return [];
  return [{ kind: 'messaging_limit', routingKey: wabaId, limit, timestamp }];
}
