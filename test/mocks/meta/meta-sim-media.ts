// Media endpoints of the Meta simulator: `GET /{version}/{media-id}` (spec retrieveMediaUrl) answers a download URL
// valid 5 minutes, and `GET` of that URL (spec downloadMedia, `/{Version}/{Media-URL}`) answers the bytes. Both need
// the Bearer token (the guard), like Meta. The handler falls through (returns nothing) for any other node id.
import { http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import { graphError } from './meta-sim-state';
import type { MetaSimState } from './meta-sim-state';
import { withOperation } from './meta-sim-checks';

const DOWNLOAD_TTL_MS = 5 * 60 * 1000;
// One path segment, so the URL matches the spec's `/{Version}/{Media-URL}`; the secret part is random.
const DOWNLOAD_PREFIX = 'whatsapp_media_';

export interface MetaMediaHandlerOptions {
  baseUrl: string;
  phoneNumberId: string;
  state: MetaSimState;
  guard(request: unknown): Promise<{ request: Request; early?: Response }>;
  now?: () => number;
}

async function sha256Base64(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return btoa(String.fromCharCode(...digest));
}

export function createMetaMediaHandlers(options: MetaMediaHandlerOptions): HttpHandler[] {
  const { baseUrl, phoneNumberId, state, guard } = options;
  const now = options.now ?? Date.now;

  const media = http.get(`${baseUrl}/:version/:nodeId`, async ({ request: incoming, params }) => {
    const nodeId = String(params.nodeId);
    if (nodeId.startsWith(DOWNLOAD_PREFIX)) {
      const { early } = await guard(incoming);
      if (early) return early;
      state.calls.mediaDownload++;
      const download = state.downloads.get(nodeId.slice(DOWNLOAD_PREFIX.length));
      const stored = download && download.expiresAt > now() ? state.media.get(download.mediaId) : undefined;
      // The CDN answers an expired or unknown link with a bare 404.
      if (!stored) return withOperation(new HttpResponse('Not Found', { status: 404 }), 'downloadMedia');
      return withOperation(
        new HttpResponse(stored.bytes, {
          headers: { 'content-type': stored.mimeType, 'content-length': String(stored.bytes.byteLength) },
        }),
        'downloadMedia',
      );
    }
    const stored = state.media.get(nodeId);
    if (!stored) return undefined; // not media: the node handler answers
    const { request, early } = await guard(incoming);
    if (early) return early;
    state.calls.mediaInfo++;
    const owner = new URL(request.url).searchParams.get('phone_number_id');
    if (owner !== null && owner !== phoneNumberId)
      return graphError(400, 100, `(#100) Param phone_number_id is not the owner of media ${nodeId}`);
    const token = crypto.randomUUID().replace(/-/g, '');
    state.downloads.set(token, { mediaId: nodeId, expiresAt: now() + DOWNLOAD_TTL_MS });
    return withOperation(
      HttpResponse.json({
        url: `${baseUrl}/${String(params.version)}/${DOWNLOAD_PREFIX}${token}`,
        mime_type: stored.mimeType,
        sha256: await sha256Base64(stored.bytes),
        file_size: String(stored.bytes.byteLength),
        id: nodeId,
        messaging_product: 'whatsapp',
      }),
      'retrieveMediaUrl',
    );
  });

  // `DELETE /{version}/{media-id}` (spec deleteMedia): the business deletes media, e.g. after the customer revoked
  // the message. Unknown ids fall through to the other handlers (none answers DELETE: msw reports it).
  const remove = http.delete(`${baseUrl}/:version/:nodeId`, async ({ request: incoming, params }) => {
    const nodeId = String(params.nodeId);
    const { request, early } = await guard(incoming);
    if (early) return early;
    state.calls.mediaDelete++;
    const owner = new URL(request.url).searchParams.get('phone_number_id');
    if (!state.media.has(nodeId))
      return graphError(400, 100, `Unsupported delete request. Object with ID '${nodeId}' does not exist`);
    if (owner !== null && owner !== phoneNumberId)
      return graphError(400, 100, `(#100) Param phone_number_id is not the owner of media ${nodeId}`);
    state.media.delete(nodeId);
    for (const [token, d] of state.downloads) if (d.mediaId === nodeId) state.downloads.delete(token);
    return withOperation(HttpResponse.json({ success: true }), 'deleteMedia');
  });

  return [media, remove];
}
