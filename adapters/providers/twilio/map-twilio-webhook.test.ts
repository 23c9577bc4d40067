import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { buildTwilioInbound, buildTwilioStatus } from '../../../test/mocks/twilio';
import type { TwilioInboundInput, TwilioParams } from '../../../test/mocks/twilio';
import type { ProviderEvent, WebhookRequest } from '../types';
import { mapTwilioWebhook } from './map-twilio-webhook';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const US = '+14155238886';
const CUSTOMER = '+15551234567';

function req(body: string, contentType = 'application/x-www-form-urlencoded'): WebhookRequest {
  return {
    url: 'https://app.example.com/webhooks/twilio/c1',
    method: 'POST',
    headers: new Headers({ 'content-type': contentType }),
    rawBody: body,
  };
}
const form = (p: TwilioParams) => req(new URLSearchParams(p).toString());
const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8').trim();

function inbound(input: Partial<TwilioInboundInput>) {
  const [event] = mapTwilioWebhook(form(buildTwilioInbound({ to: US, from: CUSTOMER, ...input })), NOW);
  if (event?.kind !== 'inbound_message') throw new Error(`expected inbound, got ${event?.kind}`);
  return event;
}

describe('inbound messages', () => {
  it('maps the providers.md Click-to-WhatsApp example: media + caption, profile, referral, routing key', () => {
    const [event] = mapTwilioWebhook(req(fixture('inbound-referral.txt')), NOW);
    expect(event).toEqual({
      kind: 'inbound_message',
      routingKey: '+14155238886',
      providerMessageId: 'SMxxx',
      from: '+14155551234',
      profileName: 'Ad Clicker',
      timestamp: NOW,
      content: {
        type: 'media',
        mediaType: 'image',
        url: 'https://api.twilio.com/2010-04-01/Accounts/ACxxx/Messages/MMxxx/Media/MExxx',
        mimeType: 'image/jpeg',
        caption: 'Hi',
      },
      referral: {
        sourceType: 'ad',
        sourceId: '120210000000000001',
        sourceUrl: 'https://fb.me/x',
        headline: 'Chat with us',
        body: 'Summer Succulents are here!',
        ctwaClid: 'ARAbc123',
      },
    } satisfies ProviderEvent);
  });

  it('text', () => {
    const e = inbound({ body: 'Hello there', messageSid: 'SM' + '1'.repeat(32), profileName: 'Ann' });
    expect(e).toMatchObject({
      providerMessageId: 'SM' + '1'.repeat(32),
      from: CUSTOMER,
      routingKey: US,
      profileName: 'Ann',
    });
    expect(e.content).toEqual({ type: 'text', text: 'Hello there' });
    expect(e.referral).toBeUndefined();
    expect(e.forwarded).toBeUndefined();
  });

  it.each([
    ['image', 'image/jpeg', 'image'],
    ['video', 'video/mp4', 'video'],
    ['audio', 'audio/ogg', 'audio'],
    ['document', 'application/pdf', 'document'],
    ['sticker', 'image/webp', 'sticker'],
  ] as const)('%s media', (type, contentType, mediaType) => {
    const e = inbound({ type, media: { url: `https://api.twilio.com/m/${type}`, contentType } });
    expect(e.content).toEqual({
      type: 'media',
      mediaType,
      url: `https://api.twilio.com/m/${type}`,
      mimeType: contentType,
    });
  });

  it('a sticker without MessageType is recognised by image/webp', () => {
    const e = inbound({ type: '', media: { url: 'https://api.twilio.com/m/s', contentType: 'image/webp' } });
    expect(e.content).toMatchObject({ type: 'media', mediaType: 'sticker' });
  });

  it('a shared contact arrives as a vCard attachment', () => {
    const e = inbound({
      type: 'contacts',
      media: { url: 'https://api.twilio.com/m/v', contentType: 'text/vcard' },
    });
    expect(e.content).toEqual({
      type: 'media',
      mediaType: 'document',
      url: 'https://api.twilio.com/m/v',
      mimeType: 'text/vcard',
      filename: 'contact.vcf',
    });
  });

  it('location with label and address', () => {
    const e = inbound({
      location: { latitude: 37.78789, longitude: -122.391664, address: '375 Beale St', label: 'Twilio' },
    });
    expect(e.content).toEqual({
      type: 'location',
      latitude: 37.78789,
      longitude: -122.391664,
      name: 'Twilio',
      address: '375 Beale St',
    });
  });

  it('template quick-reply button (MessageType=button)', () => {
    const e = inbound({ button: { text: 'Stop promotions', payload: 'stop' }, body: 'Stop promotions' });
    expect(e.content).toEqual({
      type: 'reply',
      replyKind: 'quick_reply',
      id: 'stop',
      title: 'Stop promotions',
    });
  });

  it('session quick-reply (MessageType=interactive) and list reply', () => {
    expect(inbound({ type: 'interactive', button: { text: 'Yes', payload: 'keep' } }).content).toEqual({
      type: 'reply',
      replyKind: 'button',
      id: 'keep',
      title: 'Yes',
    });
    expect(
      inbound({ list: { id: 'SFO1234', title: 'SFO to NYC', description: 'Flight 1337' } }).content,
    ).toEqual({
      type: 'reply',
      replyKind: 'list',
      id: 'SFO1234',
      title: 'SFO to NYC',
      description: 'Flight 1337',
    });
  });

  it('reply context and forwarded flags', () => {
    const e = inbound({ body: 'this one', replyTo: { sid: 'SMorig' }, frequentlyForwarded: true });
    expect(e.replyToProviderMessageId).toBe('SMorig');
    expect(e.forwarded).toBe(true);
  });

  it('reaction (emoji in Body, target in OriginalRepliedMessageSid)', () => {
    const e = inbound({ type: 'reaction', body: '👍', replyTo: { sid: 'SMtarget' } });
    expect(e.content).toEqual({ type: 'reaction', emoji: '👍', targetProviderMessageId: 'SMtarget' });
    expect(e.replyToProviderMessageId).toBeUndefined();
  });

  it('unknown future types become readable unsupported content; unknown parameters are ignored', () => {
    const e = inbound({ type: 'poll', body: 'Lunch?', extra: { PollOptions: 'a,b', SomethingNew: 'x' } });
    expect(e.content).toEqual({
      type: 'unsupported',
      vendorType: 'poll',
      description: 'Unsupported WhatsApp poll message: Lunch?',
    });
  });

  it('falls back to WaId when From is missing', () => {
    const p = buildTwilioInbound({ to: US, from: CUSTOMER, body: 'x' });
    delete p.From;
    const [e] = mapTwilioWebhook(form(p), NOW);
    expect(e).toMatchObject({ kind: 'inbound_message', from: CUSTOMER });
  });
});

