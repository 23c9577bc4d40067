// CM.com media parts need a name and a MIME type next to the URL (SDK MediaContent: mediaName, mediaUri,
// mimeType). Our outbound content often has only a URL, so both are derived from it when missing.
import type { MediaType } from '../../../src/core/message';
import type { CmMediaContent } from './cm-api';

const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  amr: 'audio/amr',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain',
};

const DEFAULT_BY_TYPE: Record<MediaType, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/mpeg',
  document: 'application/pdf',
  // WhatsApp stickers are WebP (developers.cm.com/messaging/docs/whatsapp-inbound).
  sticker: 'image/webp',
};

export function cmMediaContent(
  mediaType: MediaType,
  url: string,
  opts: { filename?: string; mimeType?: string } = {},
): CmMediaContent {
  const lastSegment = fileNameOf(url);
  const name = opts.filename ?? lastSegment ?? mediaType;
  const ext = (opts.filename ?? lastSegment ?? '').split('.').pop()?.toLowerCase() ?? '';
  const mimeType = opts.mimeType ?? BY_EXTENSION[ext] ?? DEFAULT_BY_TYPE[mediaType];
  return { mediaName: name, mediaUri: url, mimeType };
}

function fileNameOf(url: string): string | undefined {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : undefined;
  } catch {
    return undefined;
  }
}

/** Inbound: CM sends a content type; WhatsApp stickers arrive as image/webp media (whatsapp-inbound). */
export function mediaTypeOf(contentType: string | null | undefined): MediaType {
  const ct = (contentType ?? '').toLowerCase();
  if (ct === 'image/webp') return 'sticker';
  if (ct.startsWith('image/')) return 'image';
  if (ct.startsWith('video/')) return 'video';
  if (ct.startsWith('audio/')) return 'audio';
  return 'document';
}
