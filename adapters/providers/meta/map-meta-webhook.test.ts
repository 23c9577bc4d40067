import { describe, expect, it } from 'vitest';
import { AppError, TEMPLATE_REQUIRED_REASON } from '../../../src/core/errors';
import {
  metaEnvelope,
  metaInbound,
  metaMessagesWebhook,
  metaStatus,
  metaStatusError,
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
      type: 'unsupported',
      vendorType: 'order',
      description: 'Order of 2 item(s): di9ozbzfi4 × 2, nqryix03ez × 1; total 85 USD',
    });
    expect(contents['System Message']![0]).toMatchObject({
      type: 'unsupported',
      vendorType: 'system',
      description: expect.stringContaining('changed from'),
    });
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

describe('parseMetaWebhook: statuses', () => {
  it('maps the providers.md sent status with pricing', () => {
    expect(parse(providers.webhookStatusSent)).toEqual([
      {
        kind: 'status',
        routingKey: '106540352242922',
        providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA',
        status: 'sent',
        timestamp: 1_750_857_384_000,
        recipient: '+16505551234',
        pricing: { billable: true, model: 'PMP', type: 'regular', category: 'marketing' },
      },
    ]);
  });

  it('maps a failed status with 131047 to template_required and keeps the code', () => {
    const [event] = parse(metaStatusesWebhook({}, [providers.statusFailedItem]));
    expect(event).toMatchObject({
      kind: 'status',
      status: 'failed',
      recipient: '+919876543210',
      error: {
        kind: 'template_required',
        vendorCode: '131047',
        vendorMessage: 'Re-engagement message',
        reason: TEMPLATE_REQUIRED_REASON,
      },
    });
  });

  it('parses out-of-order statuses each with its own timestamp, and CBP conversations', () => {
    const statuses = [
      metaStatus({ id: 'wamid.A', status: 'read', recipient: '+16505551234', timestampMs: 3_000_000 }),
      metaStatus({ id: 'wamid.A', status: 'delivered', recipient: '+16505551234', timestampMs: 2_000_000 }),
      metaStatus({
        id: 'wamid.A',
        status: 'sent',
        recipient: '+16505551234',
        timestampMs: 1_000_000,
        conversation: { id: 'c1', expiration_timestamp: '1700086400', origin: { type: 'utility' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'utility' },
      }),
    ];
    const events = parse(metaStatusesWebhook({}, statuses));
    expect(events.map((e) => (e.kind === 'status' ? [e.status, e.timestamp] : null))).toEqual([
      ['read', 3_000_000],
      ['delivered', 2_000_000],
      ['sent', 1_000_000],
    ]);
    expect(events[2]).toMatchObject({
      conversation: { id: 'c1', expiresAt: 1_700_086_400_000, originType: 'utility' },
      pricing: { model: 'CBP' },
    });
  });

  it('keeps warnings as a flag, maps deleted to a deletion and ignores unknown status words', () => {
    const events = parse(
      metaStatusesWebhook({}, [
        metaStatus({
          id: 'wamid.W',
          status: 'warning',
          recipient: '1',
          errors: [metaStatusError(131053, 'Catalog item issue', 'Product is out of stock')],
        }),
        metaStatus({ id: 'wamid.D', status: 'deleted', recipient: '+16505551234' }),
        metaStatus({ id: 'wamid.F', status: 'teleported', recipient: '1' }),
      ]),
    );
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ kind: 'status', status: 'sent', warning: 'Product is out of stock' });
    expect(events[1]).toMatchObject({
      kind: 'message_deleted',
      providerMessageId: 'wamid.D',
      from: '+16505551234',
    });
  });
});

describe('parseMetaWebhook: template status updates', () => {
  it('maps the providers.md REJECTED update with its reasons, routed by WABA id', () => {
    expect(parse(providers.webhookTemplateRejected)).toEqual([
      {
        kind: 'template_status',
        routingKey: '102290129340398',
        providerTemplateId: '1689556908129835',
        name: 'abandoned_cart',
        language: 'en_US',
        status: 'REJECTED',
        timestamp: 1_751_247_548_000,
        reason: 'INVALID_FORMAT — Variables are not formatted correctly — Use {{1}} style variables',
      },
    ]);
  });

  it('maps FLAGGED and REINSTATED to APPROVED, skips LOCKED, maps the rest directly', () => {
    const status = (event: string) =>
      parse(metaTemplateStatusWebhook({}, { templateId: 1, name: 'n', language: 'en', event })).map((e) =>
        e.kind === 'template_status' ? e.status : e.kind,
      );
    expect(status('FLAGGED')).toEqual(['APPROVED']);
    expect(status('REINSTATED')).toEqual(['APPROVED']);
    expect(status('LOCKED')).toEqual([]);
    expect(
      ['PAUSED', 'DISABLED', 'PENDING_DELETION', 'ARCHIVED', 'IN_APPEAL', 'BRAND_NEW'].flatMap(status),
    ).toEqual(['PAUSED', 'DISABLED', 'PENDING_DELETION', 'ARCHIVED', 'IN_APPEAL', 'UNKNOWN']);
    const [flagged] = parse(
      metaTemplateStatusWebhook({}, { templateId: 1, name: 'n', language: 'en', event: 'FLAGGED' }),
    );
    expect(flagged).toMatchObject({ reason: expect.stringContaining('Flagged for low quality') });
  });
});

describe('parseMetaWebhook: malformed bodies', () => {
  it.each([
    ['not JSON', '{"object":'],
    ['no entries', '{"object":"whatsapp_business_account"}'],
    [
      'a change without metadata',
      JSON.stringify(metaEnvelope([{ id: '1', changes: [{ field: 'messages', value: { messages: [] } }] }])),
    ],
    [
      'a message without id',
      JSON.stringify(metaMessagesWebhook({}, [{ from: '1', timestamp: '1', type: 'text' }])),
    ],
    [
      'a non-numeric timestamp',
      JSON.stringify(metaMessagesWebhook({}, [{ from: '1', id: 'x', timestamp: 'yesterday', type: 'text' }])),
    ],
  ])('throws invalid_request for %s', (_, raw) => {
    expect(() => parseMetaWebhook(raw)).toThrowError(AppError);
    try {
      parseMetaWebhook(raw);
    } catch (e) {
      expect((e as AppError).code).toBe('invalid_request');
    }
  });

  it('ignores other objects and fields', () => {
    expect(parse({ object: 'page', entry: [] })).toEqual([]);
    expect(
      parse(
        metaEnvelope([
          { id: '1', changes: [{ field: 'phone_number_quality_update', value: { event: 'FLAGGED' } }] },
        ]),
      ),
    ).toEqual([]);
  });
});
