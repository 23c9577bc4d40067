// HighLevel webhook authentication (DESIGN.md §6): X-GHL-Signature = base64 Ed25519 over the raw body; the legacy
// X-WH-Signature = base64 RSA-SHA256 (docs/WebhookAuthentication.md, deprecated from 2026-07-01). WebCrypto only.
import { AppError } from '../../../src/core/errors';

/** HighLevel's Ed25519 webhook key as quoted from the Webhook Integration Guide
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide) by the SDK users we checked
 * (vendors/highlevel.md §3). Configurable: HighLevel announces rotations by email. */
export const HIGHLEVEL_ED25519_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----`;

/** The RSA-4096 key of the legacy X-WH-Signature, verbatim from docs/WebhookAuthentication.md. */
export const HIGHLEVEL_RSA_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`;

export const ED25519_SIGNATURE_HEADER = 'x-ghl-signature';
export const RSA_SIGNATURE_HEADER = 'x-wh-signature';

/** docs/WebhookAuthentication.md: "within an acceptable time window (e.g., 5 minutes)". */
export const DEFAULT_MAX_AGE_MS = 5 * 60_000;
/** Small allowance for clock drift between HighLevel and the Worker before a timestamp counts as "in the future". */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 30_000;

export type HighLevelSignatureScheme = 'ed25519' | 'rsa-sha256';

export interface VerifySignatureInput {
  /** The body exactly as received: never a re-serialized object. */
  rawBody: string | Uint8Array;
  headers: Headers | Record<string, string | undefined>;
  /** PEM, base64 SPKI, or base64 raw 32-byte key. Default: HIGHLEVEL_ED25519_PUBLIC_KEY_PEM. */
  ed25519PublicKey?: string;
  /** Accept the legacy X-WH-Signature when no X-GHL-Signature is present. Default false. */
  allowLegacyRsa?: boolean;
  /** PEM or base64 SPKI. Default: HIGHLEVEL_RSA_PUBLIC_KEY_PEM. */
  rsaPublicKey?: string;
}

const unauthorized = (message: string) => new AppError('unauthorized', message);

/** Verifies the signature; resolves with the scheme used, or throws AppError('unauthorized'). */
export async function verifyHighLevelSignature(
  input: VerifySignatureInput,
): Promise<HighLevelSignatureScheme> {
  const body: Uint8Array<ArrayBuffer> =
    typeof input.rawBody === 'string'
      ? new TextEncoder().encode(input.rawBody)
      : new Uint8Array(input.rawBody);
  const ghl = header(input.headers, ED25519_SIGNATURE_HEADER);
  if (ghl) {
    const key = input.ed25519PublicKey ?? HIGHLEVEL_ED25519_PUBLIC_KEY_PEM;
    if (await verify(key, 'ed25519', ghl, body)) return 'ed25519';
    throw unauthorized('Invalid X-GHL-Signature');
  }
  const wh = header(input.headers, RSA_SIGNATURE_HEADER);
  if (wh && input.allowLegacyRsa) {
    if (await verify(input.rsaPublicKey ?? HIGHLEVEL_RSA_PUBLIC_KEY_PEM, 'rsa', wh, body))
      return 'rsa-sha256';
    throw unauthorized('Invalid X-WH-Signature');
  }
  throw unauthorized('Missing X-GHL-Signature');
}

export interface ReplayCheckInput {
  /** The body's `timestamp`: ISO 8601 (docs example "2025-01-28T14:35:00Z") or epoch ms / s. */
  timestamp: unknown;
  now: number;
  maxAgeMs?: number;
  maxFutureSkewMs?: number;
  /** Reject a body without a timestamp. Default false: the Delivery URL payload documents none. */
  required?: boolean;
}

/** Rejects a stale or future `timestamp`; returns it as epoch ms (undefined when absent and not required). */
export function checkHighLevelTimestamp(input: ReplayCheckInput): number | undefined {
  if (input.timestamp === undefined || input.timestamp === null || input.timestamp === '') {
    if (input.required) throw unauthorized('Webhook timestamp missing');
    return undefined;
  }
  const at = toEpochMs(input.timestamp);
  if (at === undefined) throw unauthorized('Webhook timestamp unreadable');
  if (input.now - at > (input.maxAgeMs ?? DEFAULT_MAX_AGE_MS))
    throw unauthorized('Webhook timestamp too old (replay?)');
  if (at - input.now > (input.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS))
    throw unauthorized('Webhook timestamp in the future');
  return at;
}

