// Meta `template_category_update` → `template_category` events (issue 12 item 4). Not in the v23.0 spec: written
// from Meta's reference (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/
// template_category_update). Two shapes: impending {correct_category = the category in 24 h, new_category = the
// CURRENT category, category_update_timestamp}; completed {previous_category, new_category}.
import * as z from 'zod/mini';
import type { ProviderEvent } from '../types';

export const metaTemplateCategoryValueSchema = z.looseObject({
  message_template_id: z.union([z.number(), z.string()]),
  message_template_name: z.optional(z.string()),
  message_template_language: z.optional(z.string()),
  correct_category: z.optional(z.string()),
  new_category: z.string(),
  previous_category: z.optional(z.string()),
  category_update_timestamp: z.optional(z.union([z.number(), z.string()])),
});

const upper = (value: string | undefined) => value?.trim().toUpperCase() || undefined;

/** Throws on an unreadable value (the caller keeps it as an unreadable item). */
export function templateCategoryChange(
  value: unknown,
  wabaId: string,
  time: number | undefined,
  now: number,
): ProviderEvent[] {
  const v = metaTemplateCategoryValueSchema.parse(value);
  const common = {
    kind: 'template_category' as const,
    routingKey: wabaId,
    providerTemplateId: String(v.message_template_id),
    ...(v.message_template_name ? { name: v.message_template_name } : {}),
    ...(v.message_template_language ? { language: v.message_template_language } : {}),
    timestamp: time !== undefined ? time * 1000 : now,
  };
  const correct = upper(v.correct_category);
  if (correct) {
    const at = Number(v.category_update_timestamp);
    return [
      {
        ...common,
        phase: 'impending',
        previousCategory: upper(v.new_category),
        nextCategory: correct,
        ...(Number.isFinite(at) && at > 0 ? { effectiveAt: at * 1000 } : {}),
      },
    ];
  }
  return [
    {
      ...common,
      phase: 'completed',
      ...(v.previous_category ? { previousCategory: upper(v.previous_category) } : {}),
      nextCategory: upper(v.new_category)!,
    },
  ];
}
