import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { MessageContent, OutboundMessage } from '../../../src/core/message';
import type { Template } from '../../../src/core/template';
import { useMetaSimulator } from '../../../test/mocks/meta/harness';
import type { MetaWireTemplate } from '../../../test/mocks/meta/meta-sim-state';
import { mapMetaTemplate } from './map-meta-template';
import { metaTemplateSchema } from './meta-api';

const { sim, adapter, assertSpecValid } = useMetaSimulator();

afterEach(assertSpecValid);

const TO = '+16505551234';
const msg = (content: MessageContent, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  reference: 'msg_ref_1',
  to: TO,
  content,
  ...extra,
});

async function sendAndCapture(message: OutboundMessage) {
  const result = await adapter().send(message);
  expect(result.status).toBe('pending');
  const sent = sim.state.sent.find((m) => m.id === result.providerMessageId);
  expect(sent, 'simulator recorded the send').toBeDefined();
  return sent!.body;
}

function refOf(t: Template): NonNullable<OutboundMessage['template']> {
  return {
    providerTemplateId: t.providerTemplateId,
    name: t.name,
    language: t.language,
    parameterFormat: t.parameterFormat,
    variables: t.variables,
    ...(t.components.header ? { headerFormat: t.components.header.format } : {}),
    buttonTypes: t.components.buttons.map((b) => b.type),
  };
}

function seeded(index: number): Template {
  const wire: MetaWireTemplate = sim.state.seedTemplates(5)[index]!;
  return mapMetaTemplate(metaTemplateSchema.parse(wire));
}

const templateContent = (
  t: Template,
  values: Record<string, string>,
  headerMediaUrl?: string,
): MessageContent => ({
  type: 'template',
  templateId: 'tpl_1',
  templateName: t.name,
  language: t.language,
  values,
  ...(headerMediaUrl ? { headerMediaUrl } : {}),
});

