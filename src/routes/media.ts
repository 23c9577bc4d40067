// GET /media/:token[/:name]: customer media behind a signed, expiring link (services/relay/media.ts). The trailing name is
// display only (the CRMs show it / preview by its extension); everything that matters is inside the signed token.
import { Hono } from '../http/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../env';
import { AppError } from '../core/errors';
import { openMediaLink } from '../services/relay/media';

// A compact JWS: three base64url parts. Anything else is refused before any crypto or lookup.
const tokenSchema = z
  .string()
  .check(z.maxLength(2048), z.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/));

// Types a browser may render from our origin. Anything else (HTML, SVG, XML…) a customer sends as a "document"
// is served as a download in a sandbox, so it can never run script on our origin.
const INLINE_TYPES = /^(image\/(jpeg|png|webp|gif)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf)$/;

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name, neither able to break out of the header. */
export function contentDisposition(kind: 'inline' | 'attachment', filename?: string): string {
  if (!filename) return kind;
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

export const mediaRoutes = new Hono<AppEnv>().get('/:token/:name?', async (c) => {
  const token = tokenSchema.safeParse(c.req.param('token'));
  if (!token.success) throw new AppError('unauthorized', 'Invalid media link');
  const media = await openMediaLink(c.get('ctx'), token.data);
  const contentType = media.contentType.split(';')[0]!.trim().toLowerCase();
  const inline = INLINE_TYPES.test(contentType);
  const headers = new Headers({
    'Content-Type': media.contentType,
    'Cache-Control': 'private, max-age=3600',
    'X-Content-Type-Options': 'nosniff',
    // The CRMs' web apps show the picture from their own origin (<img src> of our link).
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', media.filename),
  });
  if (!inline) headers.set('Content-Security-Policy', "default-src 'none'; sandbox");
  if (media.contentLength !== undefined) headers.set('Content-Length', String(media.contentLength));
  return new Response(media.body, { status: 200, headers });
});