export interface VerifiedHighLevelWebhook {
  scheme: HighLevelSignatureScheme;
  /** Parsed JSON body, to hand to parseHighLevelAppEvent / parseHighLevelOutboundDelivery. */
  body: unknown;
  /** Store it and reject a second delivery with the same id (docs/WebhookAuthentication.md). */
  webhookId?: string;
  timestampMs?: number;
}

/** Signature + JSON + timestamp window in one call, for the routes. Throws AppError('unauthorized') on a forged,
 * unreadable or stale call, so nothing is stored. The webhookId dedupe is the caller's (it needs the store). */
export async function verifyHighLevelWebhook(
  input: VerifySignatureInput & Omit<ReplayCheckInput, 'timestamp'>,
): Promise<VerifiedHighLevelWebhook> {
  const scheme = await verifyHighLevelSignature(input);
  const text = typeof input.rawBody === 'string' ? input.rawBody : new TextDecoder().decode(input.rawBody);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'Webhook body is not JSON');
  }
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const timestampMs = checkHighLevelTimestamp({ ...input, timestamp: record.timestamp });
  const webhookId = typeof record.webhookId === 'string' && record.webhookId ? record.webhookId : undefined;
  return { scheme, body, webhookId, timestampMs };
}

function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return toEpochMs(Number(value));
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function header(headers: VerifySignatureInput['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name)?.trim() || undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && v) return v.trim();
  return undefined;
}

/** Ed25519 signatures are 64 bytes (RFC 8032 §5.1.6). */
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Never throws: bad base64, a wrong length or anything WebCrypto refuses is simply `false` (→ 401). workerd's
 * Ed25519 verify throws "Invalid Ed25519 signature length" where Node returns false (issue 17 finding 4), so the
 * length is checked first and any other throw is caught as well. A key that cannot be imported (a misconfigured
 * HIGHLEVEL_WEBHOOK_PUBLIC_KEY) verifies nothing either; it is logged, because then every call is refused.
 */
async function verify(
  keyText: string,
  kind: 'ed25519' | 'rsa',
  signatureB64: string,
  body: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const signature = decodeBase64(signatureB64);
  if (!signature) return false;
  if (kind === 'ed25519' && signature.length !== ED25519_SIGNATURE_BYTES) return false;
  let key: CryptoKey;
  try {
    key = await importKey(keyText, kind);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'error',
        event: 'highlevel_webhook_key_unusable',
        kind,
        error: error instanceof Error ? error.message : 'unknown',
      }),
    );
    return false;
  }
  const algorithm: AlgorithmIdentifier =
    kind === 'ed25519' ? { name: 'Ed25519' } : { name: 'RSASSA-PKCS1-v1_5' };
  try {
    return await crypto.subtle.verify(algorithm, key, signature, body);
  } catch {
    return false;
  }
}

// Imported keys are cached per isolate: importKey costs more than the verification itself.
const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(key: string, kind: 'ed25519' | 'rsa'): Promise<CryptoKey> {
  const cacheKey = `${kind}:${key}`;
  let pending = keyCache.get(cacheKey);
  if (!pending) {
    pending = doImport(key, kind);
    pending.catch(() => keyCache.delete(cacheKey));
    keyCache.set(cacheKey, pending);
  }
  return pending;
}

async function doImport(key: string, kind: 'ed25519' | 'rsa'): Promise<CryptoKey> {
  const der = decodeBase64(key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
  if (!der) throw new AppError('not_configured', `HighLevel ${kind} public key is not valid base64/PEM`);
  if (kind === 'ed25519') {
    // A bare 32-byte key is "raw"; anything longer is SubjectPublicKeyInfo.
    return crypto.subtle.importKey(der.length === 32 ? 'raw' : 'spki', der, { name: 'Ed25519' }, false, [
      'verify',
    ]);
  }
  return crypto.subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
    'verify',
  ]);
}

function decodeBase64(value: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}
