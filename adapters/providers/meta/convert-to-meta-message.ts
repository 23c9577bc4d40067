// OutboundMessage → body of `POST /{ver}/{PHONE_NUMBER_ID}/messages` (spec schema `Message`, providers.md "Send").
import { AppError } from '../../../src/core/errors';
import type { MessageContent, OutboundMessage } from '../../../src/core/message';
import { metaRecipient } from './meta-recipient';
import { toWhatsAppInteractive } from '../whatsapp-interactive';

type Json = Record<string, unknown>;
type TemplateRef = NonNullable<OutboundMessage['template']>;

function invalid(message: string, details?: unknown): AppError {
  return new AppError('invalid_request', message, details);
}

function mediaObject(content: Extract<MessageContent, { type: 'media' }>): Json {
  const ref = content.url ? { link: content.url } : content.mediaId ? { id: content.mediaId } : undefined;
  if (!ref) throw invalid('A media message needs a url or a media id');
  // Audio and stickers take no caption; only documents take a filename (spec AudioMessage / StickerMessage).
  const caption =
    content.caption && content.mediaType !== 'audio' && content.mediaType !== 'sticker'
      ? { caption: content.caption }
      : {};
  const filename = content.mediaType === 'document' && content.filename ? { filename: content.filename } : {};
  return { ...ref, ...caption, ...filename };
}

function textParam(value: string, key: string, named: boolean): Json {
  return named ? { type: 'text', parameter_name: key, text: value } : { type: 'text', text: value };
}

function valueFor(values: Record<string, string>, id: string): string {
  const value = values[id];
  if (value === undefined) throw invalid(`Missing value for template variable ${id}`, { variable: id });
  return value;
}

function byKey(a: { key: string }, b: { key: string }): number {
  const na = Number(a.key);
  const nb = Number(b.key);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : 0;
}

function headerComponent(
  ref: TemplateRef,
  content: Extract<MessageContent, { type: 'template' }>,
  named: boolean,
): Json | undefined {
  const format = ref.headerFormat;
  if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
    const link = content.headerMediaUrl ?? content.values['header.media'];
    if (!link)
      throw invalid(
        `Template ${ref.name} has a ${format.toLowerCase()} header: a header media URL is required`,
      );
    const kind = format.toLowerCase();
    return { type: 'header', parameters: [{ type: kind, [kind]: { link } }] };
  }
  if (format === 'LOCATION') {
    const v = content.values;
    if (v['header.latitude'] === undefined || v['header.longitude'] === undefined) {
      throw invalid(
        `Template ${ref.name} has a location header: header.latitude and header.longitude are required`,
      );
    }
    const location = {
      latitude: v['header.latitude'],
      longitude: v['header.longitude'],
      name: v['header.name'],
      address: v['header.address'],
    };
    return { type: 'header', parameters: [{ type: 'location', location }] };
  }
  const vars = ref.variables.filter((v) => v.location === 'header').sort(byKey);
  if (vars.length === 0) return undefined;
  return {
    type: 'header',
    parameters: vars.map((v) => textParam(valueFor(content.values, v.id), v.key, named)),
  };
}

function buttonComponents(ref: TemplateRef, values: Record<string, string>): Json[] {
  const withVars = ref.variables.filter((v) => v.location === 'button').map((v) => v.buttonIndex ?? 0);
  const indexes = [...new Set(withVars)];
  // Authentication templates: the OTP button repeats the body code as its URL parameter (Meta authentication
  // templates guide), so the code is entered once as `body.1`.
  const otp = (ref.buttonTypes ?? []).flatMap((t, i) =>
    t.toUpperCase() === 'OTP' && !indexes.includes(i) ? [i] : [],
  );
  const otpComponents = otp.map((index) => ({
    type: 'button',
    sub_type: 'url',
    index: String(index),
    parameters: [{ type: 'text', text: valueFor(values, 'body.1') }],
  }));
  const sorted = indexes.sort((a, b) => a - b);
  return [
    ...otpComponents,
    ...sorted.map((index) => {
      const vars = ref.variables
        .filter((v) => v.location === 'button' && (v.buttonIndex ?? 0) === index)
        .sort(byKey);
      const type = (ref.buttonTypes?.[index] ?? 'URL').toUpperCase();
      const first = valueFor(values, vars[0]!.id);
      // Button parameter shapes per sub_type (developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates).
      switch (type) {
        case 'COPY_CODE':
          return {
            type: 'button',
            sub_type: 'copy_code',
            index: String(index),
            parameters: [{ type: 'coupon_code', coupon_code: first }],
          };
        case 'QUICK_REPLY':
          return {
            type: 'button',
            sub_type: 'quick_reply',
            index: String(index),
            parameters: [{ type: 'payload', payload: first }],
          };
        case 'FLOW':
          return {
            type: 'button',
            sub_type: 'flow',
            index: String(index),
            parameters: [{ type: 'action', action: { flow_token: first } }],
          };
        default:
          // URL buttons, and authentication OTP buttons, which take the code as a URL parameter.
          return {
            type: 'button',
            sub_type: 'url',
            index: String(index),
            parameters: vars.map((v) => ({ type: 'text', text: valueFor(values, v.id) })),
          };
      }
    }),
  ].sort((a, b) => Number(a.index) - Number(b.index));
}

