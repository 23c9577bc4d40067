// Builders for the 2026 Meta webhook fields of issue 12 (user_preferences, template_category_update), shaped from
// Meta's reference pages; their schemas (written from the same pages, the v23.0 spec lacks them) are in
// test/spec/meta-webhooks-2026.ts and checked in meta-webhooks-2026.test.ts.
import { META_WEBHOOK_DEFAULTS, metaEnvelope, type MetaWebhookContext } from './meta-webhooks';

const epoch = (ms: number) => Math.floor(ms / 1000);
const digits = (phone: string) => phone.replace(/\D/g, '');

export interface UserPreferenceInput {
  /** Customer phone (E.164 or digits); absent for a username customer, named by `userId`. */
  from?: string;
  userId?: string;
  preference: 'stop' | 'resume';
  timestampMs: number;
  profileName?: string;
}

const DETAIL = {
  stop: 'User requested to stop marketing messages',
  resume: 'User requested to resume marketing messages',
} as const;

/** `user_preferences`: the customer stopped or resumed marketing messages inside WhatsApp. */
export function metaUserPreferencesWebhook(ctx: MetaWebhookContext, inputs: UserPreferenceInput[]) {
  const key = (i: UserPreferenceInput) => ({
    ...(i.from ? { wa_id: digits(i.from) } : {}),
    ...(i.userId ? { user_id: i.userId } : {}),
  });
  const value = {
    messaging_product: 'whatsapp',
    metadata: {
      display_phone_number: ctx.displayPhoneNumber ?? META_WEBHOOK_DEFAULTS.displayPhoneNumber,
      phone_number_id: ctx.phoneNumberId ?? META_WEBHOOK_DEFAULTS.phoneNumberId,
    },
    contacts: inputs.map((i) => ({ profile: { name: i.profileName ?? 'Sheena Nelson' }, ...key(i) })),
    user_preferences: inputs.map((i) => ({
      ...key(i),
      detail: DETAIL[i.preference],
      category: 'marketing_messages',
      value: i.preference,
      timestamp: epoch(i.timestampMs),
    })),
  };
  return metaEnvelope([
    { id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId, changes: [{ field: 'user_preferences', value }] },
  ]);
}

export type TemplateCategoryInput = {
  templateId: string | number;
  name: string;
  language: string;
  timeMs: number;
} & (
  | { phase: 'impending'; currentCategory: string; correctCategory: string; effectiveAtMs: number }
  | { phase: 'completed'; previousCategory: string; newCategory: string }
);

/** `template_category_update`, impending (announced 24 h ahead) or completed. */
export function metaTemplateCategoryWebhook(ctx: MetaWebhookContext, input: TemplateCategoryInput) {
  const ids = {
    message_template_id: Number(input.templateId),
    message_template_name: input.name,
    message_template_language: input.language,
  };
  const value =
    input.phase === 'impending'
      ? {
          ...ids,
          correct_category: input.correctCategory,
          // Meta's reference: in the impending shape `new_category` is the template's CURRENT category.
          new_category: input.currentCategory,
          category_update_timestamp: epoch(input.effectiveAtMs),
        }
      : { ...ids, previous_category: input.previousCategory, new_category: input.newCategory };
  return metaEnvelope([
    {
      id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId,
      time: epoch(input.timeMs),
      changes: [{ field: 'template_category_update', value }],
    },
  ]);
}
