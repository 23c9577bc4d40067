// Customer media for the CRMs. Meta's webhooks carry a media id, not a URL, and Meta's download URLs need our
// access token and expire in minutes; the CRMs need a URL they can fetch. So CRM records get a signed link to
// GET /media/:token, valid as long as Meta keeps the media (30 days), and each fetch downloads it fresh.
import type { ProviderMedia } from '../../../adapters/providers/types';
import { requireSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { MessageContent } from '../../core/message';
import { createMediaToken, verifyMediaToken } from '../../security/media-link';
import type { Connection } from '../../store/connections';
import { MessageChangeStore } from '../../store/message-changes';
import { bareProviderAdapter, providerAdapterFor } from './providers';

/** Meta keeps inbound media 30 days: a link outliving it would only ever answer an error. */
export const MEDIA_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
};

/**
 * Last path segment of a link: the filename, or `image.jpg` style. Display only (Pipedrive shows it as the link
 * text; HighLevel previews attachments by extension). Reduced to URL-safe characters.
 */
export function linkName(content: { mediaType: string; filename?: string; mimeType?: string }): string {
  const base = (content.mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  const ext = EXTENSIONS[base];
  const fallback = ext ? `${content.mediaType}.${ext}` : content.mediaType;
  const cleaned = (content.filename ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80);
  return cleaned && cleaned !== '_' ? cleaned : fallback;
}

/**
 * The URL a CRM should show for this content: our signed link when the provider serves media by id (Meta), the
 * provider's own URL otherwise (Twilio MediaUrl, CM.com), none for other content. A missing SESSION_SECRET only
 * drops the link: the readable text still reaches the CRM.
 */
export async function crmAttachmentUrl(
  ctx: AppContext,
  connection: Connection,
  content: MessageContent | null | undefined,
  receivedAt: number,
): Promise<string | undefined> {
  if (content?.type !== 'media') return undefined;
  const fetchable = content.mediaId && bareProviderAdapter(ctx, connection.provider).fetchMedia;
  if (!fetchable || !content.mediaId) return content.url;
  const secret = ctx.config.secrets.SESSION_SECRET;
  if (!secret) return content.url;
  const token = await createMediaToken(
    secret,
    { connectionId: connection.id, mediaId: content.mediaId, filename: content.filename },
    // From when the customer sent it: that is when Meta's 30 days started.
    receivedAt + MEDIA_LINK_TTL_MS,
  );
  return `${ctx.config.APP_BASE_URL.replace(/\/+$/, '')}/media/${token}/${linkName(content)}`;
}

export interface OpenedMedia extends ProviderMedia {
  /** Filename the customer's message carried (documents), for Content-Disposition. */
  filename?: string;
}

/**
 * Checks the link (before any lookup or provider call), then downloads the media from the connection's provider.
 * Unknown or disconnected connections and providers without media downloads are 404; provider failures surface as
 * ProviderError (502).
 */
export async function openMediaLink(ctx: AppContext, token: string): Promise<OpenedMedia> {
  const claims = await verifyMediaToken(requireSecret(ctx.config, 'SESSION_SECRET'), token, ctx.now());
  // The customer deleted the message: its links die with it, whatever the token's expiry says.
  if (await new MessageChangeStore(ctx.db).isMediaRevoked(claims.connectionId, claims.mediaId)) {
    throw new AppError('not_found', 'The customer deleted this message: its media is no longer available');
  }
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(claims.connectionId);
  const gone = () => new AppError('not_found', 'This media is no longer available');
  if (!connection || connection.status !== 'active') throw gone();
  const adapter = await providerAdapterFor(ctx, connection).catch((error: unknown) => {
    // No credentials any more (uninstalled): the media cannot be reached.
    throw error instanceof AppError && error.code === 'conflict' ? gone() : error;
  });
  if (!adapter.fetchMedia) throw gone();
  const media = await adapter.fetchMedia({ mediaId: claims.mediaId });
  return { ...media, filename: media.filename ?? claims.filename };
}
