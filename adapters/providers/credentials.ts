// Per-connection provider credentials, parsed with zod at the API boundary and after decryption.
import * as z from 'zod';

export const metaCredentialsSchema = z.object({
  accessToken: z.string().min(10),
  wabaId: z.string().regex(/^\d+$/, 'WhatsApp Business Account id is numeric'),
  phoneNumberId: z.string().regex(/^\d+$/, 'phone number id is numeric'),
  /** Optional per-connection app secret; defaults to META_APP_SECRET. */
  appSecret: z.string().min(8).optional(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),
});

export const twilioCredentialsSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'Account SID starts with AC and has 32 hex digits'),
  authToken: z.string().min(16),
  /** WhatsApp sender in E.164 (without the `whatsapp:` prefix). */
  from: z.string().regex(/^\+[1-9]\d{6,14}$/),
  messagingServiceSid: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/)
    .optional(),
});

export const cmCredentialsSchema = z.object({
  productToken: z.uuid(),
  /** Sender number in E.164. */
  from: z.string().regex(/^\+[1-9]\d{6,14}$/),
});

export type MetaCredentials = z.infer<typeof metaCredentialsSchema>;
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;
export type CmCredentials = z.infer<typeof cmCredentialsSchema>;

export const providerCredentialsSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('meta'), credentials: metaCredentialsSchema }),
  z.object({ provider: z.literal('twilio'), credentials: twilioCredentialsSchema }),
  z.object({ provider: z.literal('cm'), credentials: cmCredentialsSchema }),
]);
export type ProviderCredentials = z.infer<typeof providerCredentialsSchema>;
