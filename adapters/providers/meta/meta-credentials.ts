// A Meta Cloud API connection's credentials, parsed with zod at the API boundary and after decryption.
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

export type MetaCredentials = z.infer<typeof metaCredentialsSchema>;
