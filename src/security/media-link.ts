// Signed, expiring media links: the CRMs (HighLevel attachments, Pipedrive note links) fetch customer media from
// our Worker without a session. The token is an HS256 JWT (HMAC-SHA256 through WebCrypto, the same jose primitives
// as session.ts) under a key derived from SESSION_SECRET, so a session token can never pass as a media link and
// no new secret is needed. It names one connection and one provider media id, nothing else can be fetched with it.
import { JwtError, signHs256, verifyHs256 } from './hs256-jwt';
import * as z from 'zod/mini';
import { AppError } from '../core/errors';

const AUDIENCE = 'wabridge-media';
// Domain separation: the link key is HMAC(SESSION_SECRET, label), never the session key itself.
const KEY_LABEL = 'wabridge/media-link/v1';
/** Longest filename carried in a link (longer ones are cut; it is only a display name). */
const MAX_FILENAME = 120;

export const mediaLinkClaimsSchema = z.object({
  connectionId: z.string().check(z.minLength(1), z.maxLength(64)),
  mediaId: z.string().check(z.minLength(1), z.maxLength(256)),
  filename: z.optional(z.string().check(z.maxLength(MAX_FILENAME))),
});
export type MediaLinkClaims = z.infer<typeof mediaLinkClaimsSchema>;

// Compact claim names keep the URL short; the wire shape is parsed back with zod on the way in.
const wireSchema = z.object({
  c: z.string(),
  m: z.string(),
  f: z.optional(z.string()),
});

const keys = new Map<string, Promise<Uint8Array>>();

async function deriveKey(secret: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const hmac = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmac, encoder.encode(KEY_LABEL)));
}

function linkKey(secret: string): Promise<Uint8Array> {
  let key = keys.get(secret);
  if (!key) {
    key = deriveKey(secret);
    keys.set(secret, key);
  }
  return key;
}

export async function createMediaToken(
  secret: string,
  claims: MediaLinkClaims,
  expiresAt: number,
): Promise<string> {
  const filename = claims.filename?.slice(0, MAX_FILENAME);
  return signHs256(
    {
      c: claims.connectionId,
      m: claims.mediaId,
      ...(filename ? { f: filename } : {}),
      aud: AUDIENCE,
      exp: Math.floor(expiresAt / 1000),
    },
    await linkKey(secret),
  );
}

/** The link's claims, or AppError('unauthorized') for a forged, altered, malformed or expired token. */
export async function verifyMediaToken(secret: string, token: string, now: number): Promise<MediaLinkClaims> {
  try {
    const payload = await verifyHs256(token, await linkKey(secret), { audience: AUDIENCE, now });
    const wire = wireSchema.parse(payload);
    return mediaLinkClaimsSchema.parse({ connectionId: wire.c, mediaId: wire.m, filename: wire.f });
  } catch (error) {
    // Never echo the token: it is a bearer credential for the media.
    const expired = error instanceof JwtError && error.reason === 'expired';
    throw new AppError('unauthorized', expired ? 'Media link expired' : 'Invalid media link');
  }
}
