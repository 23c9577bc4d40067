import { describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../../../src/core/errors';
import { buildManualCmTemplate, toCmWhatsAppTemplate } from './map-cm-template';
import templateRequest from './__fixtures__/send-template-request.json';

describe('buildManualCmTemplate', () => {
  it('maps the providers.md template (namespace, element name, language, one body variable)', () => {
    const t = buildManualCmTemplate({
      namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
      elementName: 'orange_money_pass',
      language: 'fr',
      body: 'Votre pass Orange Money: {{1}}',
      category: 'UTILITY',
      examples: { 'body.1': 'https://bit.ly/3zyzp5E' },
    });
    expect(t).toEqual({
      provider: 'cm',
      providerTemplateId: '0a72eb69_2478_4109_a8b6_577bf0ec778a:orange_money_pass:fr',
      name: 'orange_money_pass',
      language: 'fr',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'POSITIONAL',
      kind: 'text',
      components: { body: 'Votre pass Orange Money: {{1}}', buttons: [] },
      variables: [{ id: 'body.1', location: 'body', key: '1', example: 'https://bit.ly/3zyzp5E' }],
      source: 'manual',
      namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
    });
  });

  it('extracts header, body and URL-button variables and derives the kind', () => {
    const t = buildManualCmTemplate({
      namespace: 'ns',
      elementName: 'order_ready',
      language: 'en_US',
      header: { format: 'TEXT', text: 'Order {{1}}' },
      body: 'Hi {{1}}, order {{2}} is ready.',
      footer: 'Reply STOP to opt out',
      buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.test/o/{{1}}' }],
      category: 'UTILITY',
    });
    expect(t.variables.map((v) => v.id)).toEqual(['header.1', 'body.1', 'body.2', 'button.0.1']);
    expect(t.kind).toBe('call_to_action');
    expect(t.components.footer).toBe('Reply STOP to opt out');
    expect(
      buildManualCmTemplate({
        namespace: 'ns',
        elementName: 'promo',
        language: 'en',
        body: 'Hi {{first_name}}',
        category: 'MARKETING',
        header: { format: 'IMAGE' },
      }),
    ).toMatchObject({
      parameterFormat: 'NAMED',
      kind: 'media',
      variables: [{ id: 'body.first_name' }],
    });
  });

  it('is stable: the same registration gives the same id', () => {
    const input = {
      namespace: 'ns',
      elementName: 'a',
      language: 'en',
      body: 'Hello there',
      category: 'UTILITY' as const,
    };
    expect(buildManualCmTemplate(input).providerTemplateId).toBe(
      buildManualCmTemplate({ ...input }).providerTemplateId,
    );
  });

  it('refuses incomplete or mixed-format registrations', () => {
    expect(() =>
      buildManualCmTemplate({
        namespace: ' ',
        elementName: 'a',
        language: 'en',
        body: 'x',
        category: 'UTILITY',
      }),
    ).toThrow(AppError);
    expect(() =>
      buildManualCmTemplate({
        namespace: 'ns',
        elementName: 'a',
        language: 'en',
        body: '{{1}} and {{name}}',
        category: 'UTILITY',
      }),
    ).toThrow(AppError);
  });
});

describe('toCmWhatsAppTemplate', () => {
  const ref = {
    providerTemplateId: 'x',
    name: 'orange_money_pass',
    language: 'fr',
    namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
    parameterFormat: 'POSITIONAL' as const,
    variables: [{ id: 'body.1', location: 'body' as const, key: '1' }],
  };

  it('reproduces the vendor example template object', () => {
    const expected = templateRequest.messages.msg[0]!.richContent.conversation[0]!.template.whatsapp;
    expect(toCmWhatsAppTemplate(ref, { 'body.1': 'https://bit.ly/3zyzp5E' }, undefined)).toEqual(expected);
  });

  it('a missing value or namespace is a template_mismatch', () => {
    expect(() => toCmWhatsAppTemplate(ref, {}, undefined)).toThrow(ProviderError);
    expect(() =>
      toCmWhatsAppTemplate({ ...ref, namespace: undefined }, { 'body.1': 'x' }, undefined),
    ).toThrow(expect.objectContaining({ kind: 'template_mismatch' }));
  });

  it('text header and copy-code button parameters', () => {
    const out = toCmWhatsAppTemplate(
      {
        ...ref,
        headerFormat: 'TEXT',
        buttonTypes: ['COPY_CODE'],
        variables: [
          { id: 'header.1', location: 'header', key: '1' },
          { id: 'button.0.code', location: 'button', key: 'code', buttonIndex: 0 },
        ],
      },
      { 'header.1': 'Ann', 'button.0.code': 'SAVE10' },
      undefined,
    );
    expect(out.components).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'Ann' }] },
      {
        type: 'button',
        sub_type: 'copy_code',
        index: 0,
        parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
      },
    ]);
  });
});
