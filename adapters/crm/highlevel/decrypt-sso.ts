// HighLevel custom-page SSO (docs/shared_secret_customJS_customPages.md): the iframe gets an encrypted user context
// via postMessage(REQUEST_USER_DATA) and our backend decrypts it with the app's Shared Secret, exactly as the doc's
// `CryptoJS.AES.decrypt(payload, sharedSecret).toString(CryptoJS.enc.Utf8)`: CryptoJS passphrase mode, i.e. base64 of
// "Salted__" + 8-byte salt + AES-256-CBC ciphertext, key/IV from EVP_BytesToKey(MD5). Only the two submodules are
// imported to keep the Worker bundle small.
import AES from 'crypto-js/aes';
import Utf8 from 'crypto-js/enc-utf8';
import * as z from 'zod';
import { AppError } from '../../../src/core/errors';

/** Decrypted user context; `activeLocation` only in a sub-account (location) context. */
export const ssoUserSchema = z.looseObject({
  userId: z.string().min(1),
  companyId: z.string().min(1),
  role: z.string().min(1),
  type: z.string().min(1),
  activeLocation: z.string().min(1).optional(),
  userName: z.string().optional(),
  email: z.string().optional(),
});

export interface HighLevelSsoUser {
  userId: string;
  companyId: string;
  /** "admin" | "user" (the doc's examples). */
  role: string;
  /** "agency" | "location". The doc's location example still says "agency": rely on activeLocation instead. */
  type: string;
  activeLocation?: string;
  userName?: string;
  email?: string;
}

/** "Salted__" in base64: every CryptoJS passphrase ciphertext starts with it. */
const OPENSSL_SALTED_PREFIX = 'U2FsdGVkX1';
/** An SSO payload is a few hundred bytes; refuse to spend CPU on anything absurd. */
const MAX_PAYLOAD_CHARS = 16_384;

export function decryptHighLevelSso(payload: string, sharedSecret: string): HighLevelSsoUser {
  if (!sharedSecret) throw new AppError('not_configured', 'HighLevel Shared Secret is not configured');
  if (
    typeof payload !== 'string' ||
    !payload.startsWith(OPENSSL_SALTED_PREFIX) ||
    payload.length > MAX_PAYLOAD_CHARS
  ) {
    throw new AppError('unauthorized', 'HighLevel SSO payload is not a CryptoJS AES ciphertext');
  }
  let json: unknown;
  try {
    // A wrong secret yields bad padding: either an empty string or malformed UTF-8 (which throws).
    const plaintext = AES.decrypt(payload, sharedSecret).toString(Utf8);
    json = JSON.parse(plaintext);
  } catch {
    throw new AppError('unauthorized', 'HighLevel SSO payload could not be decrypted with the Shared Secret');
  }
  const parsed = ssoUserSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('unauthorized', 'HighLevel SSO payload has no valid user context', {
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const u = parsed.data;
  return {
    userId: u.userId,
    companyId: u.companyId,
    role: u.role,
    type: u.type,
    activeLocation: u.activeLocation,
    userName: u.userName,
    email: u.email,
  };
}
