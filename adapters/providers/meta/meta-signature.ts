// Meta webhook authentication (providers.md "Webhooks"): WebCrypto only, so it runs in Workers, Node and tests.
import { timingSafeEqual } from '../../../src/security/encoding';

const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`.
 * crypto.subtle.verify compares in constant time; a missing or malformed header is simply `false`.
 */
export async function verifyMetaSignature(
  rawBody: string,
  header: string | null,
  appSecret: string | undefined,
): Promise<boolean> {
  if (!header || !appSecret) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  const signature = match ? hexToBytes(match[1]!) : undefined;
  if (!signature) return false;
  // Anything WebCrypto refuses is a failed check, never a throw (workerd and Node differ in what they throw on).
  try {
    const key = await crypto.subtle.importKey(
      'raw',
      encoder.encode(appSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    return await crypto.subtle.verify('HMAC', key, signature, encoder.encode(rawBody));
  } catch {
    return false;
  }
}

/** Hex HMAC-SHA256 as Meta computes it; used by the simulator and tests to sign payloads. */
export async function signMetaBody(rawBody: string, appSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(appSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(rawBody)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * `GET /webhooks/meta` subscription handshake: `hub.mode=subscribe` and a matching `hub.verify_token`
 * → the `hub.challenge` to echo as plain text with 200; otherwise null (answer 403).
 */
export function verifyMetaSubscription(
  query: URLSearchParams | Record<string, string | undefined>,
  verifyToken: string,
): string | null {
  const get = (k: string) => (query instanceof URLSearchParams ? (query.get(k) ?? undefined) : query[k]);
  const mode = get('hub.mode');
  const token = get('hub.verify_token');
  const challenge = get('hub.challenge');
  if (mode !== 'subscribe' || token === undefined || challenge === undefined || !verifyToken) return null;
  return timingSafeEqual(token, verifyToken) ? challenge : null;
}
