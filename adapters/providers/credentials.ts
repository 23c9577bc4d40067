// Per-connection provider credentials, parsed with zod at the API boundary and after decryption.
import * as z from 'zod/mini';

export const metaCredentialsSchema = z.object({
  accessToken: z.string().check(z.minLength(10)),
  wabaId: z.string().check(z.regex(/^\d+$/, 'WhatsApp Business Account id is numeric')),
  phoneNumberId: z.string().check(z.regex(/^\d+$/, 'phone number id is numeric')),
  /** Optional per-connection app secret; defaults to META_APP_SECRET. */
  appSecret: z.optional(z.string().check(z.minLength(8))),
  /**
   * Kept so credentials stored with a version still parse; the app passes META_GRAPH_API_VERSION to the adapter,
   * which wins (issue 12 item 7: one configured version for every Graph request).
   */
  apiVersion: z.optional(z.string().check(z.regex(/^v\d+\.\d+$/))),
});

export const twilioCredentialsSchema = z.object({
  accountSid: z
    .string()
    .check(z.regex(/^AC[0-9a-fA-F]{32}$/, 'Account SID starts with AC and has 32 hex digits')),
  authToken: z.string().check(z.minLength(16)),
  /** WhatsApp sender in E.164 (without the `whatsapp:` prefix). */
  from: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
  messagingServiceSid: z.optional(z.string().check(z.regex(/^MG[0-9a-fA-F]{32}$/))),
});

export const cmCredentialsSchema = z.object({
  productToken: z.uuid(),
  /** Sender number in E.164. */
  from: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
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
