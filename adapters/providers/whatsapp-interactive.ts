// WhatsApp's own interactive-message object (buttons, list, CTA URL). Meta's Cloud API sends it as `interactive`,
// and CM.com's richContent carries the same object (its SDK comments point to Meta's interactive-messages guide),
// so both adapters build it here.
import type { MessageContent } from '../../src/core/message';

export interface WhatsAppInteractive {
  type: 'button' | 'list' | 'cta_url';
  header?: { type: 'text'; text: string };
  body: { text: string };
  footer?: { text: string };
  action: {
    button?: string;
    buttons?: { type: 'reply'; reply: { id: string; title: string } }[];
    sections?: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    name?: 'cta_url';
    parameters?: { display_text: string; url: string };
  };
}

type Interactive = Extract<MessageContent, { type: 'interactive_buttons' | 'interactive_list' | 'cta_url' }>;

export function toWhatsAppInteractive(content: Interactive): WhatsAppInteractive {
  const frame = (content: Exclude<Interactive, { type: 'cta_url' }>) => ({
    ...(content.header ? { header: { type: 'text' as const, text: content.header } } : {}),
    body: { text: content.body },
    ...(content.footer ? { footer: { text: content.footer } } : {}),
  });
  switch (content.type) {
    case 'interactive_buttons':
      return {
        type: 'button',
        ...frame(content),
        action: {
          buttons: content.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })),
        },
      };
    case 'interactive_list':
      return {
        type: 'list',
        ...frame(content),
        action: { button: content.buttonText, sections: content.sections },
      };
    case 'cta_url':
      // Documented by Meta (interactive CTA URL messages), missing from the v23 spec's enum; UNCONFIRMED for CM.com.
      return {
        type: 'cta_url',
        body: { text: content.body },
        action: {
          name: 'cta_url' as const,
          parameters: { display_text: content.buttonText, url: content.url },
        },
      };
  }
}
