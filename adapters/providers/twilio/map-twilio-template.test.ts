import { describe, expect, it } from 'vitest';
import { render } from '../../../src/core/template-render';
import specPage from './__fixtures__/content-and-approvals.spec-example.json';
import typesFixture from './__fixtures__/content-types.json';
import { mapTwilioApprovalStatus, mapTwilioCategory, mapTwilioContent } from './map-twilio-template';
import { contentAndApprovalsPageSchema, contentSchema } from './twilio-api';

const page = contentAndApprovalsPageSchema.parse(specPage);
const bySid = new Map(
  typesFixture.contents.map((c) => [c.sid, mapTwilioContent(contentSchema.parse(c))] as const),
);
const get = (n: number) => bySid.get(`HX${String(n).padStart(32, '0')}`)!;

describe('mapTwilioContent: the spec ContentAndApprovals example', () => {
  const [unsubmitted, media, rejected] = page.contents.map(mapTwilioContent);

  it('maps an unsubmitted text+location content with a named variable that is not used', () => {
    expect(unsubmitted).toMatchObject({
      provider: 'twilio',
      providerTemplateId: 'HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      name: 'Some content',
      language: 'en',
      status: 'UNSUBMITTED',
      category: 'UTILITY',
      kind: 'location',
      source: 'synced',
    });
    expect(unsubmitted!.components.header).toEqual({ format: 'LOCATION' });
    expect(unsubmitted!.components.body).toBe('Foo Bar Co');
    expect(unsubmitted!.variables).toEqual([]);
  });

  it('maps an approved TRANSACTIONAL media template to UTILITY with positional examples', () => {
    expect(media).toMatchObject({
      name: 'Media Test',
      status: 'APPROVED',
      category: 'UTILITY',
      kind: 'media',
      parameterFormat: 'POSITIONAL',
      components: {
        header: { format: 'IMAGE', mediaExample: 'https://example.com/template' },
        body: '{{1}}, Congratulations {{2}}! For additional assistance, please contact us at hello@twilio.com',
        buttons: [],
      },
    });
    expect(media!.variables).toEqual([
      { id: 'body.1', location: 'body', key: '1', example: 'name' },
      { id: 'body.2', location: 'body', key: '2', example: 'typedocument' },
    ]);
    expect(media!.rejectionReason).toBeUndefined();
  });

  it('keeps the rejection reason and makes a media-URL placeholder a header variable', () => {
    expect(rejected!.status).toBe('REJECTED');
    expect(rejected!.rejectionReason).toMatch(/^INVALID_FORMAT\. Facebook is not able/);
    expect(rejected!.components.header).toEqual({
      format: 'VIDEO',
      mediaExample: 'http://example.com/highlights/{{3}}',
    });
    expect(rejected!.variables.map((v) => [v.id, v.example])).toEqual([
      ['header.3', 'small.mp4'],
      ['body.1', 'name'],
      ['body.2', 'type_video'],
    ]);
  });
});

