import { describe, expect, it } from 'vitest';
import { AppError, TEMPLATE_REQUIRED_REASON } from '../../../src/core/errors';
import {
  metaEnvelope,
  metaMessagesWebhook,
  metaStatus,
  metaStatusError,
  metaStatusesWebhook,
  metaTemplateStatusWebhook,
} from '../../../test/mocks/meta/meta-webhooks';
import { parseMetaWebhook } from './map-meta-webhook';
import providers from './__fixtures__/providers-md-examples.json';

const parse = (payload: unknown) => parseMetaWebhook(JSON.stringify(payload));

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
        pricing: {
          billable: true,
          model: 'PMP',
          type: 'regular',
          category: 'MARKETING',
          providerCategory: 'marketing',
        },
      },
    ]);
  });

  it('maps every 2026 PMP pricing category and type into our words, keeping the provider’s word (issue 12 item 6)', () => {
    const words = {
      marketing: 'MARKETING',
      marketing_lite: 'MARKETING_LITE',
      utility: 'UTILITY',
      authentication: 'AUTHENTICATION',
      authentication_international: 'AUTHENTICATION_INTERNATIONAL',
      service: 'SERVICE',
      referral_conversion: 'REFERRAL_CONVERSION',
    } as const;
    for (const [word, ours] of Object.entries(words)) {
      for (const type of ['regular', 'free_customer_service', 'free_entry_point']) {
        const [event] = parse(
          metaStatusesWebhook({}, [
            metaStatus({
              id: 'wamid.P1',
              status: 'sent',
              recipient: '+16505551234',
              pricing: { pricing_model: 'PMP', category: word, type },
            }),
          ]),
        );
        expect(event).toMatchObject({ pricing: { category: ours, type, providerCategory: word } });
        expect((event as { pricing: object }).pricing).not.toHaveProperty('billable');
      }
    }
    const [unknown] = parse(
      metaStatusesWebhook({}, [
        metaStatus({
          id: 'wamid.P2',
          status: 'sent',
          recipient: '+16505551234',
          pricing: { category: 'new_kind' },
        }),
      ]),
    );
    expect((unknown as { pricing: object }).pricing).toEqual({ providerCategory: 'new_kind' });
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
  ])('throws invalid_request when the envelope is %s', (_, raw) => {
    expect(() => parseMetaWebhook(raw)).toThrowError(AppError);
    try {
      parseMetaWebhook(raw);
    } catch (e) {
      expect((e as AppError).code).toBe('invalid_request');
    }
  });

  // Issue 11 item 4: an item we cannot read is an `unreadable` event with its raw JSON, never a thrown batch.
  it.each([
    [
      'a change without metadata',
      metaEnvelope([{ id: '1', changes: [{ field: 'messages', value: { messages: [] } }] }]),
      undefined,
      'metadata',
    ],
    [
      'a message without id',
      metaMessagesWebhook({}, [{ from: '1', timestamp: '1', type: 'text' }]),
      '106540352242922',
      'id',
    ],
    [
      'a non-numeric timestamp',
      metaMessagesWebhook({}, [{ from: '1', id: 'x', timestamp: 'yesterday', type: 'text' }]),
      '106540352242922',
      'timestamp',
    ],
  ])('keeps %s as one unreadable item with its raw JSON', (_, payload, routingKey, field) => {
    const events = parse(payload);
    expect(events).toHaveLength(1);
    const [event] = events;
    if (event?.kind !== 'unreadable') throw new Error(`expected unreadable, got ${event?.kind}`);
    expect(event.routingKey).toBe(routingKey);
    expect(event.reason).toContain(field);
    expect(event.raw.length).toBeGreaterThan(2);
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
