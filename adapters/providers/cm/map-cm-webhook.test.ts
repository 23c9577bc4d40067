import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { ProviderEvent } from '../types';
import { buildCmInbound, buildCmStatusReport, cmWebhookRequest, cmWebhookUrl } from '../../../test/mocks/cm';
import { createCmAdapter } from './cm-adapter';
import statusFixture from './__fixtures__/status-report.json';
import inboundTextFixture from './__fixtures__/inbound-text.json';
import inboundLocationFixture from './__fixtures__/inbound-location.json';

const TOKEN = 'Zq8f1mN3pX7vL2cR9tW4yB6hK0sD5gJa';
const URL_OK = cmWebhookUrl('https://app.test', 'conn_1', TOKEN);
const NOW = Date.UTC(2025, 0, 1);
const adapter = createCmAdapter({
  http: { baseUrl: 'https://cm.test', timeoutMs: 100 },
  webhookToken: TOKEN,
  now: () => NOW,
});
const parse = (body: unknown): ProviderEvent[] => adapter.parseWebhook(cmWebhookRequest(URL_OK, body));
const one = (body: unknown): ProviderEvent => {
  const events = parse(body);
  expect(events).toHaveLength(1);
  return events[0]!;
};

describe('verifyWebhook (secret token in the URL, constant-time)', () => {
  it('accepts the connection token', async () => {
    expect(await adapter.verifyWebhook(cmWebhookRequest(URL_OK, statusFixture))).toBe(true);
    expect(await adapter.verifyWebhook(cmWebhookRequest(`${URL_OK}?x=1`, statusFixture))).toBe(true);
  });

  it('rejects a wrong, shorter, longer or missing token', async () => {
    for (const url of [
      cmWebhookUrl('https://app.test', 'conn_1', TOKEN.slice(0, -1) + 'b'),
      cmWebhookUrl('https://app.test', 'conn_1', TOKEN.slice(1)),
      cmWebhookUrl('https://app.test', 'conn_1', TOKEN + 'x'),
      'https://app.test/webhooks/cm/conn_1/',
      'not a url at all %%%',
    ]) {
      expect(await adapter.verifyWebhook(cmWebhookRequest(url, statusFixture))).toBe(false);
    }
  });

  it('rejects everything when no token is configured', async () => {
    const bare = createCmAdapter({ http: { baseUrl: 'https://cm.test', timeoutMs: 100 } });
    expect(await bare.verifyWebhook(cmWebhookRequest(URL_OK, statusFixture))).toBe(false);
  });
});

