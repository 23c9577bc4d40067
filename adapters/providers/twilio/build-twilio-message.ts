// OutboundMessage → form parameters of `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
import { ProviderError } from '../../../src/core/errors';
import type { OutboundMessage } from '../../../src/core/message';
import type { TwilioCredentials } from './twilio-credentials';
import { CONTENT_SID } from './twilio-api';

export interface TwilioSendOptions {
  /** Per-connection status callback URL (our `/webhooks/twilio/:connectionId`). */
  statusCallbackUrl?: string;
}

// Interactive buttons, lists, CTA URLs, reactions and contact cards have no free-form Messages API equivalent:
// Twilio only sends them through a Content resource (twilio.com/docs/whatsapp/message-features). Creating one
// Content per message would litter the account's Content list (shared with the 6,000-template ceiling), so
// these are refused with a clear reason; an approved quick-reply / call-to-action / list-picker template is the way.
const UNSUPPORTED: Record<string, string> = {
  interactive_buttons:
    'Twilio sends reply buttons only as a Content template (twilio/quick-reply); pick a template instead.',
  interactive_list:
    'Twilio sends lists only as a Content template (twilio/list-picker); pick a template instead.',
  cta_url:
    'Twilio sends call-to-action buttons only as a Content template (twilio/call-to-action); pick a template instead.',
  reaction: "Twilio's Messages API cannot send WhatsApp reactions.",
  contacts: "Twilio's Messages API cannot send WhatsApp contact cards; send the details as text instead.",
  reply: 'A reply to buttons or lists is something the customer sends, not the business.',
  order: 'An order is something the customer sends, not the business.',
  system: 'A WhatsApp system notice cannot be sent.',
  unsupported: 'This message type cannot be sent.',
};

function rejected(message: string): ProviderError {
  return new ProviderError('rejected', message);
}

/** ContentVariables is a JSON string keyed by the Content's own variable keys (`1`, `first_name`, …). */
function contentVariables(message: OutboundMessage, values: Record<string, string>): string {
  const template = message.template!;
  const out: Record<string, string> = {};
  for (const v of template.variables) {
    const value = values[v.id];
    // Without a value Twilio silently substitutes the template's example (twilio_api_v2010.json ContentVariables):
    // a customer would receive sample data, so refuse instead.
    if (value === undefined) {
      throw new ProviderError('template_mismatch', `No value for template variable ${v.id}`);
    }
    if (out[v.key] !== undefined && out[v.key] !== value) {
      throw new ProviderError(
        'template_mismatch',
        `Template variable {{${v.key}}} appears twice with different values; Twilio has one value per variable`,
      );
    }
    out[v.key] = value;
  }
  return JSON.stringify(out);
}

export function buildTwilioMessage(
  message: OutboundMessage,
  credentials: TwilioCredentials,
  options: TwilioSendOptions = {},
): URLSearchParams {
  const form = new URLSearchParams();
  form.set('To', `whatsapp:${message.to}`);
  // With a Messaging Service, From still pins the sender inside its pool, so the customer service window
  // (per sender and customer) stays the one we computed.
  form.set('From', `whatsapp:${credentials.from}`);
  if (credentials.messagingServiceSid) form.set('MessagingServiceSid', credentials.messagingServiceSid);
  if (options.statusCallbackUrl) form.set('StatusCallback', options.statusCallbackUrl);

  const content = message.content;
  switch (content.type) {
    case 'text':
      form.set('Body', content.text);
      break;
    case 'media':
      if (!content.url) throw rejected('Twilio sends media from a public URL; this media has no URL.');
      if (content.caption) form.set('Body', content.caption);
      form.append('MediaUrl', content.url);
      break;
    case 'location': {
      // Location pins go as PersistentAction `geo:<lat>,<long>|<label>` with a Body
      // (twilio.com/docs/whatsapp/message-features#location-messages-with-whatsapp).
      const label = content.name ?? content.address;
      form.set(
        'Body',
        [content.name, content.address].filter(Boolean).join('\n') ||
          `${content.latitude},${content.longitude}`,
      );
      form.append(
        'PersistentAction',
        `geo:${content.latitude},${content.longitude}${label ? `|${label}` : ''}`,
      );
      break;
    }
    case 'template': {
      // Templates go only as ContentSid + ContentVariables: since 2025-04-01 a template text sent as Body
      // fails with 63016 (twilio.com/docs/api/errors/63016).
      const sid = message.template?.providerTemplateId;
      if (!sid || !CONTENT_SID.test(sid)) {
        throw new ProviderError(
          'template_mismatch',
          `Twilio needs the template's Content SID (HX…), got "${sid ?? ''}"`,
        );
      }
      form.set('ContentSid', sid);
      if (message.template!.variables.length > 0)
        form.set('ContentVariables', contentVariables(message, content.values));
      break;
    }
    default:
      throw rejected(UNSUPPORTED[content.type] ?? `Twilio cannot send ${content.type} messages.`);
  }
  return form;
}
