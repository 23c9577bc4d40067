// HighLevel custom-page SSO (docs/shared_secret_customJS_customPages.md): the iframe gets an encrypted user context
// via postMessage(REQUEST_USER_DATA) and our backend decrypts it with the app's Shared Secret, exactly as the doc's
// `CryptoJS.AES.decrypt(payload, sharedSecret).toString(CryptoJS.enc.Utf8)`: CryptoJS passphrase mode, i.e. base64 of
// "Salted__" + 8-byte salt + AES-256-CBC ciphertext (PKCS#7), key/IV from OpenSSL's EVP_BytesToKey(MD5, 1 iteration).
// Implemented with WebCrypto AES-CBC plus src/security/md5.ts (WebCrypto has no MD5) instead of crypto-js, which
// cost ~19 KB of Worker bundle; crypto-js stays a devDependency so the test simulator proves the formats interoperate.
import * as z from 'zod/mini';
import { AppError } from '../../../src/core/errors';
import { md5 } from '../../../src/security/md5';

/** Decrypted user context; `activeLocation` only in a sub-account (location) context. */
export const ssoUserSchema = z.looseObject({
  userId: z.string().check(z.minLength(1)),
  companyId: z.string().check(z.minLength(1)),
  role: z.string().check(z.minLength(1)),
  type: z.string().check(z.minLength(1)),
  activeLocation: z.optional(z.string().check(z.minLength(1))),
  userName: z.optional(z.string()),
  email: z.optional(z.string()),
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

/** "Salted__": the 8-byte magic that opens the decoded payload. */
const SALTED_MAGIC = new TextEncoder().encode('Salted__');
const SALT_BYTES = 8;
const AES_BLOCK_BYTES = 16;
/** AES-256 key + CBC IV, as CryptoJS derives them for a passphrase. */
const KEY_BYTES = 32;
const KEY_AND_IV_BYTES = KEY_BYTES + AES_BLOCK_BYTES;

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64); // throws on characters outside the base64 alphabet
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** OpenSSL EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || password || salt), concatenated. */
function evpBytesToKey(
  password: Uint8Array,
  salt: Uint8Array,
): { key: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer> } {
  const derived = new Uint8Array(KEY_AND_IV_BYTES);
  let block = new Uint8Array(0);
  for (let filled = 0; filled < KEY_AND_IV_BYTES; filled += block.length) {
    const input = new Uint8Array(block.length + password.length + salt.length);
    input.set(block, 0);
    input.set(password, block.length);
    input.set(salt, block.length + password.length);
    block = md5(input);
    derived.set(block.subarray(0, KEY_AND_IV_BYTES - filled), filled);
  }
  return { key: derived.slice(0, KEY_BYTES), iv: derived.slice(KEY_BYTES) };
}

/** Throws (bad padding, malformed UTF-8, not CryptoJS/OpenSSL "Salted__" framing) on anything but a clean decrypt. */
async function decryptCryptoJsPassphrase(payload: string, passphrase: string): Promise<string> {
  const raw = base64Bytes(payload);
  const ciphertext = raw.subarray(SALTED_MAGIC.length + SALT_BYTES);
  if (
    !SALTED_MAGIC.every((b, i) => raw[i] === b) ||
    ciphertext.length === 0 ||
    ciphertext.length % AES_BLOCK_BYTES !== 0
  ) {
    throw new Error('not a salted AES-CBC ciphertext');
  }
  const salt = raw.subarray(SALTED_MAGIC.length, SALTED_MAGIC.length + SALT_BYTES);
  const { key, iv } = evpBytesToKey(new TextEncoder().encode(passphrase), salt);
  const aesKey = await crypto.subtle.importKey('raw', key, { name: 'AES-CBC' }, false, ['decrypt']);
  // WebCrypto checks the PKCS#7 padding and rejects (OperationError) when it is wrong, e.g. under the wrong secret.
  const plain = await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, aesKey, ciphertext);
  // fatal: malformed UTF-8 throws, as CryptoJS's enc.Utf8 does; ignoreBOM: keep a BOM (JSON.parse then rejects it).
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plain);
}

export async function decryptHighLevelSso(payload: string, sharedSecret: string): Promise<HighLevelSsoUser> {
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
    // A wrong secret yields bad padding (rejected by WebCrypto) or, rarely, valid padding over garbage that is
    // malformed UTF-8 or not JSON: every case lands here.
    json = JSON.parse(await decryptCryptoJsPassphrase(payload, sharedSecret));
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