describe('status reports', () => {
  it('maps the documented report: reference, delivered, UTC time, recipient in E.164', () => {
    expect(one(statusFixture)).toEqual({
      kind: 'status',
      providerMessageId: 'crmmsg123',
      status: 'delivered',
      timestamp: Date.UTC(2025, 9, 1, 12, 0, 5),
      recipient: '+31612345678',
    });
  });

  it.each([
    ['Accepted', 'pending'],
    ['0', 'pending'],
    ['Sent', 'sent'],
    ['Delivered', 'delivered'],
    ['2', 'delivered'],
    ['Read', 'read'],
    ['4', 'read'],
    ['Rejected', 'failed'],
    ['1', 'failed'],
    ['Failed', 'failed'],
    ['3', 'failed'],
    ['Cancelled', 'failed'],
  ])('status %s → %s', (code, status) => {
    expect(
      one(buildCmStatusReport({ reference: 'r1', to: '+31612345678', status: code, at: NOW })),
    ).toMatchObject({
      kind: 'status',
      status,
    });
  });

  it('a failure keeps CM code and text; a closed window becomes template_required', () => {
    const failed = one(
      buildCmStatusReport({
        reference: 'r1',
        to: '+316',
        status: 'Failed',
        errorCode: 5,
        errorDescription: 'Message expired',
        at: NOW,
      }),
    );
    expect(failed).toMatchObject({
      status: 'failed',
      error: {
        kind: 'rejected',
        vendorCode: '5',
        vendorMessage: 'Message expired',
        reason: 'Message expired',
      },
    });
    const windowClosed = one(
      buildCmStatusReport({
        reference: 'r2',
        to: '+31612345678',
        status: 'Failed',
        errorCode: 131047,
        errorDescription: 'Re-engagement message',
        at: NOW,
      }),
    );
    expect(windowClosed).toMatchObject({
      status: 'failed',
      error: { kind: 'template_required', vendorCode: '131047' },
    });
  });

  it('out-of-order reports each keep their own timestamp (the lattice decides later)', () => {
    const t0 = Date.UTC(2025, 5, 1, 10, 0, 0);
    const read = one(
      buildCmStatusReport({ reference: 'r9', to: '+31612345678', status: 'Read', at: t0 + 60_000 }),
    );
    const delivered = one(
      buildCmStatusReport({ reference: 'r9', to: '+31612345678', status: 'Delivered', at: t0 + 5_000 }),
    );
    expect(read).toMatchObject({ status: 'read', timestamp: t0 + 60_000 });
    expect(delivered).toMatchObject({ status: 'delivered', timestamp: t0 + 5_000 });
  });

  it('accepts msg as an array, skips unknown status words and reports without reference', () => {
    const a = buildCmStatusReport({ reference: 'a', to: '+31612345678', status: 'Delivered', at: NOW })
      .messages.msg;
    const b = buildCmStatusReport({ reference: 'b', to: '+31612345678', status: 'Teleported', at: NOW })
      .messages.msg;
    const c = {
      ...buildCmStatusReport({ reference: '', to: '+31612345678', status: 'Sent', at: NOW }).messages.msg,
    };
    const events = parse({ messages: { msg: [a, b, c] } });
    expect(events.map((e) => e.kind === 'status' && e.providerMessageId)).toEqual(['a']);
  });

  it('uses the clock when the report has no readable time', () => {
    const report = buildCmStatusReport({ reference: 'r1', to: '+31612345678', status: 'Sent' });
    report.messages.msg.received = '[CREATED_S]';
    expect(one(report)).toMatchObject({ timestamp: NOW });
  });
});

