// Readable rendering of every message type for CRMs (DESIGN.md §3.4): nothing reaches a CRM as raw JSON,
// including the types peers cannot show (seed 001: view-once, reactions, flows, CTA URL, unsupported).
import type { MessageContent, MediaType, ContactCard } from './message';

const MEDIA_LABEL: Record<MediaType, string> = {
  image: '📷 Image',
  video: '🎥 Video',
  audio: '🎤 Audio',
  document: '📄 Document',
  sticker: '🏷️ Sticker',
};

export interface DescribeOptions {
  /** Readable text of the message a reaction points at, when the caller knows it. */
  reactedToText?: string;
}

function quote(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

export function mapsLink(latitude: number, longitude: number): string {
  return `https://maps.google.com/?q=${latitude},${longitude}`;
}

function describeContact(c: ContactCard): string {
  const details = [...c.phones, ...(c.emails ?? []), ...(c.organization ? [c.organization] : [])];
  return details.length > 0 ? `${c.name} (${details.join(', ')})` : c.name;
}

/** Flow replies carry the form answers as JSON: show them as `field: value` pairs. */
function describeFlowData(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.entries(parsed as Record<string, unknown>)
        .filter(([key]) => key !== 'flow_token')
        .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${describeValue(value)}`)
        .join('; ');
    }
    return describeValue(parsed);
  } catch {
    return data;
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(describeValue).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k.replace(/_/g, ' ')} ${describeValue(v)}`)
      .join(', ');
  }
  return String(value);
}

function money(amount: number, currency: string | undefined): string {
  const rounded = Math.round(amount * 100) / 100;
  return currency ? `${rounded} ${currency}` : String(rounded);
}

/** "🛒 Order: 2 × di9ozbzfi4 at 30 USD, 1 × nqryix03ez at 25 USD — total 85 USD — “note”". */
function describeOrder(order: Extract<MessageContent, { type: 'order' }>): string {
  const lines = order.items.map(
    (i) =>
      `${i.quantity} × ${i.productId}${i.itemPrice !== undefined ? ` at ${money(i.itemPrice, i.currency)}` : ''}`,
  );
  const currencies = new Set(order.items.map((i) => i.currency));
  const priced = order.items.every((i) => i.itemPrice !== undefined) && currencies.size === 1;
  const total = priced
    ? `total ${money(
        order.items.reduce((sum, i) => sum + i.itemPrice! * i.quantity, 0),
        order.items[0]?.currency,
      )}`
    : undefined;
  const head = `🛒 Order of ${order.items.length} item${order.items.length === 1 ? '' : 's'}`;
  return withParts(head, [lines.join(', '), total, order.note ? quote(order.note, 200) : undefined]);
}

function withParts(head: string, parts: (string | undefined)[]): string {
  const rest = parts.filter((p): p is string => !!p && p.trim() !== '');
  return rest.length > 0 ? `${head}: ${rest.join(' — ')}` : head;
}

export function describeContent(content: MessageContent, opts: DescribeOptions = {}): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'media': {
      const label = MEDIA_LABEL[content.mediaType];
      if (content.viewOnce) {
        const viewOnce = `${label.replace(' ', ' View-once ')} (opened only once on the phone, not shown here)`;
        return withParts(viewOnce, [content.caption]);
      }
      return withParts(label, [content.caption, content.filename, content.url]);
    }
    case 'location': {
      const place = [content.name, content.address].filter(Boolean).join(', ');
      return withParts('📍 Location', [place, mapsLink(content.latitude, content.longitude)]);
    }
    case 'contacts':
      return withParts(content.contacts.length === 1 ? '👤 Contact' : '👥 Contacts', [
        content.contacts.map(describeContact).join('; '),
      ]);
    case 'interactive_buttons':
      return `${[content.header, content.body, content.footer].filter(Boolean).join(' — ')} [Buttons: ${content.buttons.map((b) => b.title).join(' | ')}]`;
    case 'interactive_list': {
      const rows = content.sections.flatMap((s) => s.rows.map((r) => r.title));
      return `${[content.header, content.body, content.footer].filter(Boolean).join(' — ')} [List "${content.buttonText}": ${rows.join(' | ')}]`;
    }
    case 'cta_url':
      return `${content.body} [${content.buttonText}: ${content.url}]`;
    case 'reply':
      if (content.replyKind === 'flow') {
        const answers = content.data ? describeFlowData(content.data) : '';
        return withParts(`📝 Submitted "${content.title}"`, [answers]);
      }
      return `Tapped: ${content.title}${content.description ? ` (${content.description})` : ''}`;
    case 'template': {
      const head = `Template "${content.templateName}" (${content.language})`;
      if (content.renderedText) return withParts(head, [content.renderedText, content.headerMediaUrl]);
      const values = Object.entries(content.values).map(([id, v]) => `${id} = ${v}`);
      return withParts(head, [values.join(', '), content.headerMediaUrl]);
    }
    case 'reaction':
      if (content.emoji === '')
        return `Removed a reaction${opts.reactedToText ? ` from ${quote(opts.reactedToText)}` : ''}`;
      return `Reacted ${content.emoji} to ${opts.reactedToText ? quote(opts.reactedToText) : 'a message'}`;
    case 'order':
      return describeOrder(content);
    case 'system':
      return `ℹ️ ${content.body}`;
    case 'unsupported':
      return `Unsupported message (${content.vendorType}): ${content.description}`;
    default: {
      const unknown: never = content;
      return `Message of an unknown type (${String((unknown as { type?: unknown }).type)})`;
    }
  }
}