describe('MetaAdapter.send', () => {
  it('sends text with reply context and our reference as biz_opaque_callback_data', async () => {
    const body = await sendAndCapture(
      msg({ type: 'text', text: 'Hi *there*', previewUrl: true }, { replyTo: 'wamid.IN1' }),
    );
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      text: { body: 'Hi *there*', preview_url: true },
      context: { message_id: 'wamid.IN1' },
      biz_opaque_callback_data: 'msg_ref_1',
    });
    expect(sim.state.sentCountByRecipient.get('16505551234')).toBe(1);
  });

  it.each([
    [
      'image',
      { url: 'https://cdn.example/a.jpg', caption: 'look' },
      { link: 'https://cdn.example/a.jpg', caption: 'look' },
    ],
    [
      'video',
      { url: 'https://cdn.example/a.mp4', caption: 'clip' },
      { link: 'https://cdn.example/a.mp4', caption: 'clip' },
    ],
    [
      'audio',
      { url: 'https://cdn.example/a.ogg', caption: 'dropped' },
      { link: 'https://cdn.example/a.ogg' },
    ],
    [
      'document',
      { mediaId: '1013859600285441', filename: 'invoice.pdf', caption: 'Invoice' },
      { id: '1013859600285441', caption: 'Invoice', filename: 'invoice.pdf' },
    ],
    ['sticker', { url: 'https://cdn.example/s.webp' }, { link: 'https://cdn.example/s.webp' }],
  ] as const)('sends %s media by link or id', async (mediaType, input, expected) => {
    const body = await sendAndCapture(msg({ type: 'media', mediaType, ...input }));
    expect(body.type).toBe(mediaType);
    expect(body[mediaType]).toEqual(expected);
  });

  it('sends location, contacts and reaction', async () => {
    expect(
      (
        await sendAndCapture(
          msg({
            type: 'location',
            latitude: 37.4847,
            longitude: -122.1486,
            name: 'Meta HQ',
            address: '1 Hacker Way',
          }),
        )
      ).location,
    ).toEqual({
      latitude: '37.4847',
      longitude: '-122.1486',
      name: 'Meta HQ',
      address: '1 Hacker Way',
    });
    const contacts = await sendAndCapture(
      msg({
        type: 'contacts',
        contacts: [
          {
            name: 'John Smith',
            phones: ['+16505551234'],
            emails: ['john@example.com'],
            organization: 'WhatsApp',
          },
        ],
      }),
    );
    expect(contacts.contacts).toEqual([
      {
        name: { formatted_name: 'John Smith', first_name: 'John' },
        phones: [{ phone: '+16505551234' }],
        emails: [{ email: 'john@example.com' }],
        org: { company: 'WhatsApp' },
      },
    ]);
    const reaction = await sendAndCapture(
      msg({ type: 'reaction', emoji: '👍', targetProviderMessageId: 'wamid.IN1' }, { replyTo: 'wamid.IN1' }),
    );
    expect(reaction).toMatchObject({ type: 'reaction', reaction: { message_id: 'wamid.IN1', emoji: '👍' } });
    expect(reaction).not.toHaveProperty('context');
  });

  it('sends interactive buttons, lists and CTA URL messages', async () => {
    const buttons = await sendAndCapture(
      msg({
        type: 'interactive_buttons',
        header: 'Delivery',
        body: 'Pick a slot',
        footer: 'Thanks',
        buttons: [
          { id: 'am', title: 'Morning' },
          { id: 'pm', title: 'Afternoon' },
        ],
      }),
    );
    expect(buttons.interactive).toEqual({
      type: 'button',
      header: { type: 'text', text: 'Delivery' },
      body: { text: 'Pick a slot' },
      footer: { text: 'Thanks' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'am', title: 'Morning' } },
          { type: 'reply', reply: { id: 'pm', title: 'Afternoon' } },
        ],
      },
    });
    const list = await sendAndCapture(
      msg({
        type: 'interactive_list',
        body: 'Shipping options',
        buttonText: 'Choose',
        sections: [{ title: 'Fast', rows: [{ id: 'exp', title: 'Express', description: 'Next day' }] }],
      }),
    );
    expect(list.interactive).toEqual({
      type: 'list',
      body: { text: 'Shipping options' },
      action: {
        button: 'Choose',
        sections: [{ title: 'Fast', rows: [{ id: 'exp', title: 'Express', description: 'Next day' }] }],
      },
    });
    const cta = await sendAndCapture(
      msg({ type: 'cta_url', body: 'Track your order', buttonText: 'Track', url: 'https://example.com/t/1' }),
    );
    expect(cta.interactive).toEqual({
      type: 'cta_url',
      body: { text: 'Track your order' },
      action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t/1' } },
    });
  });

  it('sends a positional template with header text, body and URL button parameters', async () => {
    const t = seeded(1); // Order {{1}} / Thanks {{1}}! ... {{2}} / PHONE + URL {{1}}
    const body = await sendAndCapture(
      msg(
        templateContent(t, {
          'header.1': 'A-7',
          'body.1': 'Mark',
          'body.2': '860198',
          'button.1.1': '860198',
        }),
        { template: refOf(t) },
      ),
    );
    expect(body.template).toEqual({
      name: t.name,
      language: { policy: 'deterministic', code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: 'A-7' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Mark' },
            { type: 'text', text: '860198' },
          ],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: '860198' }] },
      ],
    });
  });

  it('sends named parameters with parameter_name', async () => {
    const t = seeded(2);
    const body = await sendAndCapture(
      msg(templateContent(t, { 'body.first_name': 'Anna', 'body.date': '3 maggio' }), { template: refOf(t) }),
    );
    expect((body.template as { components: unknown[] }).components).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', parameter_name: 'first_name', text: 'Anna' },
          { type: 'text', parameter_name: 'date', text: '3 maggio' },
        ],
      },
    ]);
  });

  it('sends a media header and a copy-code button', async () => {
    const t = seeded(3);
    const body = await sendAndCapture(
      msg(
        templateContent(t, { 'body.1': 'SAVE10', 'button.0.code': 'SAVE10' }, 'https://cdn.example/h.jpg'),
        { template: refOf(t) },
      ),
    );
    expect((body.template as { components: unknown[] }).components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/h.jpg' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'SAVE10' }] },
      {
        type: 'button',
        sub_type: 'copy_code',
        index: '0',
        parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
      },
    ]);
  });

  it('refuses unsendable content before any HTTP call', async () => {
    const t = seeded(3);
    const cases: OutboundMessage[] = [
      msg({ type: 'reply', replyKind: 'button', title: 'Yes' }),
      msg({ type: 'unsupported', vendorType: 'poll', description: 'x' }),
      msg({ type: 'media', mediaType: 'image' }),
      msg({ type: 'text', text: 'hi' }, { to: '16505551234' }),
      msg(templateContent(t, { 'body.1': 'SAVE10' }), { template: refOf(t) }), // media header without URL
      msg(templateContent(t, {}, 'https://cdn.example/h.jpg'), { template: refOf(t) }), // missing body value
      msg(templateContent(t, { 'body.1': 'x' })), // no provider template resolved
    ];
    for (const message of cases)
      await expect(adapter().send(message), JSON.stringify(message)).rejects.toBeInstanceOf(AppError);
    expect(sim.state.sent).toHaveLength(0);
  });
});