describe('inbound messages', () => {
  it('text (providers.md example): sender, profile name, routing key = our number, UTC time', () => {
    const event = one(inboundTextFixture);
    expect(event).toMatchObject({
      kind: 'inbound_message',
      routingKey: '+31201234567',
      from: '+31612345678',
      profileName: 'Jan',
      timestamp: Date.UTC(2025, 9, 1, 12, 0, 0),
      content: { type: 'text', text: 'Yes please' },
    });
    expect(event.kind === 'inbound_message' && event.providerMessageId).toMatch(/^cmmo-[0-9a-f]{16}$/);
  });

  it('a retried delivery keeps its id; a different message gets another', () => {
    const id = (e: ProviderEvent) => (e.kind === 'inbound_message' ? e.providerMessageId : '');
    const first = id(one(inboundTextFixture));
    expect(id(one(JSON.parse(JSON.stringify(inboundTextFixture))))).toBe(first);
    expect(
      id(one({ ...inboundTextFixture, message: { ...inboundTextFixture.message, text: 'No thanks' } })),
    ).not.toBe(first);
  });

  it('location (developers.cm.com example)', () => {
    expect(one(inboundLocationFixture)).toMatchObject({
      content: {
        type: 'location',
        latitude: 51.603802,
        longitude: 4.770821,
        name: 'CM HQ',
        address: 'Konijnenberg 30',
      },
      timestamp: Date.UTC(2019, 10, 5, 8, 32, 33),
    });
  });

  it('location with the docs\' "longtitude" spelling and string coordinates', () => {
    const body = buildCmInbound({
      from: '+31612345678',
      to: '+31201234567',
      content: { type: 'custom', custom: { location: { latitude: '52.1', longtitude: '-4.5' } } },
    });
    expect(one(body)).toMatchObject({ content: { type: 'location', latitude: 52.1, longitude: -4.5 } });
  });

  it.each([
    ['image/jpeg', 'image'],
    ['video/mp4', 'video'],
    ['audio/ogg', 'audio'],
    ['image/webp', 'sticker'],
    ['application/pdf', 'document'],
  ])('media %s → %s', (contentType, mediaType) => {
    const body = buildCmInbound({
      from: '+31612345678',
      to: '+31201234567',
      content: {
        type: 'media',
        url: 'https://cdn-2.messaging.cm.com/fileproxy/files/db1c',
        contentType,
        title: 'file.bin',
        caption: 'see',
      },
    });
    expect(one(body)).toMatchObject({
      content: {
        type: 'media',
        mediaType,
        url: 'https://cdn-2.messaging.cm.com/fileproxy/files/db1c',
        mimeType: contentType,
        caption: 'see',
      },
    });
  });

  it('contacts in WhatsApp format', () => {
    const body = buildCmInbound({
      from: '+31612345678',
      to: '+31201234567',
      content: {
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Ann Lee', first_name: 'Ann' },
            phones: [{ phone: '+31 6 1111 1111', type: 'CELL' }],
            emails: [{ email: 'ann@x.test' }],
            org: { company: 'ACME' },
          },
        ],
      },
    });
    expect(one(body)).toMatchObject({
      content: {
        type: 'contacts',
        contacts: [
          { name: 'Ann Lee', phones: ['+31 6 1111 1111'], emails: ['ann@x.test'], organization: 'ACME' },
        ],
      },
    });
  });

  it('button, list and template quick-reply answers', () => {
    const base = { from: '+31612345678', to: '+31201234567' };
    expect(
      one(buildCmInbound({ ...base, content: { type: 'button_reply', id: 'yes', title: 'Yes' } })),
    ).toMatchObject({
      content: { type: 'reply', replyKind: 'button', id: 'yes', title: 'Yes' },
    });
    expect(
      one(
        buildCmInbound({
          ...base,
          content: { type: 'list_reply', id: 'r2', title: 'Tuesday', description: 'morning' },
        }),
      ),
    ).toMatchObject({
      content: { type: 'reply', replyKind: 'list', id: 'r2', title: 'Tuesday', description: 'morning' },
    });
    expect(
      one(
        buildCmInbound({
          ...base,
          content: { type: 'template_button', payload: 'STOP', text: 'Stop promotions' },
        }),
      ),
    ).toMatchObject({
      content: { type: 'reply', replyKind: 'quick_reply', id: 'STOP', title: 'Stop promotions' },
    });
  });

  it('reply context from messageContext (string or object variants)', () => {
    const base = {
      from: '+31612345678',
      to: '+31201234567',
      content: { type: 'text' as const, text: 'this one' },
    };
    expect(one(buildCmInbound({ ...base, messageContext: { messageId: 'msg01' } }))).toMatchObject({
      replyToProviderMessageId: 'msg01',
    });
    expect(one(buildCmInbound({ ...base, messageContext: 'msg02' }))).toMatchObject({
      replyToProviderMessageId: 'msg02',
    });
    expect(one(buildCmInbound(base))).not.toHaveProperty('replyToProviderMessageId');
  });

  it('unknown custom types and empty messages become readable unsupported content', () => {
    const base = { from: '+31612345678', to: '+31201234567' };
    expect(
      one(buildCmInbound({ ...base, content: { type: 'custom', custom: { order: { catalog_id: '1' } } } })),
    ).toMatchObject({
      content: { type: 'unsupported', vendorType: 'order', description: expect.stringContaining('order') },
    });
    expect(one(buildCmInbound({ ...base, content: { type: 'custom', custom: {} } }))).toMatchObject({
      content: { type: 'unsupported', vendorType: 'empty' },
    });
  });

  it('ignores inbound from other CM.com channels', () => {
    expect(
      parse(
        buildCmInbound({
          from: '+31612345678',
          to: '+31201234567',
          channel: 'SMS',
          content: { type: 'text', text: 'hi' },
        }),
      ),
    ).toEqual([]);
  });
});

