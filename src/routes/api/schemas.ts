// zod schemas of our own API bodies (the public surface of DESIGN.md §4).
import * as z from 'zod';
import { TEMPLATE_CATEGORIES, TEMPLATE_STATUSES } from '../../core/template';

const text = (max: number) => z.string().max(max);

export const buttonSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: text(200), payload: text(256).optional() }),
  z.object({
    type: z.literal('URL'),
    text: text(200),
    url: z.string().max(2000),
    examples: z.array(text(2000)).optional(),
  }),
  z.object({ type: z.literal('PHONE_NUMBER'), text: text(200), phoneNumber: text(32) }),
  z.object({ type: z.literal('COPY_CODE'), text: text(200), example: text(64).optional() }),
  z.object({ type: z.literal('OTP'), text: text(200), otpType: text(32).optional() }),
  z.object({ type: z.literal('FLOW'), text: text(200), flowId: text(64).optional() }),
]);

export const componentsSchema = z.object({
  header: z
    .object({
      format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']),
      text: text(2000).optional(),
      examples: z.array(text(2000)).optional(),
      mediaExample: text(2000).optional(),
    })
    .optional(),
  body: text(10_000),
  footer: text(2000).optional(),
  buttons: z.array(buttonSchema).max(50).default([]),
});

export const draftSchema = z.object({
  name: text(1000),
  language: z.string().min(2).max(16),
  category: z.enum(TEMPLATE_CATEGORIES),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
  components: componentsSchema,
  examples: z.record(z.string().max(200), text(2000)).default({}),
  allowCategoryChange: z.boolean().optional(),
});

export const templateStatusSchema = z.enum(TEMPLATE_STATUSES);

const e164ish = z.string().min(5).max(32);

export const contentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string().min(1).max(4096),
    previewUrl: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('media'),
    mediaType: z.enum(['image', 'video', 'audio', 'document', 'sticker']),
    url: z.url({ protocol: /^https?$/ }),
    caption: z.string().max(1024).optional(),
    filename: z.string().max(240).optional(),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(1000).optional(),
    address: z.string().max(1000).optional(),
  }),
  z.object({
    type: z.literal('template'),
    templateId: z.string().min(1).max(64),
    values: z.record(z.string().max(200), z.string().max(1024)).default({}),
    headerMediaUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.object({
    type: z.literal('reaction'),
    emoji: z.string().max(16),
    targetProviderMessageId: z.string().min(1).max(256),
  }),
]);

export const sendSchema = z.object({
  connectionId: z.string().max(64).optional(),
  to: e164ish,
  content: contentSchema,
  crmDealId: z.string().max(64).optional(),
  customerName: z.string().max(200).optional(),
});
