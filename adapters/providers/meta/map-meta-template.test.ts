import { describe, expect, it } from 'vitest';
import type { TemplateDraft } from '../../../src/core/template';
import { convertToMetaTemplateCreate } from './convert-to-meta-template';
import { metaTemplateListSchema, metaTemplateSchema } from './meta-api';
import { mapMetaCategory, mapMetaTemplate, mapMetaTemplateStatus } from './map-meta-template';
import providers from './__fixtures__/providers-md-examples.json';
import specList from './__fixtures__/spec-template-list.json';
import specCreate from './__fixtures__/spec-template-create-examples.json';

/** A create-request example from the spec, as the list endpoint would return it once stored. */
function stored(example: Record<string, unknown>, id = '1') {
  return metaTemplateSchema.parse({ id, status: 'APPROVED', ...example });
}

describe('mapMetaTemplate', () => {
  it('maps the providers.md list fixture (text header, positional body, footer, quick reply)', () => {
    const page = metaTemplateListSchema.parse(providers.listTemplates);
    const t = mapMetaTemplate(page.data[0]!);
    expect(t).toMatchObject({
      provider: 'meta',
      providerTemplateId: '920070352646140',
      name: '2023_april_promo',
      language: 'en_US',
      category: 'MARKETING',
      status: 'APPROVED',
      parameterFormat: 'POSITIONAL',
      kind: 'quick_reply',
      source: 'synced',
      components: {
        header: { format: 'TEXT', text: 'Fall Sale' },
        body: 'Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off!',
        footer: 'Not interested? Tap Stop Promotions',
        buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }],
      },
    });
    expect(t.variables).toEqual([
      { id: 'body.1', location: 'body', key: '1', example: 'Mark' },
      { id: 'body.2', location: 'body', key: '2', example: 'FALL25' },
    ]);
  });

  it('maps the spec list example, including a template without variables', () => {
    const page = metaTemplateListSchema.parse(specList);
    const [hello, promo] = page.data.map(mapMetaTemplate);
    expect(hello).toMatchObject({
      name: 'hello_world',
      kind: 'text',
      variables: [],
      components: { footer: 'WhatsApp Business API Team' },
    });
    expect(promo!.variables.map((v) => v.id)).toEqual(['body.1', 'body.2']);
    expect(page.paging?.cursors?.after).toBe('MjQZD');
  });

  it('maps every header format and button type of the spec create examples', () => {
    const examples = specCreate as Record<string, Record<string, unknown>>;
    const doc = mapMetaTemplate(
      stored(
        examples['Create template w/ document header, text body, a phone number button, and a URL button']!,
      ),
    );
    expect(doc.components.header).toMatchObject({ format: 'DOCUMENT' });
    expect(doc.components.header?.mediaExample).toMatch(/^4::/);
    expect(doc.components.buttons).toEqual([
      { type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '16467043595' },
      { type: 'URL', text: 'Contact Support', url: 'https://www.examplesite.com/support' },
    ]);
    expect(doc.kind).toBe('card');

    const image = mapMetaTemplate(
      stored(
        examples['Create template w/ image header, text body, text footer, and 2 call-to-action buttons']!,
      ),
    );
    expect(image.components.header?.format).toBe('IMAGE');
    expect(image.variables.map((v) => [v.id, v.example])).toEqual([
      ['body.1', 'Mark'],
      ['body.2', 'Tuscan Getaway package'],
      ['body.3', '800'],
      ['button.1.1', 'summer2023'],
    ]);

    const location = mapMetaTemplate(
      stored(examples['Create template w/ location header, text body, text footer, and a website buttons']!),
    );
    expect(location.components.header?.format).toBe('LOCATION');
    expect(location.kind).toBe('location');

    const textHeader = mapMetaTemplate(
      stored(examples['Create template w/ text header, text body, text footer, and 2 quick reply buttons']!),
    );
    expect(textHeader.variables[0]).toEqual({
      id: 'header.1',
      location: 'header',
      key: '1',
      example: 'Summer Sale',
    });
    expect(textHeader.components.header?.examples).toEqual(['Summer Sale']);

    const flow = mapMetaTemplate(stored(examples['Create Flow Template Message by ID']!));
    expect(flow.components.buttons[0]).toEqual({
      type: 'FLOW',
      text: 'Check out this offer!',
      flowId: '{{Flow-ID}}',
    });

    const otp = mapMetaTemplate(stored(examples['Create authentication template w/ OTP copy code button']!));
    expect(otp).toMatchObject({ category: 'AUTHENTICATION', kind: 'authentication' });
    expect(otp.components.buttons[0]).toEqual({ type: 'OTP', text: 'Copy Code', otpType: 'COPY_CODE' });

    const mpm = mapMetaTemplate(stored(examples['Create multi-product message template']!));
    expect(mpm.components.buttons[0]).toEqual({ type: 'OTHER', text: 'View items', kind: 'MPM' });
    expect(mpm.kind).toBe('other');
  });

  it('maps named parameters with body_text_named_params / header_text_named_params', () => {
    const t = mapMetaTemplate(
      metaTemplateSchema.parse({
        id: '7',
        name: 'order_named',
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        parameter_format: 'NAMED',
        components: [
          {
            type: 'HEADER',
            format: 'TEXT',
            text: 'Hi {{first_name}}',
            example: { header_text_named_params: [{ param_name: 'first_name', example: 'Jim' }] },
          },
          {
            type: 'BODY',
            text: 'Order {{order_id}} ships on {{date}}.',
            example: {
              body_text_named_params: [
                { param_name: 'order_id', example: '335628' },
                { param_name: 'date', example: 'May 3' },
              ],
            },
          },
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'COPY_CODE', example: 'SAVE30' },
              { type: 'CATALOG', text: 'View catalog' },
            ],
          },
        ],
      }),
    );
    expect(t.parameterFormat).toBe('NAMED');
    expect(t.variables.map((v) => [v.id, v.example])).toEqual([
      ['header.first_name', 'Jim'],
      ['body.order_id', '335628'],
      ['body.date', 'May 3'],
      ['button.0.code', 'SAVE30'],
    ]);
    expect(t.components.buttons[1]).toEqual({ type: 'OTHER', text: 'View catalog', kind: 'CATALOG' });
  });

  it('keeps the rejection reason and normalizes statuses and legacy categories', () => {
    const t = mapMetaTemplate(
      metaTemplateSchema.parse({
        id: '9',
        name: 'x',
        language: 'en',
        status: 'REJECTED',
        category: 'UTILITY',
        rejected_reason: 'PROMOTIONAL',
        components: [],
      }),
    );
    expect(t).toMatchObject({ status: 'REJECTED', rejectionReason: 'PROMOTIONAL' });
    const none = mapMetaTemplate(
      metaTemplateSchema.parse({
        id: '9',
        name: 'x',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        rejected_reason: 'NONE',
      }),
    );
    expect(none.rejectionReason).toBeUndefined();
    expect(
      ['PAUSED', 'IN_APPEAL', 'PENDING_DELETION', 'LIMIT_EXCEEDED', 'ARCHIVED', 'SOMETHING_NEW'].map(
        mapMetaTemplateStatus,
      ),
    ).toEqual(['PAUSED', 'IN_APPEAL', 'PENDING_DELETION', 'LIMIT_EXCEEDED', 'ARCHIVED', 'UNKNOWN']);
    expect(['ACCOUNT_UPDATE', 'OTP', 'TRANSACTIONAL', 'MARKETING'].map(mapMetaCategory)).toEqual([
      'UTILITY',
      'AUTHENTICATION',
      'UTILITY',
      'MARKETING',
    ]);
  });
});

