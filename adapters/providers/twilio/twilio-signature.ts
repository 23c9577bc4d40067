// X-Twilio-Signature check with WebCrypto only (runs in Workers). Algorithm from twilio.com/docs/usage/security
// and the SDKs' RequestValidator: Base64(HMAC-SHA1(AuthToken, url + Σ sorted(key + value))).
import type { WebhookRequest } from '../types';
import { timingSafeEqual } from '../../../src/security/encoding';

const encoder = new TextEncoder();

/** The string Twilio signs: the full URL, then each POST parameter sorted by key, key then value. */
export function twilioSignedPayload(url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([ka, va], [kb, vb]) =>
    ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0,
  );
  return url + sorted.map(([k, v]) => k + v).join('');
}

/**
 * Twilio computes the signature on the URL as configured, which may or may not carry the default port; its SDKs
 * therefore accept the URL with `:443` (`:80` for http) both added and removed (twilio-node webhooks.js).
 */
export function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const explicitPort = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(url)?.[1];
  const variants = new Set([url]);
  if (!defaultPort) return [...variants];
  const authority = /^([a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*))(:\d+)?(.*)$/i.exec(url);
  if (!authority) return [...variants];
  const [, head, , rest] = authority;
  if (explicitPort === undefined) variants.add(`${head}:${defaultPort}${rest}`);
  else if (explicitPort === defaultPort) variants.add(`${head}${rest}`);
  return [...variants];
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const bin = atob(b64.trim());
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Same precedence as the mapper (map-twilio-webhook.ts): JSON wins when a header names both. */
function isJsonBody(request: WebhookRequest): boolean {
  return (request.headers.get('content-type') ?? '').includes('application/json');
}

function isFormBody(request: WebhookRequest): boolean {
  const type = request.headers.get('content-type') ?? '';
  return !isJsonBody(request) && (type === '' || type.includes('application/x-www-form-urlencoded'));
}

/** Never throws for bad input: a missing header, bad base64 or wrong signature all give false. */
export async function verifyTwilioSignature(
  request: WebhookRequest,
  authToken: string | undefined,
): Promise<boolean> {
  const header = request.headers.get('x-twilio-signature');
  if (!authToken || !header) return false;
  const signature = base64ToBytes(header);
  if (!signature || signature.length !== 20) return false;

  let params: [string, string][] = [];
  let bodyHash: string | null = null;
  try {
    bodyHash = new URL(request.url).searchParams.get('bodySHA256');
  } catch {
    return false;
  }
  if (bodyHash !== null) {
    // JSON (non-form) bodies: the URL carries bodySHA256=<hex sha256(body)> and only the URL is signed.
    if (!timingSafeEqual(bodyHash.toLowerCase(), await sha256Hex(request.rawBody))) return false;
  } else if (isJsonBody(request) || (request.method.toUpperCase() === 'POST' && !isFormBody(request))) {
    // Without bodySHA256 the signature covers only the URL, so any body could ride on a captured URL
    // (twilio.com/docs/usage/webhooks/webhooks-security: JSON webhooks carry bodySHA256; the SDKs'
    // validateRequestWithBody fail when it is missing).
    return false;
  } else if (request.method.toUpperCase() === 'POST' && isFormBody(request)) {
    params = [...new URLSearchParams(request.rawBody).entries()];
  }

  // Anything WebCrypto refuses is a failed check, never a throw (workerd and Node differ in what they throw on).
  try {
    const key = await crypto.subtle.importKey(
      'raw',
      encoder.encode(authToken),
      { name: 'HMAC', hash: 'SHA-1' },
      false,
      ['verify'],
    );
    for (const url of urlVariants(request.url)) {
      // crypto.subtle.verify compares in constant time.
      if (
        await crypto.subtle.verify('HMAC', key, signature, encoder.encode(twilioSignedPayload(url, params)))
      ) {
        return true;
      }
    }
  } catch {
    return false;
  }
  return false;
}
