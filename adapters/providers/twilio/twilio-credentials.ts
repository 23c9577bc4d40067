// A Twilio connection's credentials, parsed with zod at the API boundary and after decryption.
import * as z from 'zod/mini';

export const twilioCredentialsSchema = z.object({
  accountSid: z
    .string()
    .check(z.regex(/^AC[0-9a-fA-F]{32}$/, 'Account SID starts with AC and has 32 hex digits')),
  authToken: z.string().check(z.minLength(16)),
  /** WhatsApp sender in E.164 (without the `whatsapp:` prefix). */
  from: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
  messagingServiceSid: z.optional(z.string().check(z.regex(/^MG[0-9a-fA-F]{32}$/))),
});

export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;
