// State of the Meta simulator: a template store (seedable to thousands over many pages) and a send log.
import { HttpResponse } from 'msw';
import { META_SAMPLE_MEDIA } from './meta-sample-media';

export interface MetaWireComponent {
  type: string;
  format?: string;
  text?: string;
  example?: Record<string, unknown>;
  buttons?: Record<string, unknown>[];
  [k: string]: unknown;
}

export interface MetaWireTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: string;
  rejected_reason?: string;
  components: MetaWireComponent[];
}

/** Media a customer "sent": served by id (metadata) and by a short-lived download URL (bytes). */
export interface SimMedia {
  bytes: Uint8Array<ArrayBuffer>;
  mimeType: string;
}

/** A read receipt the business sent for a customer's message. */
export interface ReadReceipt {
  messageId: string;
  at: number;
}

export interface SentMessage {
  id: string;
  /** Recipient digits as sent. */
  to: string;
  type: string;
  body: Record<string, unknown>;
  at: number;
}

/** Graph error body as Meta returns it (spec `GraphAPIError`, providers.md error example). */
export function graphError(
  status: number,
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  const fbtrace_id = `Sim${Math.random().toString(36).slice(2, 12)}`;
  return HttpResponse.json(
    { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id } },
    { status },
  );
}

// Shapes taken from the spec's message_templates examples and providers.md fixtures, cycled when seeding.
const VARIANTS: ((i: number) => Omit<MetaWireTemplate, 'id' | 'name'>)[] = [
  () => ({
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Fall Sale' },
      {
        type: 'BODY',
        text: 'Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off!',
        example: { body_text: [['Mark', 'FALL25']] },
      },
      { type: 'FOOTER', text: 'Not interested? Tap Stop Promotions' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
  }),
  () => ({
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
      {
        type: 'BODY',
        text: 'Thanks {{1}}! Your order number is {{2}}.',
        example: { body_text: [['Mark', '860198']] },
      },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'PHONE_NUMBER', text: 'Call', phone_number: '16467043595' },
          { type: 'URL', text: 'Track', url: 'https://example.com/t?o={{1}}', example: ['860198'] },
        ],
      },
    ],
  }),
  () => ({
    language: 'it',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Ciao {{first_name}}, il tuo appuntamento è il {{date}}.',
        example: {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Anna' },
            { param_name: 'date', example: '3 maggio' },
          ],
        },
      },
    ],
  }),
  () => ({
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/header.jpg'] } },
      {
        type: 'BODY',
        text: 'Use code {{1}} for 10% off your next order.',
        example: { body_text: [['SAVE10']] },
      },
      { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] },
    ],
  }),
  (i) => ({
    language: 'et',
    status: i % 2 === 0 ? 'REJECTED' : 'PAUSED',
    rejected_reason: i % 2 === 0 ? 'PROMOTIONAL' : 'NONE',
    category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Tere {{1}}, teie tellimus on teel.', example: { body_text: [['Mari']] } },
    ],
  }),
];

export class MetaSimState {
  templates: MetaWireTemplate[] = [];
  sent: SentMessage[] = [];
  sentCountByRecipient = new Map<string, number>();
  /** Last inbound message per customer (digits), for the optional window check. */
  lastInbound = new Map<string, number>();
  /** Customer messages delivered to the business by webhook (wamid → sender digits): the ids it may mark read. */
  inbound = new Map<string, string>();
  /** Read receipts the business sent, in order. */
  reads: ReadReceipt[] = [];
  calls = { listTemplates: 0, mediaInfo: 0, mediaDownload: 0, mediaDelete: 0 };
  /** Media by id; starts with one sample per kind (meta-sample-media.ts). */
  media = new Map<string, SimMedia>();
  /** Download URL token → media id and expiry (Meta: ~5 minutes). */
  downloads = new Map<string, { mediaId: string; expiresAt: number }>();
  private templateSeq = 1_000_000_000_000;
  private mediaSeq = 2_000_000_000_000_000;

  constructor() {
    this.seedSampleMedia();
  }

  private seedSampleMedia(): void {
    for (const sample of Object.values(META_SAMPLE_MEDIA))
      this.media.set(sample.id, { bytes: sample.bytes, mimeType: sample.mimeType });
  }

  /** Registers bytes the customer sends; returns the media id to put in an inbound webhook. */
  addMedia(bytes: Uint8Array<ArrayBuffer>, mimeType: string, id?: string): string {
    this.mediaSeq += 1;
    const mediaId = id ?? String(this.mediaSeq);
    this.media.set(mediaId, { bytes, mimeType });
    return mediaId;
  }

  static encodeCursor(offset: number): string {
    return btoa(`cursor:${offset}`).replace(/=+$/, '');
  }

  static decodeCursor(cursor: string | null): number | undefined {
    if (!cursor) return 0;
    try {
      const m = /^cursor:(\d+)$/.exec(atob(cursor));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  nextTemplateId(): string {
    this.templateSeq += 1;
    return String(this.templateSeq);
  }

  addTemplate(template: Omit<MetaWireTemplate, 'id'> & { id?: string }): MetaWireTemplate {
    const stored = { ...template, id: template.id ?? this.nextTemplateId() };
    this.templates.push(stored);
    return stored;
  }

  /** Seeds `count` templates cycling through realistic shapes, e.g. 6,000 for the sync ceiling. */
  seedTemplates(count: number, make?: (i: number) => Partial<MetaWireTemplate>): MetaWireTemplate[] {
    const added: MetaWireTemplate[] = [];
    for (let i = 0; i < count; i++) {
      const base = VARIANTS[i % VARIANTS.length]!(i);
      const name = `seed_template_${String(this.templates.length + 1).padStart(6, '0')}`;
      added.push(this.addTemplate({ ...base, name, ...make?.(i) }));
    }
    return added;
  }

  setTemplateStatus(id: string, status: string, rejectedReason?: string): void {
    const t = this.templates.find((x) => x.id === id);
    if (!t) throw new Error(`no template ${id}`);
    t.status = status;
    if (rejectedReason) t.rejected_reason = rejectedReason;
  }

  recordSent(message: SentMessage): void {
    this.sent.push(message);
    this.sentCountByRecipient.set(message.to, (this.sentCountByRecipient.get(message.to) ?? 0) + 1);
  }

  /** The customer wrote: opens the 24 h window for `enforceWindow`. */
  customerWrote(phone: string, at = Date.now()): void {
    // A BSUID (username customer, issue 11) is kept as is; a phone as its digits.
    this.lastInbound.set(/^[A-Z]{2}\./.test(phone) ? phone : phone.replace(/\D/g, ''), at);
  }

  /** The customer's messages were delivered to the business (webhook `messages[]` items): it may mark them read. */
  recordInbound(messages: readonly Record<string, unknown>[]): void {
    for (const m of messages) this.inbound.set(String(m.id), String(m.from));
  }

  reset(): void {
    this.templates = [];
    this.sent = [];
    this.inbound.clear();
    this.reads = [];
    this.sentCountByRecipient.clear();
    this.lastInbound.clear();
    Object.assign(this.calls, { listTemplates: 0, mediaInfo: 0, mediaDownload: 0, mediaDelete: 0 });
    this.media.clear();
    this.downloads.clear();
    this.seedSampleMedia();
  }
}
