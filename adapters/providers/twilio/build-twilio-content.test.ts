import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { TemplateDraft } from '../../../src/core/template';
import { validateRequest } from '../../../test/spec/openapi';
import { buildTwilioContent } from './build-twilio-content';
import { mapTwilioContent } from './map-twilio-template';
import type { ContentCreateRequest } from './twilio-api';

const base: TemplateDraft = {
  name: 'order_update',
  language: 'en',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  components: { body: 'Hi {{1}}, your order {{2}} shipped.', buttons: [] },
  examples: { 'body.1': 'Mark', 'body.2': 'A-1' },
};
const draft = (
  patch: Partial<TemplateDraft['components']>,
  extra: Partial<TemplateDraft> = {},
): TemplateDraft => ({
  ...base,
  ...extra,
  components: { ...base.components, ...patch },
});

/** Every body we build must be a valid ContentCreateRequest in Twilio's own spec. */
function expectValid(body: ContentCreateRequest): ContentCreateRequest {
  const result = validateRequest('twilio', {
    method: 'POST',
    url: 'https://content.twilio.com/v1/Content',
    contentType: 'application/json',
    body,
  });
  expect(result.errors).toEqual([]);
  return body;
}

/** The built Content, listed back as Twilio would return it, maps onto the same layout. */
function roundTrip(body: ContentCreateRequest) {
  return mapTwilioContent({
    sid: 'HX' + 'a'.repeat(32),
    language: body.language,
    variables: body.variables,
    types: body.types,
  });
}

describe('buildTwilioContent', () => {
  it('plain body → twilio/text with examples keyed by variable', () => {
    const body = expectValid(buildTwilioContent(base));
    expect(body).toEqual({
      friendly_name: 'order_update',
      language: 'en',
      variables: { '1': 'Mark', '2': 'A-1' },
      types: { 'twilio/text': { body: 'Hi {{1}}, your order {{2}} shipped.' } },
    });
    expect(roundTrip(body).variables.map((v) => v.id)).toEqual(['body.1', 'body.2']);
  });

  it('quick replies only → twilio/quick-reply (payload as id)', () => {
    const body = expectValid(
      buildTwilioContent(
        draft({
          buttons: [
            { type: 'QUICK_REPLY', text: 'Yes', payload: 'yes' },
            { type: 'QUICK_REPLY', text: 'No' },
          ],
        }),
      ),
    );
    expect(body.types).toEqual({
      'twilio/quick-reply': {
        body: 'Hi {{1}}, your order {{2}} shipped.',
        actions: [
          { type: 'QUICK_REPLY', title: 'Yes', id: 'yes' },
          { type: 'QUICK_REPLY', title: 'No', id: 'No' },
        ],
      },
    });
    expect(roundTrip(body).kind).toBe('quick_reply');
  });

  it('URL / phone / copy-code → twilio/call-to-action with button variables renumbered after the body', () => {
    const body = expectValid(
      buildTwilioContent(
        draft(
          {
            buttons: [
              { type: 'URL', text: 'Track', url: 'https://x.test/t/{{1}}', examples: ['A-1'] },
              { type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '+15551234567' },
              { type: 'COPY_CODE', text: 'Copy', example: 'SAVE10' },
            ],
          },
          {},
        ),
      ),
    );
    expect(body.types['twilio/call-to-action']?.actions).toEqual([
      { type: 'URL', title: 'Track', url: 'https://x.test/t/{{3}}' },
      { type: 'PHONE_NUMBER', title: 'Call', phone: '+15551234567' },
      { type: 'COPY_CODE', title: 'Copy', code: '{{4}}' },
    ]);
    expect(body.variables).toEqual({ '1': 'Mark', '2': 'A-1', '3': 'A-1', '4': 'SAVE10' });
    expect(roundTrip(body).variables.map((v) => v.id)).toEqual([
      'body.1',
      'body.2',
      'button.0.3',
      'button.2.4',
    ]);
  });

  it('media header without buttons → twilio/media; with a footer → whatsapp/card', () => {
    const media = { format: 'IMAGE' as const, mediaExample: 'https://cdn.x.test/a.png' };
    const plain = expectValid(buildTwilioContent(draft({ header: media })));
    expect(plain.types).toEqual({
      'twilio/media': { body: 'Hi {{1}}, your order {{2}} shipped.', media: ['https://cdn.x.test/a.png'] },
    });
    const card = expectValid(buildTwilioContent(draft({ header: media, footer: 'Reply STOP to opt out' })));
    expect(card.types['whatsapp/card']).toMatchObject({
      media: ['https://cdn.x.test/a.png'],
      footer: 'Reply STOP to opt out',
    });
    expect(roundTrip(card).components.header).toEqual({
      format: 'IMAGE',
      mediaExample: 'https://cdn.x.test/a.png',
    });
  });

  it('named parameters keep their names', () => {
    const body = expectValid(
      buildTwilioContent({
        ...base,
        parameterFormat: 'NAMED',
        components: {
          header: { format: 'TEXT', text: 'For {{first_name}}' },
          body: 'Hi {{first_name}}, order {{order_id}} shipped.',
          buttons: [],
        },
        examples: { 'header.first_name': 'Mark', 'body.first_name': 'Mark', 'body.order_id': 'A-1' },
      }),
    );
    expect(body.variables).toEqual({ first_name: 'Mark', order_id: 'A-1' });
    expect(body.types['whatsapp/card']).toMatchObject({ header_text: 'For {{first_name}}' });
    expect(roundTrip(body).parameterFormat).toBe('NAMED');
  });

  it('authentication → whatsapp/authentication', () => {
    const body = expectValid(
      buildTwilioContent({
        ...base,
        category: 'AUTHENTICATION',
        components: {
          body: '{{1}} is your verification code. For your security, do not share this code.',
          footer: 'This code expires in 10 minutes.',
          buttons: [{ type: 'OTP', text: 'Copy code', otpType: 'COPY_CODE' }],
        },
        examples: { 'body.1': '123456' },
      }),
    );
    expect(body.types).toEqual({
      'whatsapp/authentication': {
        add_security_recommendation: true,
        code_expiration_minutes: 10,
        actions: [{ type: 'COPY_CODE', copy_code_text: 'Copy code' }],
      },
    });
    expect(roundTrip(body)).toMatchObject({ kind: 'authentication', category: 'AUTHENTICATION' });
  });

  it('refuses what Twilio cannot submit: location headers, media without a URL, flow buttons', () => {
    const code = (d: TemplateDraft) => {
      try {
        buildTwilioContent(d);
        return 'built';
      } catch (e) {
        return e instanceof AppError ? `${e.code}: ${e.message}` : String(e);
      }
    };
    expect(code(draft({ header: { format: 'LOCATION' } }))).toMatch(
      /^invalid_request: Twilio cannot submit location/,
    );
    expect(code(draft({ header: { format: 'VIDEO' } }))).toMatch(/^invalid_request: A media header needs/);
    expect(code(draft({ buttons: [{ type: 'FLOW', text: 'Book', flowId: '1' }] }))).toMatch(/FLOW button/);
  });
});
