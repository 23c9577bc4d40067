// HS256 JSON Web Tokens (RFC 7519 / 7515) over WebCrypto: our sessions and media links, and Pipedrive's panel
// token, are HS256 only, so a JOSE library (jose, ≈ 6 KiB gzipped of the Worker, issue 13) is not needed. Same
// checks as jose's jwtVerify with `algorithms: ['HS256']` and `requiredClaims: ['exp']`: the header's alg must be
// HS256 (never `none`), no `crit` extension, signature compared by crypto.subtle.verify (constant time), exp
// required, nbf and iat numeric, the audience matched when asked.

export type JwtFailure = 'expired' | 'bad signature' | 'algorithm not allowed' | 'invalid';

export class JwtError extends Error {
  constructor(readonly reason: JwtFailure) {
    super(`JWT rejected: ${reason}`);
    this.name = 'JwtError';
  }
}

const encoder = new TextEncoder();
const B64URL = /^[A-Za-z0-9_-]*$/;

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!B64URL.test(text) || text.length % 4 === 1) throw new JwtError('invalid');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function jsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(part)));
  } catch {
    throw new JwtError('invalid');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new JwtError('invalid');
  return value as Record<string, unknown>;
}

const hmacKey = (secret: Uint8Array, usage: 'sign' | 'verify') =>
  crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);

export async function signHs256(payload: Record<string, unknown>, secret: Uint8Array): Promise<string> {
  const input = `${base64url(encoder.encode(JSON.stringify({ alg: 'HS256' })))}.${base64url(
    encoder.encode(JSON.stringify(payload)),
  )}`;
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

export interface VerifyOptions {
  /** Epoch milliseconds. */
  now: number;
  audience?: string;
  clockToleranceSeconds?: number;
}

/** The payload of a valid token, else JwtError with the reason. */
export async function verifyHs256(
  token: string,
  secret: Uint8Array,
  options: VerifyOptions,
): Promise<Record<string, unknown>> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('invalid');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonObject(headerPart);
  if (header.alg !== 'HS256') throw new JwtError('algorithm not allowed');
  if ('crit' in header) throw new JwtError('invalid');
  const valid = await crypto.subtle.verify(
    'HMAC',
    await hmacKey(secret, 'verify'),
    fromBase64url(signaturePart),
    encoder.encode(`${headerPart}.${payloadPart}`),
  );
  if (!valid) throw new JwtError('bad signature');
  const payload = jsonObject(payloadPart);
  const now = Math.floor(options.now / 1000);
  const tolerance = options.clockToleranceSeconds ?? 0;
  const { exp, nbf, iat, aud } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new JwtError('invalid');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) throw new JwtError('invalid');
  if (iat !== undefined && typeof iat !== 'number') throw new JwtError('invalid');
  if (exp <= now - tolerance) throw new JwtError('expired');
  if (options.audience !== undefined) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(options.audience)) throw new JwtError('invalid');
  }
  return payload;
}