describe('malformed bodies', () => {
  it.each([
    ['empty', ''],
    ['not JSON', '{"messages":'],
    ['XML report', '<?xml version="1.0"?><MESSAGES><MSG/></MESSAGES>'],
    ['unknown shape', '{"hello":"world"}'],
  ])('%s → AppError invalid_request', (_name, raw) => {
    const err = (() => {
      try {
        adapter.parseWebhook(cmWebhookRequest(URL_OK, raw));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_request');
  });
});

// Issue 11 item 4: an item of a CM.com webhook we cannot read is kept as an unreadable event, never a 400.
// developers.cm.com/messaging/docs/whatsapp-business-scoped-user-ids (PREVIEW): `from` gains userId, parentUserId
// and username, always present and empty when they do not apply; `from.number` may be empty; reports gain the same.
describe('business-scoped user IDs (CM.com preview contract)', () => {
  const BSUID = 'NL.13491208655302741918';
  const to = '+31201234567';
  it('a username customer without number is read by BSUID, never as a phone', () => {
    const event = one(
      buildCmInbound({
        from: '',
        userId: BSUID,
        parentUserId: 'NL.ENT.11815799212886844830',
        username: '@mari.shop',
        to,
        content: { type: 'text', text: 'hi' },
      }),
    );
    expect(event).toMatchObject({
      kind: 'inbound_message',
      userId: BSUID,
      parentUserId: 'NL.ENT.11815799212886844830',
      username: 'mari.shop',
    });
    expect(event).not.toHaveProperty('from');
  });

  it('number and BSUID together are both kept; the always-present empty fields add nothing', () => {
    expect(
      one(buildCmInbound({ from: '+31612345678', userId: BSUID, to, content: { type: 'text', text: 'a' } })),
    ).toMatchObject({ from: '+31612345678', userId: BSUID });
    const empty = one(
      buildCmInbound({
        from: '+31612345678',
        userId: '',
        username: '',
        to,
        content: { type: 'text', text: 'b' },
      }),
    );
    expect(empty).toMatchObject({ from: '+31612345678' });
    expect(empty).not.toHaveProperty('userId');
    expect(empty).not.toHaveProperty('username');
  });

  it('a status report names the recipient by BSUID too', () => {
    const event = one(
      buildCmStatusReport({ reference: 'msgA', to: '', userId: BSUID, status: 'Delivered', at: NOW }),
    );
    expect(event).toMatchObject({ kind: 'status', providerMessageId: 'msgA', recipientUserId: BSUID });
    expect(event).not.toHaveProperty('recipient');
  });

  it('neither number nor BSUID → unreadable', () => {
    expect(parse(buildCmInbound({ from: '', userId: '', to, content: { type: 'text', text: 'x' } }))).toEqual(
      [expect.objectContaining({ kind: 'unreadable' })],
    );
  });
});

describe('unreadable items', () => {
  it.each([
    ['report without status', '{"messages":{"msg":{"reference":"x"}}}'],
    ['inbound without sender number', '{"from":{"name":"x"},"message":{"text":"hi"}}'],
    ['inbound with invalid sender', '{"from":{"number":"abc"},"message":{"text":"hi"}}'],
  ])('%s → one unreadable event with the raw item', (_name, raw) => {
    const events = adapter.parseWebhook(cmWebhookRequest(URL_OK, raw));
    expect(events).toEqual([expect.objectContaining({ kind: 'unreadable' })]);
  });

  it('a batched report keeps the good reports next to a broken one', () => {
    const raw = JSON.stringify({
      messages: {
        msg: [
          { reference: 'x' },
          {
            received: '2026-01-01T10:00:00',
            to: '0031612345678',
            reference: 'msgA',
            status: { code: 2, errorCode: null, errorDescription: null },
          },
        ],
      },
    });
    const events = adapter.parseWebhook(cmWebhookRequest(URL_OK, raw));
    expect(events.map((e) => e.kind)).toEqual(['unreadable', 'status']);
  });
});