describe('mapTwilioContent: every content type', () => {
  it('quick-reply (preferred over the twilio/text fallback named in approval_requests)', () => {
    const t = get(1);
    expect(t.kind).toBe('quick_reply');
    expect(t.components.buttons).toEqual([
      { type: 'QUICK_REPLY', text: 'Check flight status', payload: 'flightid1' },
      { type: 'QUICK_REPLY', text: 'Check gate number', payload: 'gateid1' },
      { type: 'QUICK_REPLY', text: 'Speak with an agent', payload: 'agentid1' },
    ]);
    expect(t.variables).toEqual([{ id: 'body.1', location: 'body', key: '1', example: 'Owl Air Customer' }]);
  });

  it('call-to-action with URL, phone and copy-code buttons, pending', () => {
    const t = get(2);
    expect(t).toMatchObject({ kind: 'call_to_action', status: 'PENDING' });
    expect(t.components.buttons).toEqual([
      { type: 'URL', text: 'Check Flight Status', url: 'https://owlair.example.com/{{2}}' },
      { type: 'PHONE_NUMBER', text: 'Call Support', phoneNumber: '+15555551234' },
      { type: 'COPY_CODE', text: 'Copy code', example: '{{3}}' },
    ]);
    expect(t.variables.map((v) => v.id)).toEqual(['body.1', 'button.0.2', 'button.2.3']);
    expect(t.variables.find((v) => v.id === 'button.0.2')).toMatchObject({
      buttonIndex: 0,
      example: 'flight_123',
    });
  });

  it('twilio/card: title is the body, subtitle the footer; paused', () => {
    const t = get(3);
    expect(t).toMatchObject({ kind: 'card', status: 'PAUSED', category: 'MARKETING' });
    expect(t.components.body).toMatch(/^Congratulations/);
    expect(t.components.footer).toBe('To unsubscribe, reply Stop');
    expect(t.components.header).toEqual({ format: 'IMAGE', mediaExample: 'https://example.com/elite.png' });
    expect(t.components.buttons.map((b) => b.type)).toEqual(['URL', 'PHONE_NUMBER']);
  });

  it('whatsapp/card with header text; legacy category → UTILITY; disabled; shared key in header and body', () => {
    const t = get(4);
    expect(t).toMatchObject({ kind: 'card', status: 'DISABLED', category: 'UTILITY', language: 'en_US' });
    expect(t.components.header).toEqual({ format: 'TEXT', text: 'Welcome {{1}}' });
    expect(t.variables.map((v) => [v.id, v.key, v.example])).toEqual([
      ['header.1', '1', 'Mark'],
      ['body.1', '1', 'Mark'],
      ['button.0.5', '5', 'docs'],
    ]);
    const rendered = render(t, { 'header.1': 'Ann', 'body.1': 'Ann', 'button.0.5': 'x' });
    expect(rendered.ok && rendered.rendered.header?.text).toBe('Welcome Ann');
  });

  it('whatsapp/authentication: WhatsApp-written body with the code as {{1}}, OTP button; received → PENDING', () => {
    const t = get(5);
    expect(t).toMatchObject({ kind: 'authentication', category: 'AUTHENTICATION', status: 'PENDING' });
    expect(t.components.body).toBe(
      '{{1}} is your verification code. For your security, do not share this code.',
    );
    expect(t.components.footer).toBe('This code expires in 30 minutes.');
    expect(t.components.buttons).toEqual([
      { type: 'OTP', text: 'Copy verification code', otpType: 'COPY_CODE' },
    ]);
    expect(t.variables).toEqual([{ id: 'body.1', location: 'body', key: '1', example: '12345' }]);
  });

  it('list-picker with a named variable; unsubmitted content falls back to its friendly name', () => {
    const t = get(6);
    expect(t).toMatchObject({
      kind: 'list_picker',
      status: 'UNSUBMITTED',
      name: 'flash_sale_list',
      parameterFormat: 'NAMED',
    });
    expect(t.components.buttons).toEqual([{ type: 'OTHER', text: 'Select a destination', kind: 'LIST' }]);
    expect(t.variables).toEqual([
      { id: 'body.end_date', location: 'body', key: 'end_date', example: 'tomorrow' },
    ]);
  });

  it('location without approval_requests', () => {
    const t = get(7);
    expect(t).toMatchObject({
      kind: 'location',
      status: 'UNSUBMITTED',
      components: { body: 'Time to Board @ SFO' },
    });
  });

  it('an unknown type (catalog) and an unknown approval status do not crash', () => {
    const t = get(8);
    expect(t).toMatchObject({
      kind: 'other',
      status: 'UNKNOWN',
      components: { body: 'Hi, check out this menu', buttons: [] },
    });
  });

  it('a known type with a shape Twilio changed maps to other instead of throwing', () => {
    const t = mapTwilioContent(
      contentSchema.parse({ sid: 'HX' + 'f'.repeat(32), types: { 'twilio/quick-reply': { body: 5 } } }),
    );
    expect(t.kind).toBe('other');
    expect(t.name).toBe('HX' + 'f'.repeat(32));
  });
});

describe('status and category tables', () => {
  it.each([
    ['approved', 'APPROVED'],
    ['rejected', 'REJECTED'],
    ['unsubmitted', 'UNSUBMITTED'],
    ['pending', 'PENDING'],
    ['received', 'PENDING'],
    ['paused', 'PAUSED'],
    ['disabled', 'DISABLED'],
    ['brand_new', 'UNKNOWN'],
  ])('%s → %s', (input, expected) => expect(mapTwilioApprovalStatus(input)).toBe(expected));

  it('maps categories incl. legacy ones', () => {
    expect(mapTwilioCategory('TRANSACTIONAL', 'MARKETING')).toBe('UTILITY');
    expect(mapTwilioCategory('marketing', 'UTILITY')).toBe('MARKETING');
    expect(mapTwilioCategory('OTP', 'UTILITY')).toBe('AUTHENTICATION');
    expect(mapTwilioCategory('', 'AUTHENTICATION')).toBe('AUTHENTICATION');
  });
});
