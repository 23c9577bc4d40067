// A CM.com connection's credentials, parsed with zod at the API boundary and after decryption.
import * as z from 'zod/mini';

export const cmCredentialsSchema = z.object({
  productToken: z.uuid(),
  /** Sender number in E.164. */
  from: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
});

export type CmCredentials = z.infer<typeof cmCredentialsSchema>;