describe('status callbacks', () => {
  const status = (s: string, extra: Partial<Parameters<typeof buildTwilioStatus>[0]> = {}) =>
    mapTwilioWebhook(
      form(buildTwilioStatus({ messageSid: 'SMabc', status: s, from: US, to: CUSTOMER, ...extra })),
      NOW,
    );

  it('maps the providers.md read callback', () => {
    expect(mapTwilioWebhook(req(fixture('status-read.txt')), NOW)).toEqual([
      {
        kind: 'status',
        providerMessageId: 'SMxxx',
        status: 'read',
        timestamp: NOW,
        routingKey: US,
        recipient: CUSTOMER,
      },
    ]);
  });

  it.each([
    ['queued', 'pending'],
    ['accepted', 'pending'],
    ['scheduled', 'pending'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['failed', 'failed'],
    ['undelivered', 'failed'],
    ['canceled', 'failed'],
  ])('%s → %s', (input, expected) => {
    expect(status(input)[0]).toMatchObject({ kind: 'status', status: expected, providerMessageId: 'SMabc' });
  });

  it('failed with 63016 carries template_required with the vendor code and text', () => {
    const [e] = status('undelivered', { errorCode: '63016', errorMessage: 'Outside the allowed window' });
    expect(e).toMatchObject({
      status: 'failed',
      error: { kind: 'template_required', vendorCode: '63016', vendorMessage: 'Outside the allowed window' },
    });
    const [other] = status('failed', { errorCode: '63032' });
    expect(other).toMatchObject({ error: { kind: 'rejected', vendorCode: '63032' } });
  });

  it('out-of-order callbacks each keep their own time: read stamped before delivered still parses as read', () => {
    const read = mapTwilioWebhook(
      form(buildTwilioStatus({ messageSid: 'SMo', status: 'read', from: US, to: CUSTOMER })),
      NOW,
    );
    const delivered = mapTwilioWebhook(
      form(buildTwilioStatus({ messageSid: 'SMo', status: 'delivered', from: US, to: CUSTOMER })),
      NOW + 500,
    );
    expect(read[0]).toMatchObject({ status: 'read', timestamp: NOW });
    expect(delivered[0]).toMatchObject({ status: 'delivered', timestamp: NOW + 500 });
  });

  it('uses a vendor Timestamp or RawDlrDoneDate when present', () => {
    expect(status('delivered', { extra: { Timestamp: '2026-01-15T11:59:00Z' } })[0]?.timestamp).toBe(
      Date.UTC(2026, 0, 15, 11, 59),
    );
    expect(status('delivered', { extra: { RawDlrDoneDate: '2601151158' } })[0]?.timestamp).toBe(
      Date.UTC(2026, 0, 15, 11, 58),
    );
  });

  it('ignores a status word Twilio invents later', () => {
    expect(status('teleported')).toEqual([]);
  });
});

describe('malformed bodies', () => {
  it('throws invalid_request without MessageSid, for broken JSON and for a foreign content type', () => {
    expect(() => mapTwilioWebhook(req('Body=hi&From=whatsapp%3A%2B1555'), NOW)).toThrow(AppError);
    expect(() => mapTwilioWebhook(req('{"MessageSid":', 'application/json'), NOW)).toThrow(/not valid JSON/);
    expect(() => mapTwilioWebhook(req('<xml/>', 'text/xml'), NOW)).toThrow(/form-encoded/);
    try {
      mapTwilioWebhook(req(''), NOW);
    } catch (e) {
      expect((e as AppError).code).toBe('invalid_request');
    }
  });

  it('accepts a JSON body with the same fields', () => {
    const [e] = mapTwilioWebhook(
      req(
        JSON.stringify({ MessageSid: 'SMj', MessageStatus: 'sent', From: `whatsapp:${US}` }),
        'application/json',
      ),
      NOW,
    );
    expect(e).toMatchObject({ kind: 'status', status: 'sent', routingKey: US });
  });
});

// Issue 11: Twilio's BSUID fields (ExternalUserId / ParentExternalUserId, `whatsapp:CC.…` addresses).
describe('business-scoped user IDs', () => {
  const BSUID = 'US.13491208655302741918';

  it('reads a username-only customer from `whatsapp:CC.…` and ExternalUserId, never as a phone', () => {
    const event = inbound({ from: BSUID, parentExternalUserId: 'US.ENT.99' });
    expect(event).toMatchObject({ userId: BSUID, parentUserId: 'US.ENT.99', routingKey: US });
    expect(event).not.toHaveProperty('from');
  });

  it('keeps the phone and the BSUID when both are sent', () => {
    expect(inbound({ externalUserId: BSUID })).toMatchObject({ from: CUSTOMER, userId: BSUID });
  });

  it('maps a status to a BSUID address to recipientUserId', () => {
    const [e] = mapTwilioWebhook(
      form(buildTwilioStatus({ messageSid: 'SMb', status: 'delivered', from: US, to: BSUID })),
      NOW,
    );
    expect(e).toMatchObject({ kind: 'status', status: 'delivered', recipientUserId: BSUID });
    expect(e).not.toHaveProperty('recipient');
  });

  it('keeps a signed inbound without any sender as one unreadable item', () => {
    const [e] = mapTwilioWebhook(form({ MessageSid: 'SMx', Body: 'hi', To: `whatsapp:${US}` }), NOW);
    expect(e).toMatchObject({ kind: 'unreadable', providerMessageId: 'SMx', routingKey: US });
  });
});