function templateBody(
  message: OutboundMessage,
  content: Extract<MessageContent, { type: 'template' }>,
): Json {
  const ref = message.template;
  if (!ref) throw invalid('A template message needs the provider template (name, language, variables)');
  const named = ref.parameterFormat === 'NAMED';
  const components: Json[] = [];
  const header = headerComponent(ref, content, named);
  if (header) components.push(header);
  const bodyVars = ref.variables.filter((v) => v.location === 'body').sort(byKey);
  if (bodyVars.length > 0) {
    components.push({
      type: 'body',
      parameters: bodyVars.map((v) => textParam(valueFor(content.values, v.id), v.key, named)),
    });
  }
  components.push(...buttonComponents(ref, content.values));
  return {
    name: ref.name,
    language: { policy: 'deterministic', code: ref.language },
    ...(components.length ? { components } : {}),
  };
}

function contentBody(message: OutboundMessage): Json {
  const content = message.content;
  switch (content.type) {
    case 'text':
      return { type: 'text', text: { body: content.text, preview_url: content.previewUrl ?? false } };
    case 'media':
      return { type: content.mediaType, [content.mediaType]: mediaObject(content) };
    case 'location':
      // The spec types latitude/longitude as strings (LocationMessage); Graph accepts both.
      return {
        type: 'location',
        location: {
          latitude: String(content.latitude),
          longitude: String(content.longitude),
          ...(content.name ? { name: content.name } : {}),
          ...(content.address ? { address: content.address } : {}),
        },
      };
    case 'contacts':
      return {
        type: 'contacts',
        contacts: content.contacts.map((c) => ({
          name: { formatted_name: c.name, first_name: c.name.split(' ')[0] ?? c.name },
          phones: c.phones.map((phone) => ({ phone })),
          ...(c.emails?.length ? { emails: c.emails.map((email) => ({ email })) } : {}),
          ...(c.organization ? { org: { company: c.organization } } : {}),
        })),
      };
    case 'interactive_buttons':
    case 'interactive_list':
    case 'cta_url':
      return { type: 'interactive', interactive: toWhatsAppInteractive(content) };
    case 'reaction':
      return {
        type: 'reaction',
        reaction: { message_id: content.targetProviderMessageId, emoji: content.emoji },
      };
    case 'template':
      return { type: 'template', template: templateBody(message, content) };
    case 'reply':
    case 'order':
    case 'system':
    case 'unsupported':
      throw invalid(`A ${content.type} message cannot be sent through WhatsApp`);
  }
}

export function convertToMetaMessage(message: OutboundMessage): Json {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // A phone as digits without `+` (providers.md send examples), or a BSUID (meta-recipient.ts).
    ...metaRecipient(message.to),
    ...contentBody(message),
    // Reactions reference their target themselves; a context on them is rejected.
    ...(message.replyTo && message.content.type !== 'reaction'
      ? { context: { message_id: message.replyTo } }
      : {}),
    // Echoed back in status webhooks (providers.md), so statuses can be matched even before the wamid is stored.
    ...(message.reference ? { biz_opaque_callback_data: message.reference } : {}),
  };
}
