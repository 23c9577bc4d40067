import { describe, expect, it } from 'vitest';
import {
  metaEnvelope,
  metaInbound,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  metaTemplateStatusWebhook,
} from '../../../test/mocks/meta/meta-webhooks';
import { parseMetaWebhook } from './map-meta-webhook';
import providers from './__fixtures__/providers-md-examples.json';
import specExamples from './__fixtures__/spec-webhook-examples.json';

const parse = (payload: unknown) => parseMetaWebhook(JSON.stringify(payload));
const spec = specExamples as Record<string, unknown>;
const customer = { from: '+16505551234', timestampMs: 1_750_000_000_000 };
const one = (message: Record<string, unknown>) => {
  const events = parse(metaMessagesWebhook({}, [message]));
  expect(events).toHaveLength(1);
  return events[0]!;
};
const contentOf = (message: Record<string, unknown>) => {
  const event = one(message);
  if (event.kind !== 'inbound_message') throw new Error(`expected inbound_message, got ${event.kind}`);
  return event.content;
};

describe('parseMetaWebhook: inbound messages', () => {
  it('maps the providers.md Click-to-WhatsApp text with its referral (free entry point)', () => {
    expect(parse(providers.webhookReferral)).toEqual([
      {
        kind: 'inbound_message',
        routingKey: '106540352242922',
        providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=',
        from: '+16505551234',
        profileName: 'Sheena Nelson',
        timestamp: 1_750_275_992_000,
        content: { type: 'text', text: 'Hello! Can I get more info on this?' },
        referral: {
          sourceType: 'ad',
          sourceId: '120226305854810726',
          sourceUrl: 'https://fb.me/3cr4Wqqkv',
          headline: 'Chat with us',
          body: 'Summer Succulents are here!',
          ctwaClid: 'Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27v',
        },
      },
    ]);
  });

  it('maps every message example of the spec', () => {
    const contents = Object.fromEntries(
      Object.entries(spec)
        .filter(([name]) => !name.startsWith('Group'))
        .map(([name, payload]) => [
          name,
          parse(payload).map((e) => (e.kind === 'inbound_message' ? e.content : e.kind)),
        ]),
    );
    expect(contents['Text Message']).toEqual([{ type: 'text', text: 'Does it come in another color?' }]);
    expect(contents['Reaction Message']).toEqual([
      {
        type: 'reaction',
        emoji: '👍',
        targetProviderMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA',
      },
    ]);
    expect(contents['Image Message']).toEqual([
      {
        type: 'media',
        mediaType: 'image',
        mediaId: '1003383421387256',
        caption: 'Taj Mahal',
        mimeType: 'image/jpeg',
      },
    ]);
    expect(contents['Location Message']).toEqual([
      {
        type: 'location',
        latitude: 37.44221496582,
        longitude: -122.16165924072,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
        url: 'https://philzcoffee.com/',
      },
    ]);
    expect(contents['Contact Sharing Message']).toEqual([
      {
        type: 'contacts',
        contacts: [{ name: 'Lucía Gómez', phones: ['+1 (983) 555-2319'], organization: 'Google' }],
      },
    ]);
    expect(contents['Button Message']).toEqual([
      { type: 'reply', replyKind: 'quick_reply', id: 'Unsubscribe', title: 'Unsubscribe' },
    ]);
    expect(contents['Interactive List Reply Message']).toEqual([
      {
        type: 'reply',
        replyKind: 'list',
        id: 'priority_express',
        title: 'Priority Mail Express',
        description: 'Next Day to 2 Days',
      },
    ]);
    expect(contents['Interactive Button Reply Message']![0]).toMatchObject({
      type: 'reply',
      replyKind: 'button',
    });
    expect(contents['Unsupported Message']![0]).toMatchObject({
      type: 'unsupported',
      vendorType: 'unsupported',
    });
    expect((contents['Unsupported Message']![0] as { description: string }).description).toContain(
      'Message type is currently not supported',
    );
    expect(contents['Order Message']![0]).toEqual({
      type: 'order',
      catalogId: '194836987003835',
      items: [
        { productId: 'di9ozbzfi4', quantity: 2, itemPrice: 30, currency: 'USD' },
        { productId: 'nqryix03ez', quantity: 1, itemPrice: 25, currency: 'USD' },
      ],
    });
    // user_changed_number re-keys the customer (issue 11): its own event, not a message content.
    expect(contents['System Message']).toEqual(['customer_changed']);
    // Group events are not conversation events of this app.
    expect(parse(spec['Group Create Message'])).toEqual([]);
  });

  it('keeps the reply context of the product inquiry example', () => {
    const [event] = parse(spec['Text Message with Context (Product Inquiry)']);
    expect(event).toMatchObject({
      kind: 'inbound_message',
      replyToProviderMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
    });
  });

  it('maps media of every kind with id, mime type, caption and filename', () => {
    expect(
      contentOf(metaInbound.video(customer, { id: 'v1', mime_type: 'video/mp4', caption: 'clip' })),
    ).toEqual({
      type: 'media',
      mediaType: 'video',
      mediaId: 'v1',
      mimeType: 'video/mp4',
      caption: 'clip',
    });
    expect(contentOf(metaInbound.audio(customer, { id: 'a1' }))).toEqual({
      type: 'media',
      mediaType: 'audio',
      mediaId: 'a1',
      mimeType: 'audio/ogg; codecs=opus',
    });
    expect(contentOf(metaInbound.document(customer, { id: 'd1' }))).toEqual({
      type: 'media',
      mediaType: 'document',
      mediaId: 'd1',
      mimeType: 'application/pdf',
      filename: 'receipt.pdf',
    });
    expect(contentOf(metaInbound.sticker(customer, { id: 's1' }))).toEqual({
      type: 'media',
      mediaType: 'sticker',
      mediaId: 's1',
      mimeType: 'image/webp',
    });
  });

  it('maps flow replies, removed reactions, forwarded messages and unknown future types', () => {
    expect(contentOf(metaInbound.flowReply(customer, { flow_token: 't1', date: '2025-05-03' }))).toEqual({
      type: 'reply',
      replyKind: 'flow',
      id: 'flow',
      title: 'Sent',
      data: '{"flow_token":"t1","date":"2025-05-03"}',
    });
    expect(contentOf(metaInbound.reaction(customer, 'wamid.OUT1', ''))).toEqual({
      type: 'reaction',
      emoji: '',
      targetProviderMessageId: 'wamid.OUT1',
    });
    const forwarded = one(metaInbound.text({ ...customer, context: { forwarded: true } }, 'fwd'));
    expect(forwarded).toMatchObject({ kind: 'inbound_message', forwarded: true });
    expect(forwarded).not.toHaveProperty('replyToProviderMessageId');
    expect(contentOf(metaInbound.custom(customer, 'poll', { poll: { question: 'Lunch?' } }))).toEqual({
      type: 'unsupported',
      vendorType: 'poll',
      description: 'The customer sent a “poll” message that this app cannot show yet',
    });
    expect(contentOf(metaInbound.unsupported(customer, 'view_once'))).toMatchObject({
      type: 'unsupported',
      vendorType: 'view_once',
    });
    expect(
      contentOf(metaInbound.custom(customer, 'interactive', { interactive: { type: 'payment_reply' } })),
    ).toMatchObject({
      type: 'unsupported',
      vendorType: 'interactive.payment_reply',
    });
  });

  it('maps edits and deletions to their own events on the original message', () => {
    expect(one(metaInbound.edit(customer, 'wamid.ORIG', 'fixed typo'))).toEqual({
      kind: 'message_edited',
      routingKey: '106540352242922',
      providerMessageId: 'wamid.ORIG',
      from: '+16505551234',
      timestamp: 1_750_000_000_000,
      content: { type: 'text', text: 'fixed typo' },
    });
    expect(one(metaInbound.revoke(customer, 'wamid.ORIG'))).toEqual({
      kind: 'message_deleted',
      routingKey: '106540352242922',
      providerMessageId: 'wamid.ORIG',
      from: '+16505551234',
      timestamp: 1_750_000_000_000,
    });
  });

  it('handles every entry and every change of a batched POST', () => {
    const a = metaMessagesWebhook({ phoneNumberId: '111' }, [
      metaInbound.text(customer, 'one'),
      metaInbound.text(customer, 'two'),
    ]);
    const b = metaStatusesWebhook({ phoneNumberId: '222' }, [
      metaStatus({ id: 'wamid.S', status: 'read', recipient: '+447700900123' }),
    ]);
    const batched = metaEnvelope([
      {
        id: '1',
        changes: [
          ...(a.entry as { changes: never[] }[])[0]!.changes,
          ...(b.entry as { changes: never[] }[])[0]!.changes,
        ],
      },
      ...(metaTemplateStatusWebhook(
        { wabaId: '999' },
        { templateId: 5, name: 't', language: 'en', event: 'APPROVED' },
      ).entry as never[]),
    ]);
    const events = parse(batched);
    expect(events.map((e) => [e.kind, e.routingKey])).toEqual([
      ['inbound_message', '111'],
      ['inbound_message', '111'],
      ['status', '222'],
      ['template_status', '999'],
    ]);
  });
});
