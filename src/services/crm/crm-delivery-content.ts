// What a message the CRM asks us to send becomes (its Delivery URL): the media types of its attachments, and the
// approved template a text outside the window is the body of (DESIGN.md §1).
import type { AppContext } from '../../context';
import type { MediaType, MessageContent } from '../../core/message';
import { matchTemplate } from '../../core/template-match';
import type { Connection } from '../../store/connections';
import type { StoredDelivery } from '../../store/crm-deliveries';
import type { StoredTemplate } from '../../store/templates';

/** The APPROVED template whose body, placeholders filled, is `text`: what it goes out as outside the window. */
export async function matchApproved(
  ctx: AppContext,
  connection: Connection,
  text: string,
): Promise<Extract<MessageContent, { type: 'template' }> | null> {
  const approved = await ctx.templates.list(connection.id, connection.provider, { status: 'APPROVED' });
  const match = matchTemplate(text, approved);
  if (!match) return null;
  const template = match.template as StoredTemplate;
  return {
    type: 'template',
    templateId: template.id,
    templateName: template.name,
    language: template.language,
    values: match.values,
  };
}

const MEDIA_BY_EXTENSION: [RegExp, MediaType][] = [
  [/\.(jpe?g|png)$/i, 'image'],
  [/\.webp$/i, 'sticker'],
  [/\.(mp4|3gpp?)$/i, 'video'],
  [/\.(mp3|ogg|opus|amr|aac|m4a)$/i, 'audio'],
];

/** Attachments come as bare URLs (HighLevel's Delivery URL): the extension decides the WhatsApp media type, document otherwise. */
export function mediaTypeOf(url: string): MediaType {
  const path = (() => {
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  })();
  return MEDIA_BY_EXTENSION.find(([re]) => re.test(path))?.[1] ?? 'document';
}

/** The URL's file name, decoded; a broken escape (`%ZZ`) is kept as written rather than failing the job. */
function lastSegment(url: string): string {
  const segment = url.split(/[?#]/)[0]!.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Text only → one text message; attachments → one media message each, the text as the first one's caption. */
export function contentsOf(delivery: StoredDelivery): MessageContent[] {
  const { text, attachments } = delivery.payload;
  if (attachments.length === 0) return [{ type: 'text', text }];
  return attachments.map((url, i) => {
    const mediaType = mediaTypeOf(url);
    const filename = mediaType === 'document' ? lastSegment(url) : '';
    return {
      type: 'media',
      mediaType,
      url,
      ...(i === 0 && text && mediaType !== 'sticker' && mediaType !== 'audio' ? { caption: text } : {}),
      ...(filename ? { filename } : {}),
    };
  });
}
