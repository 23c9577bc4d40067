// Coexistence webhooks as Meta sends them for a number shared with the WhatsApp Business app (issue 12 item 5):
// `smb_message_echoes` (what the business typed in the app, edits and revokes included) and `history` (past chats,
// in phases and chunks). Shapes from Meta's smb_message_echoes and history references (mirrored by 360dialog and
// dualhook); validated against test/spec/spec-patches-2026.ts by meta-webhook-shapes.test.ts.
import { META_WEBHOOK_DEFAULTS, metaEnvelope, metaInbound, type MetaWebhookContext } from './meta-webhooks';

type Json = Record<string, unknown>;
const digits = (phone: string) => phone.replace(/\D/g, '');

function metadata(ctx: MetaWebhookContext): Json {
  return {
    display_phone_number: ctx.displayPhoneNumber ?? META_WEBHOOK_DEFAULTS.displayPhoneNumber,
    phone_number_id: ctx.phoneNumberId ?? META_WEBHOOK_DEFAULTS.phoneNumberId,
  };
}

const business = (ctx: MetaWebhookContext) =>
  digits(ctx.displayPhoneNumber ?? META_WEBHOOK_DEFAULTS.displayPhoneNumber);

export interface EchoBase {
  /** The customer (E.164 or digits). */
  to: string;
  id?: string;
  timestampMs?: number;
}

/** `message_echoes[]` items: the business's message from the app, `from` = its number, `to` = the customer. */
export function metaEcho(ctx: MetaWebhookContext = {}) {
  const wrap = (item: Json, to: string): Json => ({ ...item, from: business(ctx), to: digits(to) });
  const base = (b: EchoBase) => ({ from: business(ctx), id: b.id, timestampMs: b.timestampMs });
  return {
    text: (b: EchoBase, body: string) => wrap(metaInbound.text(base(b), body), b.to),
    image: (b: EchoBase, extra: Json = {}) => wrap(metaInbound.image(base(b), extra), b.to),
    edit: (b: EchoBase, originalId: string, body: string) =>
      wrap(metaInbound.edit(base(b), originalId, body), b.to),
    revoke: (b: EchoBase, originalId: string) => wrap(metaInbound.revoke(base(b), originalId), b.to),
  };
}

export function metaEchoesWebhook(ctx: MetaWebhookContext, echoes: Json[]): Json {
  const value = { messaging_product: 'whatsapp', metadata: metadata(ctx), message_echoes: echoes };
  return metaEnvelope([
    { id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId, changes: [{ field: 'smb_message_echoes', value }] },
  ]);
}

export interface HistoryItem {
  /** Who wrote: the customer, or the business (then `to` is the customer). */
  by: 'customer' | 'business';
  text: string;
  timestampMs: number;
  id?: string;
  /** `history_context.status`, e.g. DELIVERED, READ. */
  status?: string;
}

/** One `history` webhook: one chunk of one phase, with threads per customer. */
export function metaHistoryWebhook(
  ctx: MetaWebhookContext,
  chunk: { phase?: number; chunkOrder?: number; progress?: number },
  threads: { customer: string; messages: HistoryItem[] }[],
): Json {
  const value = {
    messaging_product: 'whatsapp',
    metadata: metadata(ctx),
    history: [
      {
        metadata: {
          phase: chunk.phase ?? 0,
          chunk_order: chunk.chunkOrder ?? 1,
          progress: chunk.progress ?? 100,
        },
        threads: threads.map((t) => ({
          id: digits(t.customer),
          messages: t.messages.map((m) => {
            const from = m.by === 'business' ? business(ctx) : digits(t.customer);
            const item = metaInbound.text({ from, id: m.id, timestampMs: m.timestampMs }, m.text);
            return {
              ...item,
              ...(m.by === 'business' ? { to: digits(t.customer) } : {}),
              history_context: { status: m.status ?? (m.by === 'business' ? 'DELIVERED' : 'READ') },
            };
          }),
        })),
      },
    ],
  };
  return metaEnvelope([
    { id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId, changes: [{ field: 'history', value }] },
  ]);
}

/** The business declined sharing its chat history (error 2593109). */
export function metaHistoryDeclinedWebhook(ctx: MetaWebhookContext): Json {
  const value = {
    messaging_product: 'whatsapp',
    metadata: metadata(ctx),
    history: [
      {
        errors: [
          {
            code: 2593109,
            title: 'History sync is turned off by the business',
            message: 'History sync is turned off by the business',
            error_data: { details: 'The business declined to share its chat history.' },
          },
        ],
      },
    ],
  };
  return metaEnvelope([
    { id: ctx.wabaId ?? META_WEBHOOK_DEFAULTS.wabaId, changes: [{ field: 'history', value }] },
  ]);
}
