// Meta `user_preferences` webhook → `marketing_preference` events (issue 12 item 1). The v23.0 spec has no schema
// for it: written from Meta's reference (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/
// reference/user_preferences, "Updated May 21, 2026"): value = {messaging_product, metadata, contacts[],
// user_preferences[{wa_id, detail, category: "marketing_messages", value: "stop"|"resume", timestamp}]}.
// `user_id` / `parent_user_id` (BSUIDs) are UNVERIFIED for this field: YCloud forwards them (docs.ycloud.com
// whatsapp-user-preferences), Meta's page shows only `wa_id`; read when present.
import * as z from 'zod/mini';
import type { ProviderEvent } from '../types';
import { phoneOf, userIdIn } from './map-meta-customer';

export const metaUserPreferenceSchema = z.looseObject({
  wa_id: z.optional(z.string()),
  user_id: z.optional(z.string()),
  parent_user_id: z.optional(z.string()),
  detail: z.optional(z.string()),
  category: z.string(),
  value: z.string(),
  timestamp: z.union([z.number(), z.string()]),
});

export const metaUserPreferencesValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.optional(z.string()) }),
  user_preferences: z.array(z.unknown()),
});

const PREFERENCES = new Set(['stop', 'resume']);

/** One event per readable item; an item that cannot be read becomes `unreadable` (the rest of the batch goes on). */
export function userPreferencesChange(
  value: unknown,
  receivedAt: number,
  unreadable: (item: unknown, reason: string, routingKey: string | undefined) => ProviderEvent,
): ProviderEvent[] {
  const parsed = metaUserPreferencesValueSchema.safeParse(value);
  if (!parsed.success) return [unreadable(value, '`user_preferences` change without metadata', undefined)];
  const routingKey = parsed.data.metadata.phone_number_id;
  const events: ProviderEvent[] = [];
  for (const raw of parsed.data.user_preferences) {
    const item = metaUserPreferenceSchema.safeParse(raw);
    if (!item.success) {
      events.push(unreadable(raw, 'user preference item is not readable', routingKey));
      continue;
    }
    const p = item.data;
    // Only marketing messages can be stopped today; another category would be a rule we do not know.
    if (p.category !== 'marketing_messages' || !PREFERENCES.has(p.value)) {
      events.push(unreadable(raw, `unknown preference ${p.category}=${p.value}`, routingKey));
      continue;
    }
    // `wa_id` may hold a BSUID for a username customer (vendors/whatsapp-2026.md §1.1).
    const from = phoneOf(p.wa_id);
    const userId = p.user_id ?? userIdIn(p.wa_id);
    if (!from && !userId) {
      events.push(unreadable(raw, 'user preference without wa_id or user_id', routingKey));
      continue;
    }
    const seconds = Number(p.timestamp);
    events.push({
      kind: 'marketing_preference',
      routingKey,
      preference: p.value as 'stop' | 'resume',
      ...(p.detail ? { detail: p.detail } : {}),
      ...(from ? { from } : {}),
      ...(userId ? { userId } : {}),
      ...(p.parent_user_id ? { parentUserId: p.parent_user_id } : {}),
      timestamp: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : receivedAt,
    });
  }
  return events;
}
