// zod schemas of our own API bodies (the public surface of DESIGN.md §4).
import * as z from 'zod/mini';
import { TEMPLATE_CATEGORIES, TEMPLATE_STATUSES } from '../../core/template';

const text = (max: number) => z.string().check(z.maxLength(max));

export const buttonSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: text(200), payload: z.optional(text(256)) }),
  z.object({
    type: z.literal('URL'),
    text: text(200),
    url: z.string().check(z.maxLength(2000)),
    examples: z.optional(z.array(text(2000))),
  }),
  z.object({ type: z.literal('PHONE_NUMBER'), text: text(200), phoneNumber: text(32) }),
  z.object({ type: z.literal('COPY_CODE'), text: text(200), example: z.optional(text(64)) }),
  z.object({ type: z.literal('OTP'), text: text(200), otpType: z.optional(text(32)) }),
  z.object({ type: z.literal('FLOW'), text: text(200), flowId: z.optional(text(64)) }),
]);

export const componentsSchema = z.object({
  header: z.optional(
    z.object({
      format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']),
      text: z.optional(text(2000)),
      examples: z.optional(z.array(text(2000))),
      mediaExample: z.optional(text(2000)),
    }),
  ),
  body: text(10_000),
  footer: z.optional(text(2000)),
  buttons: z._default(z.array(buttonSchema).check(z.maxLength(50)), []),
});

export const draftSchema = z.object({
  name: text(1000),
  language: z.string().check(z.minLength(2), z.maxLength(16)),
  category: z.enum(TEMPLATE_CATEGORIES),
  parameterFormat: z._default(z.enum(['POSITIONAL', 'NAMED']), 'POSITIONAL'),
  components: componentsSchema,
  examples: z._default(z.record(z.string().check(z.maxLength(200)), text(2000)), {}),
  allowCategoryChange: z.optional(z.boolean()),
});

export const templateStatusSchema = z.enum(TEMPLATE_STATUSES);

// A phone, or a business-scoped user ID (`CC.` + up to 128 alphanumerics) for a customer known by username only.
const e164ish = z.string().check(z.minLength(5), z.maxLength(140));

export const contentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string().check(z.minLength(1), z.maxLength(4096)),
    previewUrl: z.optional(z.boolean()),
  }),
  z.object({
    type: z.literal('media'),
    mediaType: z.enum(['image', 'video', 'audio', 'document', 'sticker']),
    url: z.url({ protocol: /^https?$/ }),
    caption: z.optional(z.string().check(z.maxLength(1024))),
    filename: z.optional(z.string().check(z.maxLength(240))),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().check(z.gte(-90), z.lte(90)),
    longitude: z.number().check(z.gte(-180), z.lte(180)),
    name: z.optional(z.string().check(z.maxLength(1000))),
    address: z.optional(z.string().check(z.maxLength(1000))),
  }),
  z.object({
    type: z.literal('template'),
    templateId: z.string().check(z.minLength(1), z.maxLength(64)),
    values: z._default(z.record(z.string().check(z.maxLength(200)), z.string().check(z.maxLength(1024))), {}),
    headerMediaUrl: z.optional(z.url({ protocol: /^https?$/ })),
  }),
  z.object({
    type: z.literal('reaction'),
    emoji: z.string().check(z.maxLength(16)),
    targetProviderMessageId: z.string().check(z.minLength(1), z.maxLength(256)),
  }),
]);

export const sendSchema = z.object({
  connectionId: z.optional(z.string().check(z.maxLength(64))),
  to: e164ish,
  content: contentSchema,
  crmDealId: z.optional(z.string().check(z.maxLength(64))),
  customerName: z.optional(z.string().check(z.maxLength(200))),
});