describe('convertToMetaTemplateCreate', () => {
  it('builds the providers.md create example from a draft', () => {
    const draft: TemplateDraft = {
      name: 'order_confirmation',
      language: 'en_US',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: {
        header: { format: 'TEXT', text: 'Order {{1}}' },
        body: 'Thanks {{1}}! Your order number is {{2}}.',
        buttons: [
          { type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '+16467043595' },
          { type: 'URL', text: 'Track', url: 'https://example.com/t?o={{1}}' },
        ],
      },
      examples: { 'header.1': 'A-1', 'body.1': 'Mark', 'body.2': '860198', 'button.1.1': '860198' },
    };
    expect(convertToMetaTemplateCreate(draft)).toEqual(providers.createTemplateRequest);
  });

  it('sends named examples, media handles, copy-code, OTP and flow buttons', () => {
    const body = convertToMetaTemplateCreate({
      name: 'named_offer',
      language: 'it',
      category: 'MARKETING',
      parameterFormat: 'NAMED',
      allowCategoryChange: true,
      components: {
        header: { format: 'IMAGE', mediaExample: '4::aW1hZ2UvanBn:handle' },
        body: 'Ciao {{first_name}}, usa {{code}} entro oggi.',
        footer: 'Rispondi STOP per annullare',
        buttons: [
          { type: 'COPY_CODE', text: 'Copia', example: 'SAVE10' },
          { type: 'FLOW', text: 'Prenota', flowId: '123' },
          { type: 'OTP', text: 'Copy code' },
        ],
      },
      examples: { 'body.first_name': 'Anna', 'body.code': 'SAVE10' },
    });
    expect(body).toEqual({
      name: 'named_offer',
      language: 'it',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      allow_category_change: true,
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBn:handle'] } },
        {
          type: 'BODY',
          text: 'Ciao {{first_name}}, usa {{code}} entro oggi.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Anna' },
              { param_name: 'code', example: 'SAVE10' },
            ],
          },
        },
        { type: 'FOOTER', text: 'Rispondi STOP per annullare' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'COPY_CODE', example: 'SAVE10' },
            { type: 'FLOW', text: 'Prenota', flow_id: '123', flow_action: 'navigate' },
            { type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' },
          ],
        },
      ],
    });
  });
});
